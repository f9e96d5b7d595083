from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
AXES_FAILURE_LIMIT = 5
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
STATIC_ROOT = None  # served by the staticfiles finders; collectstatic is for prod
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
