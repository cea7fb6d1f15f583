"""The mixed load test: registrations, mentor visits, bookkeeping, API reads and dashboard views at once, for ten
minutes, against the production server (gunicorn with deploy/gunicorn.conf.py behind deploy/nginx.conf, a real
Celery worker delivering the messages the writes queue), driven by locust from a second process over the loopback.
Then the database is checked: every write locust saw succeed is a row, no other row appeared, every message queued
was sent once.

    .venv/bin/python bench/generate.py --small --database jakpreneur_bench_load   # once: 10,000 participants
    .venv/bin/python bench/load.py                                # 10 minutes, 24 people
    .venv/bin/python bench/load.py --minutes 2 --users 12         # a quick look

Prints locust's figures per request (requests, failures, p50/p95/p99 ms, requests per second) and the checks, and
exits 1 when a request failed, a row is missing or extra, or a message was not sent or sent twice. The people
(mentors with their caseloads, participants with books, agency staff, fresh accounts for the wizard with NIKs no
one has, a partner key) are chosen from the generated program; staff get an authenticator, whose code locust
types at login. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.throughput import (  # noqa: E402  (the project root is on the path first)
    PDF,
    SERVER,
    NikPool,
    business_fields,
    collect_static,
    gunicorn,
    ktp_photo,
    nginx,
    person_fields,
    places,
    server_environment,
    wizard_accounts,
)
from tests.support.servers import celery_worker, smtp_sink, throwaway_redis, wait_until  # noqa: E402

DATABASE = "jakpreneur_bench_load"
REGISTRATIONS_PER_USER = 15  # fresh accounts prepared per locust user; a registrant takes the next when done


def written_tags(run: str, registrants: list[str]) -> set[str]:
    """The tags of the load's writes the database holds (bench/locustfile.py puts one in each)."""
    import re

    from finance.models import Entry
    from mentoring.models import Visit
    from registration.models import Registration

    tag = re.compile(rf"(?:visit|entry):{run}:[0-9a-f]{{32}}")
    visits = Visit.objects.filter(notes__contains=f"(uji beban visit:{run}:").values_list("notes", flat=True)
    entries = Entry.objects.filter(note__startswith=f"uji beban entry:{run}:").values_list("note", flat=True)
    found = {m for text in [*visits, *entries] for m in tag.findall(text)}
    found |= {
        f"registration:{email}"
        for email in Registration.objects.filter(participant__user__email__in=registrants).values_list(
            "participant__user__email", flat=True
        )
    }
    return found


def messages(since: Any) -> dict[str, int]:
    from notifications.models import Message

    queued = Message.objects.filter(created_at__gte=since)
    return {
        "queued": queued.count(),
        "pending": queued.filter(status="pending").count(),
        "failed": queued.filter(status="failed").count(),
        # sent during the run, whenever queued (a message left pending by an earlier run is sent now too)
        "email sent": Message.objects.filter(sent_at__gte=since, channel="email").count(),
    }


def device_key(user: Any) -> str:
    """The key of the person's authenticator (made if they have none), from which locust computes their codes."""
    from tests.support.second_factor import authenticator

    return str(authenticator(user).key)


def plan(users: int, run: str) -> dict[str, Any]:
    """Who does what: enough of each kind for every locust user of that kind."""
    from django.db.models import Count, Q

    from accounts.models import Role, User
    from bench.program.partners import raw_key
    from bench.program.program import PASSWORD
    from mentoring.models import MentorAssignment
    from partners.models import PartnerKey

    mentors = []
    for mentor in (
        User.objects.filter(role=Role.MENTOR, is_active=True)
        .annotate(held=Count("mentee_assignments", filter=Q(mentee_assignments__active=True)))
        .filter(held__gte=3)
        .order_by("pk")[:users]
    ):
        caseload = list(
            MentorAssignment.objects.filter(mentor=mentor, active=True).values_list("participant_id", flat=True)[:5]
        )
        mentors.append({"email": mentor.email, "key": device_key(mentor), "participants": caseload})
    bookkeepers = [
        {"email": email}
        for email in User.objects.filter(participant__cash_entries__isnull=False)
        .distinct()
        .order_by("pk")
        .values_list("email", flat=True)[:users]
    ]
    agency = [
        {"email": user.email, "key": device_key(user)}
        for user in User.objects.filter(role=Role.AGENCY, is_active=True).order_by("pk")[:users]
    ]
    nik_pool = NikPool(places())
    registrants = []
    for n, account in enumerate(wizard_accounts(users * REGISTRATIONS_PER_USER, f"load-{run}")):
        nik, place, born = nik_pool.take()
        registrants.append(
            {
                **account,
                "person": person_fields(nik, place, born, account["email"], n),
                "business": business_fields(place, n),
            }
        )
    key = next(
        (
            raw_key(1, k.prefix)
            for k in PartnerKey.objects.filter(revoked=False, kind="partner").order_by("pk")
            if k.is_valid(raw_key(1, k.prefix))
        ),
        None,
    )
    if not (mentors and bookkeepers and agency and key):
        sys.exit("the load database lacks mentors, books, agency staff or a partner key: bench/generate.py --small")
    return {
        "password": PASSWORD,
        "mentors": mentors,
        "bookkeepers": bookkeepers,
        "agency": agency,
        "registrants": registrants,
        "api": {"key": key, "paths": ["/api/v1/participants/", "/api/v1/businesses/"]},
        "ktp_hex": ktp_photo().hex(),
        "pdf_hex": PDF.hex(),
    }


