# syntax=docker/dockerfile:1
#
# The JakPreneur portal, production image. One image runs every role of the stack (see docker-compose.yml):
#   web      gunicorn jakpreneur.wsgi with deploy/gunicorn.conf.py (the default command below)
#   migrate  python manage.py migrate --noinput
#   worker   celery -A jakpreneur worker
#   beat     celery -A jakpreneur beat --scheduler django_celery_beat.schedulers:DatabaseScheduler
# Secrets (SECRET_KEY, DATABASE_URL, REDIS_URL, NIK_ENCRYPTION_KEYS, NIK_HASH_KEY) come from the environment
# at run time; none is baked into the image. Translations are compiled and committed (.mo), so no gettext here.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=jakpreneur.settings.production \
    PRIVATE_STORAGE_ROOT=/var/lib/jakpreneur/private \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus-multiproc

# PROMETHEUS_MULTIPROC_DIR: the gunicorn workers and the Celery pool processes of a container write their metrics
# there, and /metrics (or the worker's metrics port) adds them up (jakpreneur/metrics.py, which makes the
# directory). It must be set before any process starts, hence here.
#
# The unprivileged user the processes run as. Participants' documents live on a volume mounted at
# PRIVATE_STORAGE_ROOT; the directory is created here, owned by that user and closed to everyone else, so a
# fresh named volume starts with the same owner and mode. It is outside STATIC_ROOT and never served.
RUN groupadd --system --gid 10001 jakpreneur \
    && useradd --system --uid 10001 --gid jakpreneur --create-home --home-dir /home/jakpreneur \
        --shell /usr/sbin/nologin jakpreneur \
    && install -d -o jakpreneur -g jakpreneur -m 0700 /var/lib/jakpreneur/private

WORKDIR /app

# Dependencies first, so that a change to the code reuses this layer.
COPY requirements.txt ./
RUN pip install -r requirements.txt

# WeasyPrint draws the certificate PDFs with Pango and needs a font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# The code, owned by root and read-only to the user the portal runs as. .dockerignore keeps local state
# (var/, .env, the SQLite file, private documents), tests and tooling out of the build context.
COPY . .

# Static files are collected at build time. Production settings refuse to load without their secrets, so this
# step gets build-only values that exist in this one RUN and nowhere in the image's environment.
RUN SECRET_KEY=build-only-not-a-secret-never-used-at-run-time \
    DATABASE_URL=postgres://build:build@localhost:5432/build \
    REDIS_URL=redis://localhost:6379/0 \
    NIK_ENCRYPTION_KEYS=YnVpbGQtb25seS1mZXJuZXQta2V5LW5vdC1zZWNyZXQ= \
    NIK_HASH_KEY=build-only-not-a-secret \
    python manage.py collectstatic --noinput

USER jakpreneur:jakpreneur

EXPOSE 8000

# /healthz answers 200 when the database and the broker are reachable. The probe names a host the portal
# accepts (HEALTHCHECK_HOST, else the first of ALLOWED_HOSTS, else the production default) and says the
# request came through TLS, as the proxy in front would, so neither ALLOWED_HOSTS nor the HTTPS redirect
# turns it away. Only this image's python is needed: slim images have no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request as r; host = (os.environ.get('HEALTHCHECK_HOST') or os.environ.get('ALLOWED_HOSTS') or 'jakpreneur.jakarta.go.id').split(',')[0].strip().lstrip('.').replace('*', 'localhost'); response = r.urlopen(r.Request('http://127.0.0.1:8000/healthz', headers={'Host': host, 'X-Forwarded-Proto': 'https'}), timeout=4); sys.exit(0 if response.status == 200 else 1)"]

# gunicorn's settings are deploy/gunicorn.conf.py: port 8000, the portal loaded once before the workers fork, worker
# processes sized to the container's cores (WEB_CONCURRENCY overrides them, WEB_THREADS adds threads), the
# timeouts. Further flags: GUNICORN_CMD_ARGS.
CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "jakpreneur.wsgi:application"]
