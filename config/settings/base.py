"""Settings shared by every environment. Machine-specific values come from the environment."""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_path, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("DANVAN_SECRET_KEY", "insecure-dev-key-change-me")
DEBUG = env_bool("DANVAN_DEBUG", False)
ALLOWED_HOSTS = env_list("DANVAN_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DANVAN_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "treebeard",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "danvan.core",
    "danvan.orgs",
    "danvan.initiatives",
    "danvan.petitions",
    "danvan.dialogues",
    "danvan.plans",
    "danvan.kpis",
    "danvan.reports",
    "danvan.portal",
    "danvan.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "danvan.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "danvan.orgs.middleware.WorkingUnitMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "danvan.orgs.context_processors.working_unit",
            ],
        },
    },
]

# Database: SQLite (WAL) by default, PostgreSQL through DATABASE_URL.
DATA_DIR = env_path("DANVAN_DATA_DIR", BASE_DIR / "var")
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "danvan.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "danvan.orgs.backends.UsernameOrEmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock an account+address after repeated failures.
AXES_FAILURE_LIMIT = env_int("DANVAN_AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours (15 minutes)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True

# Internationalisation: Vietnamese by default, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = env_path("DANVAN_STATIC_ROOT", BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env_path("DANVAN_MEDIA_ROOT", BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = env_str("DANVAN_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DANVAN_DEFAULT_FROM_EMAIL", "danvan@localhost")
# Absolute links in e-mails.
SITE_URL = env_str("DANVAN_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Keys that seal personal data (a denouncer's identity) in the database; the first one
# encrypts, every one decrypts (rotation). Production must set its own (docs/development.md).
FIELD_ENCRYPTION_KEYS = env_list("DANVAN_FIELD_KEYS", ["insecure-dev-field-key-change-me"])
# The cache holds the public portal's rate-limit counters, so it must be shared by every
# worker process: the database cache by default (`manage.py createcachetable`, run by
# `make run`), Redis or Memcached on a large site.
CACHES = {
    "default": {
        "BACKEND": env_str("DANVAN_CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache"),
        "LOCATION": env_str("DANVAN_CACHE_LOCATION", "danvan_cache"),
    }
}
# Public portal: submissions and tracking-code lookups allowed per client address per hour.
PUBLIC_SUBMISSIONS_PER_HOUR = env_int("DANVAN_PUBLIC_SUBMISSIONS_PER_HOUR", 5)
PUBLIC_LOOKUPS_PER_HOUR = env_int("DANVAN_PUBLIC_LOOKUPS_PER_HOUR", 60)
# Uploads: largest file accepted (bytes), checked by content, not by name.
UPLOAD_MAX_BYTES = env_int("DANVAN_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": env_str("DANVAN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "danvan.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "danvan API",
    "DESCRIPTION": "HTTP API of danvan, the management system for mass-mobilisation work.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc from the installed sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets sharing a field name ("status", "kind") get names of their own.
    "ENUM_NAME_OVERRIDES": {
        "IndicatorKindEnum": "danvan.kpis.models.IndicatorKind",
        "TargetKindEnum": "danvan.kpis.models.TargetKind",
        "TargetStatusEnum": "danvan.kpis.status.Status",
        "PeriodKindEnum": "danvan.reports.models.PeriodKind",
        "PeriodStatusEnum": "danvan.reports.models.PeriodStatus",
        "ReportEventKindEnum": "danvan.reports.models.EventKind",
        "ReportStateEnum": "danvan.reports.models.ReportState",
        "RollupRuleEnum": "danvan.kpis.models.RollupRule",
        "UnitKindEnum": "danvan.orgs.models.UnitKind",
        "CampaignStatusEnum": "danvan.initiatives.models.CampaignStatus",
        "InitiativeStatusEnum": "danvan.initiatives.models.Status",
        "InitiativeKindEnum": "danvan.initiatives.models.InitiativeKind",
        "CouncilStatusEnum": "danvan.initiatives.models.CouncilStatus",
        "LetterKindEnum": "danvan.petitions.models.LetterKind",
        "LetterStatusEnum": "danvan.petitions.models.LetterStatus",
        "LetterChannelEnum": "danvan.petitions.models.Channel",
        "LetterActionEnum": "danvan.petitions.models.LetterAction",
        "LetterOutcomeEnum": "danvan.petitions.models.Outcome",
        "ReceptionOutcomeEnum": "danvan.petitions.models.ReceptionOutcome",
        "LetterMoveEnum": "danvan.api.citizen_serializers.MOVE_CHOICES",
        "ReceptionKindEnum": "danvan.petitions.models.ReceptionKind",
        "DialogueKindEnum": "danvan.dialogues.models.DialogueKind",
        "DialogueRequestStatusEnum": "danvan.dialogues.models.RequestStatus",
        "DisclosureChannelEnum": "danvan.dialogues.models.DisclosureChannel",
        "PlanStatusEnum": "danvan.plans.models.PlanStatus",
        "PlanKindEnum": "danvan.plans.models.PlanKind",
        "PlanActionEnum": "danvan.api.plan_serializers.PLAN_ACTIONS",
        "SectionKindEnum": "danvan.plans.models.SectionKind",
        "TaskStatusEnum": "danvan.plans.models.TaskStatus",
        "ProgressStatusEnum": "danvan.api.plan_serializers.PROGRESS_STATUSES",
        "InboxRoleEnum": "danvan.api.plan_serializers.INBOX_ROLES",
        "RoleEnum": "danvan.orgs.models.Role",  # its name before InboxRoleEnum came
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DANVAN_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
