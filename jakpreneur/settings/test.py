"""The test suite: real PostgreSQL and Redis, never SQLite."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, LOGGING, database, env

SECRET_KEY = "test-only-secret-key"
SITE_URL = "http://testserver"
AXES_ENABLED = False  # tests log in without a request; the lockout has its own tests, which switch it on
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DATABASES = {"default": database(env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/jakpreneur"))}
# Production's database backend (django-prometheus's, counting queries for /metrics), so the suite runs through it.
DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
NOTIFICATION_BACKENDS = {
    "email": "notifications.backends.EmailBackend",
    "sms": "notifications.backends.MemoryBackend",
    "whatsapp": "notifications.backends.MemoryBackend",
}
# Tasks run in-process unless a test starts a real worker (tests/… override this per test).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
STORAGES = {
    "default": {
        "BACKEND": "core.storage.PrivateStorage",
        "OPTIONS": {"location": env("PRIVATE_STORAGE_ROOT", default=str(BASE_DIR / "var" / "test-private"))},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
NIK_ENCRYPTION_KEYS = [
    "dGVzdC1rZXktb25lLTMyLWJ5dGVzLWxvbmctZmVybmU=",
]
NIK_HASH_KEY = "test-hmac-key"
# Static files come from the app folders through whitenoise's finders; nothing is collected for tests.
STATIC_ROOT = None  # type: ignore[assignment]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# A worker a test starts serves no metrics port unless the test asks for one.
WORKER_METRICS_PORT = env.int("WORKER_METRICS_PORT", default=0)

# The suite scans its logs for NIKs (root conftest.py). A process a test starts with these settings (a real Celery
# worker) writes every record to a file in the directory the suite names, which the scan reads after each test.
LOG_SCAN_DIR = env("JAKPRENEUR_LOG_SCAN_DIR", default="")
if LOG_SCAN_DIR:
    LOGGING = {
        **LOGGING,
        "handlers": {
            **LOGGING["handlers"],
            "scan": {
                "class": "logging.FileHandler",
                "filename": f"{LOG_SCAN_DIR}/{os.getpid()}.log",
                "formatter": "plain",
                "filters": ["request"],
                "delay": True,
            },
        },
        "root": {**LOGGING["root"], "handlers": [*LOGGING["root"]["handlers"], "scan"]},
    }
