"""The embedded default: PostgreSQL from a pip wheel in var/postgres (or DATABASE_URL), Celery tasks run
in-process, fixed development keys. Never for production."""

from .base import *  # noqa: F403
from .base import CACHES, LOGGING, STORAGES, VAR_DIR, database, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-development-only-not-a-secret")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
VAR_DIR.mkdir(exist_ok=True)

if env("DATABASE_URL", default=""):
    DATABASES = {"default": database(env.db("DATABASE_URL"))}
else:
    from jakpreneur.embedded_postgres import embedded_database

    DATABASES = {"default": database(embedded_database(VAR_DIR / "postgres"))}

# Tasks run in the web process and the cache (the API's throttles) in memory, so no Redis is needed.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "fragments": CACHES["fragments"],  # each process's memory, as in production
}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")

# A made-up help line for the demo (the real one comes from the environment in production).
HELP_LINE = {
    "phone": env("HELP_LINE_PHONE", default="+6281100000000"),
    "whatsapp": env("HELP_LINE_WHATSAPP", default="+6281100000000"),
    "email": env("HELP_LINE_EMAIL", default="bantuan@demo.jakpreneur.id"),
    "hours": env("HELP_LINE_HOURS", default="Senin-Jumat 08.00-16.00 WIB"),
}

# The demo's logins (registration's seed_demo) show their current second-factor code on the code page, with DEBUG on.
DEMO_SECOND_FACTOR_DOMAIN = "demo.jakpreneur.id"

# Fixed development keys: they protect nothing and must never be used with real data.
NIK_ENCRYPTION_KEYS = env.list("NIK_ENCRYPTION_KEYS", default=["bG9jYWwtZGV2ZWxvcG1lbnQta2V5LW5vdC1zZWNyZXQ="])
NIK_HASH_KEY = env("NIK_HASH_KEY", default="local-development-hmac-key")

# Serve static files straight from the source folders, no collectstatic needed, with DEBUG on or off: the
# manifest storage of production would answer 500 on every page (with DEBUG=False) until collectstatic ran.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tasks run in-process here: one log line per task would drown the server's own.
# The embedded PostgreSQL says each start and stop; only its problems matter here.
LOGGING = {
    **LOGGING,
    "loggers": {
        **LOGGING["loggers"],
        "celery.app.trace": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
    },
}
