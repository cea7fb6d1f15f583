"""Production: every secret and service comes from the environment; nothing has a default."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env("SECRET_KEY")
DATABASES = {"default": env.db("DATABASE_URL")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL in production.")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
REDIS_URL = env("REDIS_URL")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
NIK_ENCRYPTION_KEYS = env.list("NIK_ENCRYPTION_KEYS")
NIK_HASH_KEY = env("NIK_HASH_KEY")
if not NIK_ENCRYPTION_KEYS or not NIK_HASH_KEY:
    raise ImproperlyConfigured("NIK_ENCRYPTION_KEYS and NIK_HASH_KEY must be set in production.")

DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["jakpreneur.jakarta.go.id"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=["https://jakpreneur.jakarta.go.id"])

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
