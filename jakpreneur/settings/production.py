"""Production: every secret and service comes from the environment; nothing has a default."""

from cryptography.fernet import Fernet, MultiFernet
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LOGGING, database, env


def required(name: str) -> str:
    """An environment variable production cannot run without: unset or blank is refused with its name."""
    value: str = env.str(name, default="").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production.")
    return value


SECRET_KEY = required("SECRET_KEY")
DATABASES = {"default": database(env.db_url_config(required("DATABASE_URL")))}
if DATABASES["default"].get("ENGINE") != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL in production.")
# django-prometheus's PostgreSQL backend: Django's own, counting connections, queries, errors and their time for
# /metrics (a few microseconds a query).
DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
REDIS_URL = required("REDIS_URL")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
NIK_ENCRYPTION_KEYS = [key.strip() for key in required("NIK_ENCRYPTION_KEYS").split(",") if key.strip()]
NIK_HASH_KEY = required("NIK_HASH_KEY")
try:
    MultiFernet([Fernet(key) for key in NIK_ENCRYPTION_KEYS])
except ValueError as exc:
    raise ImproperlyConfigured("NIK_ENCRYPTION_KEYS holds a key that is not a valid Fernet key.") from exc
# Outgoing mail as one URL, e.g. smtp+tls://user:password@smtp.example.id:587 (django-environ's pattern).
vars().update(env.email_url("EMAIL_URL", default="smtp://localhost:25"))

SITE_URL = env("SITE_URL", default="https://jakpreneur.jakarta.go.id").rstrip("/")
DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["jakpreneur.jakarta.go.id"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=["https://jakpreneur.jakarta.go.id"])

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Probes and Prometheus reach the web service directly on the internal network, in plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/live|/ready)?$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True

# One JSON object a line on stdout (python-json-logger), for the log collector: time, level, logger, message, the
# request id and the acting account's id (jakpreneur/logs.py), and the exception's traceback when there is one.
LOGGING = {
    **LOGGING,
    "formatters": {
        **LOGGING["formatters"],
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        **LOGGING["handlers"],
        "console": {**LOGGING["handlers"]["console"], "formatter": "json", "stream": "ext://sys.stdout"},
    },
}
