"""Celery tasks of the targets: the summary tables' refresh after a change and their nightly rebuild."""

from celery import shared_task

from core.tasks import RETRIED_ON_DATABASE_ERRORS, AuditedTask

from . import summary


@shared_task(**RETRIED_ON_DATABASE_ERRORS, max_retries=5)
def refresh_participants(participant_ids: list[int]) -> None:
    """Recount what these participants changed (queued after the commit that changed them). A deadlock between
    two refreshes of one kecamatan (PostgreSQL aborts one) is retried."""
    summary.refresh(participant_ids)


@shared_task(base=AuditedTask, acks_late=True, ignore_result=True)
def rebuild_summaries() -> None:
    """Rebuild the summary tables from scratch (beat: nightly 01:30 Asia/Jakarta)."""
    summary.rebuild()


# --- the weekly target report (beat: Mondays 06:00 Asia/Jakarta) ---------------------------------------------------


@shared_task(**RETRIED_ON_DATABASE_ERRORS, max_retries=3)
def build_weekly_report() -> None:
    """Build the report of the week that ended yesterday (run on Monday) and tell agency staff it is ready, once
    (a retried or repeated run rebuilds the files and tells nobody again)."""
    import datetime

    from django.utils import timezone

    from . import services

    last_week = services.week_of(timezone.localdate()) - datetime.timedelta(days=7)
    services.report_build(week_start=last_week, acting_user=None, announce=True)


@shared_task(base=AuditedTask, acks_late=True, ignore_result=True)
def count_agreement_outcomes() -> int:
    """Count the partner performance figures of every listed agreement up to yesterday, the last whole day (beat:
    nightly 02:30 Asia/Jakarta, after the summaries' rebuild and the agreements' match counts): the page then says
    the day its figures reach, all day long."""
    import datetime

    from django.utils import timezone

    from . import partners

    return partners.outcomes_count(timezone.localdate() - datetime.timedelta(days=1))
