from config.env import env_bool, env_int, env_str

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env_str("DANVAN_SECRET_KEY")
FIELD_ENCRYPTION_KEYS = [k.strip() for k in env_str("DANVAN_FIELD_KEYS").split(",") if k.strip()]
SESSION_COOKIE_SECURE = env_bool("DANVAN_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("DANVAN_SECURE_COOKIES", True)
SECURE_HSTS_SECONDS = env_int("DANVAN_HSTS_SECONDS", 0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
