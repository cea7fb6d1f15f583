"""Celery tasks of P1: the check and the save of a spreadsheet of participants (long files take a while). They take
ids, load, call the services and are safe to run again (a batch no longer being checked or saved is left as it
is). Services queue them by name (`services.CHECK_IMPORT_TASK`, `SAVE_IMPORT_TASK`), never importing this module.

What they change is recorded through the "import" channel. A refusal (the sender no longer allowed, a row refused
at the save) or any failure ends the batch as failed, with the reason in the file's language: nothing is
registered then, and the person sends the file again."""

from celery import shared_task
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core import audit
from core.decisions import Refused
from core.tasks import AuditedTask
from core.web import error_text

from . import services
from .choices import ImportStatus
from .models import ParticipantImport

BROKE = _("Something went wrong while handling the file; nothing was saved. Send it again.")


def _fail(batch_id: int, user: User, reason: str) -> None:
    batch = ParticipantImport.objects.get(pk=batch_id)
    services.participant_import_fail(batch=batch, reason=reason, acting_user=user)


def _broke(batch_id: int, user: User) -> None:
    batch = ParticipantImport.objects.get(pk=batch_id)
    with translation.override(batch.language):
        _fail(batch_id, user, str(BROKE))


@shared_task(base=AuditedTask, name=services.CHECK_IMPORT_TASK, acks_late=True, ignore_result=True)
def check_participant_import(batch_id: int, user_id: int) -> None:
    """Check every row of a file, a chunk per transaction (each chunk updates the progress counters)."""
    user = User.objects.get(pk=user_id)
    batch = ParticipantImport.objects.get(pk=batch_id)
    try:
        with audit.channel(audit.Channel.IMPORT, batch=batch_id):
            while batch.status == ImportStatus.CHECKING:
                batch = services.participant_import_check_rows(batch=batch, acting_user=user)
    except Refused as exc:
        with translation.override(batch.language):
            _fail(batch_id, user, error_text(exc))
    except Exception:
        _broke(batch_id, user)
        raise


@shared_task(base=AuditedTask, name=services.SAVE_IMPORT_TASK, acks_late=True, ignore_result=True)
def save_participant_import(batch_id: int, user_id: int) -> None:
    """Register the good rows of a file in one transaction; a row refused saves nothing and fails the batch."""
    user = User.objects.get(pk=user_id)
    batch = ParticipantImport.objects.get(pk=batch_id)
    if batch.status != ImportStatus.SAVING:
        return
    try:
        with audit.channel(audit.Channel.IMPORT, batch=batch_id):
            services.participant_import_save(batch=batch, only_good_rows=batch.only_good_rows, acting_user=user)
    except Refused as exc:
        with translation.override(batch.language):
            _fail(batch_id, user, error_text(exc))
    except Exception:
        _broke(batch_id, user)
        raise
