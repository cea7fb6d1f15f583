"""Settings shared by every environment. Values come from the environment through django-environ."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"


def database(config: dict[str, Any]) -> dict[str, Any]:
    """A database's settings with the session options every connection of the portal takes: PostgreSQL's JIT
    off. JIT compiles a plan the planner estimates expensive, for analytics; at a million participants it added
    up to four seconds to the heavier pages (partner performance: 6.6 s with it, 2.5 s without; bench/FIGURES.md)
    and saves nothing on queries that read a page of rows."""
    options = config.setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    # While PostgreSQL restarts or its host is unreachable, a request gives up connecting after 2 s (libpq's
    # shortest) and answers the branded 503 (core.errors), instead of waiting for the operating system's TCP timeout.
    options.setdefault("connect_timeout", 2)
    return config


env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="")
# The portal's public address, for links in messages (never taken from a request's Host header).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "accounts.apps.ProgramAdminConfig",  # Django's admin, its site asking for the second factor (accounts.admin_site)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_celery_beat",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_prometheus",  # /metrics: requests, database and cache (jakpreneur/metrics.py adds tasks and the outbox)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "pgtrigger",
    "pghistory",
    "core",
    "accounts",
    "geography",
    "notifications",
    "registration",
    "exports",
    "partners",
    "training",
    "mentoring",
    "licensing",
    "marketing",
    "feedback",
    "finance",
    "capital",
    "targets",
    "privacy",
]

MIDDLEWARE = [
    "jakpreneur.logs.RequestIdMiddleware",  # first: every line logged while a request runs carries its id
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.text.BidiStripMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.audit.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.sessions.SessionTimeoutMiddleware",  # after messages: it says why a session ended
    "accounts.two_factor.SecondFactorMiddleware",
    "core.submissions.OneSubmissionMiddleware",  # a form sent twice has one result (after messages: it says so)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "core.api.ConditionalGetMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",  # last: it counts what every other one answered
]

ROOT_URLCONF = "jakpreneur.urls"
WSGI_APPLICATION = "jakpreneur.wsgi.application"

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
                "jakpreneur.context_processors.navigation",
            ],
        },
    },
]

# Django's form renderer with its select lists written in Python (core/renderers.py says why).
FORM_RENDERER = "core.renderers.FormRenderer"

# PostgreSQL everywhere (docs/ARCHITECTURE.md, "One database"): each settings module says which server.
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.backends.EmailOrPhoneBackend"]

# Repeated failed logins (django-axes): 5 wrong passwords for one login from one address lock that pair out for
# 30 minutes; locking by the pair keeps an attacker from locking a real user out from everywhere.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.backends.lockout_key"  # one key per account, whatever the spelling
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The address is the connection's, or the one the trusted proxy in front wrote (accounts.logins.client_address):
# never what a client puts in X-Forwarded-For itself. TRUSTED_PROXIES lists the proxy's addresses or networks
# (docker-compose.yml: the nginx service's fixed address); empty, the portal is reached directly.
AXES_CLIENT_IP_CALLABLE = "accounts.logins.client_address"
TRUSTED_PROXIES: list[str] = env.list("TRUSTED_PROXIES", default=[])
# "This NIK is already registered" answers of the online wizard per day, per account and per client address
# (registration.probes): enough for typos, too few to test NIKs one by one.
NIK_PROBES_PER_ACCOUNT = 5
NIK_PROBES_PER_ADDRESS = 20
NIK_PROBES_PER_APP = 200  # an app registering on people's behalf (JAKI): its account's daily "already registered"
# One-time set-password links per account and hour, so the claim form cannot be used to flood a phone with SMS.
CLAIM_LINKS_PER_HOUR = 3
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "landing"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name", "phone")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # what the lists miss: a common password dressed up (Jakarta2026!, P@ssw0rd1), a run (12345678, qwertyui,
    # aaaaaaaa) or the portal's own name: accounts/passwords.py
    {"NAME": "accounts.passwords.PatternPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = int(timedelta(days=3).total_seconds())
# Argon2id with OWASP's parameters (accounts/hashers.py): a tenth of the CPU of PBKDF2 at a million iterations,
# which capped signups near one a second (issue 12). PBKDF2 stays second so the hashes made before verify; a
# login with one rehashes it as Argon2id (Django does so when the first hasher is not the one that made it).
PASSWORD_HASHERS = [
    "accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Language: Bahasa Indonesia first, English second. Source strings are English; locale/id carries Indonesian.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Documents are personal data: they live outside any public URL and are served only through
# permission-checked views. There is no MEDIA_URL on purpose.
PRIVATE_STORAGE_ROOT = Path(env("PRIVATE_STORAGE_ROOT", default=str(VAR_DIR / "private")))
STORAGES = {
    "default": {
        "BACKEND": "core.storage.PrivateStorage",
        "OPTIONS": {"location": str(PRIVATE_STORAGE_ROOT)},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# NIK encryption at rest: a list of Fernet keys (the first encrypts, all decrypt, so keys can rotate)
# and a separate HMAC key for the keyed hash that carries uniqueness and exact search.
NIK_ENCRYPTION_KEYS: list[str] = env.list("NIK_ENCRYPTION_KEYS", default=[])
NIK_HASH_KEY: str = env("NIK_HASH_KEY", default="")


CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_HTTPONLY = True
# A login lasts 12 hours at most, and ends after 30 minutes without a request (accounts/sessions.py; NIST SP 800-63B
# at AAL2, as OWASP ASVS 5.0 V7.1.1 asks): a phone left at an office counter is not left logged in. The cookie
# lives no longer than the login.
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 3600)
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
# The second factor (django-otp, accounts/two_factor.py): the name authenticator apps show beside the code.
OTP_TOTP_ISSUER = "JakPreneur"
RECOVERY_CODES = 10  # one-time codes given with an authenticator, for the day the phone is lost
# The demo (bin/run) shows its own logins' current code on the code page; empty everywhere else.
DEMO_SECOND_FACTOR_DOMAIN = ""
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp) on every page: scripts, styles, fonts and images from the portal itself,
# no inline script, nothing framed, forms post only here. Style *attributes* are allowed (style-src-attr): a few
# templates set a progress bar's width or keep a note's line breaks with one; an attribute cannot load or run
# anything, while <style> blocks and other origins stay refused. Bootstrap draws its select arrows and check
# marks as data: SVG images. Private files (core.files) send their own sandbox policy, which this keeps.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-elem": [SELF],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The program's help line, shown on the landing page and to every participant (empty: not shown).
HELP_LINE = {
    "phone": env("HELP_LINE_PHONE", default=""),
    "whatsapp": env("HELP_LINE_WHATSAPP", default=""),
    "email": env("HELP_LINE_EMAIL", default=""),
    "hours": env("HELP_LINE_HOURS", default=""),
}

# Celery: the broker is Redis. Publishing gives up quickly when Redis is down; the outbox keeps the message.
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A request that publishes (after its commit) waits at most half a second on a Redis that is down or hung: one
# connection attempt with short socket timeouts, and no retry loop (kombu's `max_retries`, else it retries for the
# whole BROKER_CONNECTION_TIMEOUT). What could not be published waits in the outbox for the dispatcher.
# A hung Redis (connections accepted, never answered) costs a call the whole socket timeout, and a request may meet
# it twice: once on the broker (its later publishes then fail at once: core.tasks.AuditedTask) and once on the
# cache (the API's throttle). So each waits at most REDIS_TIMEOUT_SECONDS, both together under the half second
# (tests/test_fault_redis_hangs.py); a working Redis answers within milliseconds.
REDIS_TIMEOUT_SECONDS = 0.2
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 0.5
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker takes a task only when it can run it (no prefetch), so a task is unacknowledged only while it runs, and a
# worker killed while running one gives it back after the visibility timeout instead of Redis's one-hour default.
# Ten minutes: three times the longest task measured (the XLSX export of a million participants, 178 s,
# bench/FIGURES.md); an outbox delivery is bounded at a minute (OUTBOX_SEND_ATTEMPT_SECONDS) and retries
# through the dispatcher, never with a countdown, so no task waits in a worker for longer than it runs.
CELERY_WORKER_DISABLE_PREFETCH = True
TASK_VISIBILITY_SECONDS = env.int("TASK_VISIBILITY_SECONDS", default=600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
    "socket_timeout": REDIS_TIMEOUT_SECONDS,
    "max_retries": 0,
    "visibility_timeout": TASK_VISIBILITY_SECONDS,
    # How often a worker looks for tasks past their visibility timeout (kombu's default: every 100 s).
    "unacked_restore_interval": env.int("TASK_RESTORE_SECONDS", default=10),
    "unacked_restore_throttle": 1,
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
OUTBOX_DISPATCH_SECONDS = env.float("OUTBOX_DISPATCH_SECONDS", default=60.0)
# The longest one outbox delivery may take (the send task's time limit): a message still "sending" after that lost
# its worker and is sent again, with the same key. Shorter than TASK_VISIBILITY_SECONDS, so a task the broker hands
# out again after its worker died finds the attempt lost.
OUTBOX_SEND_ATTEMPT_SECONDS = env.int("OUTBOX_SEND_ATTEMPT_SECONDS", default=60)
CELERY_BEAT_SCHEDULE = {
    "dispatch-pending-messages": {
        "task": "notifications.tasks.dispatch_pending_messages",
        "schedule": OUTBOX_DISPATCH_SECONDS,
    },
    "training-session-reminders": {
        "task": "training.tasks.send_session_reminders",
        "schedule": crontab(hour=8, minute=0),  # Asia/Jakarta: the day before a session
    },
    "mentoring-follow-up-reminders": {
        "task": "mentoring.tasks.send_follow_up_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "partners-agreement-matches": {
        "task": "partners.tasks.count_agreement_matches",
        "schedule": crontab(hour=2, minute=15),  # Asia/Jakarta: the day's consents in each agreement's counts
    },
    "targets-agreement-outcomes": {
        "task": "targets.tasks.count_agreement_outcomes",
        "schedule": crontab(hour=2, minute=30),  # Asia/Jakarta: after the summaries' rebuild (Progress) at 01:30
    },
    "partners-agreement-expiry-reminders": {
        "task": "partners.tasks.send_agreement_expiry_reminders",
        "schedule": crontab(hour=7, minute=30),  # Asia/Jakarta: 30 days before an agreement ends
    },
    "licensing-expiry-reminders": {
        "task": "licensing.tasks.send_expiry_reminders",
        "schedule": crontab(hour=7, minute=15),  # Asia/Jakarta: each licence type's reminder days before expiry
    },
    "targets-rebuild-summaries": {
        "task": "targets.tasks.rebuild_summaries",
        "schedule": crontab(hour=1, minute=30),  # Asia/Jakarta: the summary tables from scratch, nightly
    },
    "finance-program-reports": {
        "task": "finance.tasks.build_program_reports",
        "schedule": crontab(hour=1, minute=45),  # Asia/Jakarta: the program's before and after, nightly
    },
    "exports-expire-files": {
        "task": "exports.tasks.expire_exports",
        "schedule": crontab(hour=2, minute=15),  # Asia/Jakarta: exports' files older than their keeping time
    },
    "core-forget-submissions": {
        "task": "core.tasks.forget_submissions",
        "schedule": crontab(hour=3, minute=0),  # Asia/Jakarta: form submission ids older than a day
    },
    "targets-weekly-report": {
        "task": "targets.tasks.build_weekly_report",
        "schedule": crontab(hour=6, minute=0, day_of_week=1),  # Asia/Jakarta, Mondays: last week's target report
    },
    "privacy-retention": {
        "task": "privacy.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=30),  # Asia/Jakarta: documents and drafts past their keeping time
    },
}
# Retention (privacy.tasks.apply_retention, nightly): the documents of a registration rejected, or sent back for a
# fix and never sent again, are removed (rows and files) this many days after that decision; a wizard draft not
# touched for this many days is removed with its documents.
RETENTION_REJECTED_DOCUMENTS_DAYS = env.int("RETENTION_REJECTED_DOCUMENTS_DAYS", default=90)
RETENTION_ABANDONED_DOCUMENTS_DAYS = env.int("RETENTION_ABANDONED_DOCUMENTS_DAYS", default=180)
RETENTION_DRAFT_DAYS = env.int("RETENTION_DRAFT_DAYS", default=180)
RETENTION_BATCH = env.int("RETENTION_BATCH", default=500)
# Exports (exports/): a list of at most this many rows downloads in the answer; a bigger one is written by a task
# and its owner told when the file is ready.
EXPORT_SYNC_MAX_ROWS = env.int("EXPORT_SYNC_MAX_ROWS", default=5000)

# The audit trail (django-pghistory): every request's changes carry its user and channel, reads included (a
# page that records a document view writes on GET). Triggers record the rows; the context says who and how.
PGHISTORY_MIDDLEWARE_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
PGHISTORY_ADMIN_ALL_EVENTS = False

# Notification channels: each maps to a backend class with a send(message) method.
NOTIFICATION_BACKENDS = {
    "email": "notifications.backends.EmailBackend",
    "sms": "notifications.backends.LogBackend",
    "whatsapp": "notifications.backends.LogBackend",
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="JakPreneur <no-reply@jakpreneur.jakarta.go.id>")
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")

# The cache is Redis: the API's throttles count there, shared by every web process. (The embedded default,
# which has no Redis, keeps it in memory: jakpreneur/settings/local.py.)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("CACHE_URL", default=REDIS_URL),
        "KEY_PREFIX": "jakpreneur",
        "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT_SECONDS, "socket_timeout": REDIS_TIMEOUT_SECONDS},
    },
    # What is the same for every visitor of a page (the landing page's steps and kecamatan list) or every user of a
    # partner (its dashboard's figures, under a name that changes with its consents: old names linger until they
    # expire), kept in each process's memory for ten minutes: no network round trip, nothing lost if Redis is down.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# The API (docs/ARCHITECTURE.md, "The API"): partners and the JAKI app call it with a key; a browser's session is
# never an API login. Keys are throttled one by one.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["partners.api_access.KeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["partners.api_access.HasPartnerKey"],
    "DEFAULT_THROTTLE_CLASSES": ["partners.api_access.KeyRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"key": env("API_KEY_RATE", default="600/minute")},
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.CursorPagination",
    "DEFAULT_PARSER_CLASSES": ["core.api.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "PAGE_SIZE": 50,
}
API_KEY_CUSTOM_HEADER = "HTTP_AUTHORIZATION"
SPECTACULAR_SETTINGS = {
    "TITLE": "JakPreneur API",
    "DESCRIPTION": (
        "Program data for partner organisations and the JAKI city app. Every call carries a key issued by the "
        "program: `Authorization: Api-Key <key>`. A key sees only the participants who consented to its partner "
        "for a purpose its agreement in force covers, and only the fields that purpose needs; anything else is "
        "404. Lists are cursor-paginated. Errors are JSON: `code`, `detail`, and `errors` by field."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Logs (jakpreneur/logs.py): every record carries the id of the request it belongs to, or of the request that
# queued its task ("-" for neither), and the acting account's id (never a name, NIK or address). Plain text here
# and in the embedded default; production writes one JSON object a line to stdout (settings/production.py).
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "jakpreneur.logs.RequestContextFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request"]},
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
# Metrics (jakpreneur/metrics.py): /metrics answers only `Authorization: Bearer <METRICS_TOKEN>` (empty: no such
# page); a Celery worker serves its tasks' counters on WORKER_METRICS_PORT (0: not served).
METRICS_TOKEN = env("METRICS_TOKEN", default="")
WORKER_METRICS_PORT = env.int("WORKER_METRICS_PORT", default=9808)