def read_csv(prefix: Path, kind: str) -> list[dict[str, str]]:
    with (prefix.parent / f"{prefix.name}_{kind}.csv").open() as rows:
        return list(csv.DictReader(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--users", type=int, default=24, help="locust users, spread over the kinds by weight")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-load-")))
        redis_server = stack.enter_context(throwaway_redis())
        mail = stack.enter_context(smtp_sink())  # the recipients' mail system: what arrives, and how often
        environment = server_environment(
            args.database, redis_server.url, workdir, hasher="argon2", workers=None, threads=None
        )
        environment["EMAIL_URL"] = f"smtp://127.0.0.1:{mail.port}"
        os.environ.update({k: v for k, v in environment.items() if k not in ("WEB_CONCURRENCY", "WEB_THREADS")})
        import django

        django.setup()
        from django.db import connection
        from django.utils import timezone

        collect_static(environment)
        started_at = timezone.now()
        plan_file = workdir / "plan.json"
        run = secrets.token_hex(3)
        people = {**plan(args.users, run), "run": run}
        plan_file.write_text(json.dumps(people))
        connection.close()
        server = stack.enter_context(gunicorn(environment, legacy=False, workdir=workdir))
        port, _proxy = stack.enter_context(nginx(server.port, workdir))
        worker = stack.enter_context(
            celery_worker(
                broker_url=redis_server.url,
                database_url=f"{SERVER}/{args.database}",
                beat=True,
                settings_module="bench.settings",
                env={k: environment[k] for k in ("SECRET_KEY", "NIK_ENCRYPTION_KEYS", "NIK_HASH_KEY", "EMAIL_URL")},
            )
        )
        prefix = workdir / "locust"
        command = [
            str(Path(sys.executable).parent / "locust"),
            "-f", str(ROOT / "bench" / "locustfile.py"),
            "--headless", "--only-summary",
            "--users", str(args.users), "--spawn-rate", str(max(1, args.users // 4)),
            "--run-time", f"{int(args.minutes * 60)}s", "--stop-timeout", "30",
            "--host", f"http://127.0.0.1:{port}",
            "--csv", str(prefix),
        ]  # fmt: skip
        print(f"load: {args.users} people for {args.minutes:g} min against nginx :{port} -> gunicorn :{server.port}")
        began = time.monotonic()
        tags_file = workdir / "tags.json"
        load_env = {**os.environ, "BENCH_LOAD_PLAN": str(plan_file), "BENCH_LOAD_TAGS": str(tags_file)}
        subprocess.run(command, cwd=ROOT, env=load_env, check=False)
        seconds = time.monotonic() - began
        stats, failed_requests = read_csv(prefix, "stats"), read_csv(prefix, "failures")
        # every message the writes queued is delivered by the worker (within two minutes of the end)
        try:
            wait_until(lambda: messages(started_at)["pending"] == 0, timeout=120, interval=2)
        except TimeoutError:
            print(worker.log()[-3000:])
        outbox = messages(started_at)
        emails = mail.message_ids()
        tags = json.loads(tags_file.read_text())
        in_database = written_tags(run, [person["email"] for person in people["registrants"]])

    print(f"\n{'request':40} {'count':>7} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>7}")
    failures = 0
    for row in stats:
        count, failed = int(row["Request Count"]), int(row["Failure Count"])
        failures += failed if row["Name"] != "Aggregated" else 0
        print(
            f"{row['Type'] + ' ' + row['Name']:40} {count:7d} {failed:5d} {row['50%']:>6} {row['95%']:>6} "
            f"{row['99%']:>6} {float(row['Requests/s']):7.1f}"
        )
    for row in failed_requests:
        print(f"  failed: {row['Method']} {row['Name']}: {row['Error']} ({row['Occurrences']} times)")
    acknowledged, sent = set(tags["acknowledged"]), set(tags["sent"])
    lost = acknowledged - in_database
    phantom = in_database - sent
    under_way = (in_database & sent) - acknowledged
    for name, tags_shown in (("lost", lost), ("not sent by the load", phantom)):
        if tags_shown:
            print(f"  {name}, e.g.: {sorted(tags_shown)[:3]}")
    checks = [
        (
            f"writes: {len(acknowledged)} acknowledged, {len(in_database)} in the database, {len(lost)} lost, "
            f"{len(phantom)} not sent by the load, {len(under_way)} finished as locust stopped",
            not lost and not phantom,
        ),
        (
            f"messages: {outbox['queued']} queued, {outbox['pending']} pending, {outbox['failed']} failed",
            outbox["pending"] == outbox["failed"] == 0,
        ),
    ]
    checks.append(
        (
            f"emails: {outbox['email sent']} sent, {len(emails)} arrived, {len(set(emails))} different Message-IDs",
            len(emails) == len(set(emails)) == outbox["email sent"],
        )
    )
    checks.append((f"requests failed: {failures}", failures == 0))
    print(f"\n{seconds:.0f} s")
    for text, ok in checks:
        print(f"{'ok  ' if ok else 'FAIL'} {text}")
    if args.json:
        args.json.write_text(json.dumps({"seconds": seconds, "stats": stats, "checks": checks}, indent=2))
    sys.exit(0 if all(ok for _text, ok in checks) else 1)


if __name__ == "__main__":
    main()
