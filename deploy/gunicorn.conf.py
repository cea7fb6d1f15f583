"""gunicorn's settings for the portal's web service (the image's CMD: gunicorn --config deploy/gunicorn.conf.py).

Sized to the cores the container may run on: the portal's requests spend most of their time in Python (templates,
forms, the ORM: `bench/throughput.py` counts 2 to 70 ms of gunicorn CPU a page against 1 to 12 ms in PostgreSQL),
so sync workers, one request each at a time, 2 x cores + 1 of them: enough to keep every core busy while some wait
on PostgreSQL, few enough that they do not crowd each other. nginx in front (deploy/nginx.conf) buffers whole
requests and responses, so a slow client never holds a worker. gthread workers (WEB_THREADS) cost the same CPU per
request on the two-core bench machine, within its noise, in half the memory (2 x 4 threads against 5 processes);
measure both on the real host before switching (`bench/throughput.py --workers 2 --threads 4`).

The application is loaded once, in the master, before the workers fork (`preload_app`): a worker starts as a copy
of a warm process and shares its pages until it writes them. Without it every worker imported Django and the
portal itself, and with `--max-requests 1000` each one did so again every thousand requests, about two seconds of
CPU each time on the bench machine (issue 12 measured 2.4 times less throughput). No request limit is set: a
worker lives as long as the container, and the bench reports each worker's peak memory (VmHWM) over its run, where
a leak would show first. A HUP restarts the workers from the master's copy: new code comes with a new image.

Environment: WEB_CONCURRENCY (worker processes; default 2 x cores + 1, the cores being those the container may run
on: a CPU quota such as compose's `cpus` is not visible from inside, so set it there), WEB_THREADS (threads per
worker: more than 1 switches to the gthread worker; default 1), GUNICORN_CMD_ARGS (any other flag, over these).
"""

import gc
import os
from typing import Any

cores = len(os.sched_getaffinity(0))

bind = "0.0.0.0:8000"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * cores + 1)
threads = int(os.environ.get("WEB_THREADS") or 1)
worker_class = "gthread" if threads > 1 else "sync"
preload_app = True
max_requests = 0

# A request that takes a minute is a fault: the worker is killed and replaced; a stopping worker gets 30 s to
# finish what it serves. nginx's proxy_read_timeout (65 s) is a little longer, so the portal's timeout shows first.
timeout = 60
graceful_timeout = 30
# The worker's heartbeat file in memory, not on the container's overlay disk (a blocked disk would kill workers).
worker_tmp_dir = "/dev/shm"  # noqa: S108 - a heartbeat file gunicorn creates unlinked, no data
accesslog = "-"
# gunicorn's default line and the request's id (jakpreneur/logs.py), as the proxy and the portal's own lines log it.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" request_id=%({x-request-id}o)s'
# Stopped by signals from Docker; no control socket in the home directory (gunicorn's default).
control_socket_disable = True


def when_ready(server: Any) -> None:
    """The master holds the loaded portal: drop any database connection opened while loading (a forked worker
    must never share one) and freeze the objects made so far out of the garbage collector, so its passes in the
    workers do not write to, and so unshare, the pages every worker inherits."""
    from django.db import connections

    connections.close_all()
    gc.freeze()
