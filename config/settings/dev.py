from config.env import env_bool, env_str

from .base import *  # noqa: F403

DEBUG = env_bool("DANVAN_DEBUG", True)
EMAIL_BACKEND = env_str("DANVAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
STATIC_ROOT = None  # served by the staticfiles finders; collectstatic is for prod
