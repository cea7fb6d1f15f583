"""Celery tasks of exports: writing a big export's file, and the daily clean-up of old files. Safe to run more
than once: a finished export is left as it is."""

from celery import shared_task

from core.tasks import AuditedTask

from .services import export_build, exports_expire


@shared_task(base=AuditedTask, acks_late=True, ignore_result=True)
def build_export(export_id: int) -> bool:
    """Write the file of an export too big to stream (queued by `services.export_start` after its commit), then
    tell its owner."""
    return export_build(export_id=export_id)


@shared_task(base=AuditedTask, acks_late=True, ignore_result=True)
def expire_exports() -> int:
    """Delete the files of exports older than KEEP_DAYS (beat: daily 02:15 Asia/Jakarta)."""
    return exports_expire()
