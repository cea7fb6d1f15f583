"""Writes of the feedback forum. Each runs in one transaction, enforces the predicates of permissions.py, is
recorded in the audit trail as the acting user's (@audit.audited; the channel comes from the entry point), and
queues its messages to the post's author through the notifications outbox in the same transaction. They take
typed values, never a form."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts import permissions as account_permissions
from accounts.models import User
from core import audit
from core.web import absolute_url
from geography.models import Kecamatan
from notifications.services import notify
from registration.models import Participant

from . import permissions, validators
from .choices import ANSWER_STATUSES, ModerationAction
from .messages import ANSWERED
from .models import Answer, Moderation, Post, Support

# What of a post a message carries: with these bounds any message fits an SMS of 320 characters in either
# language (the post's page has it all).
MESSAGE_NAME_CHARS = 20
MESSAGE_TITLE_CHARS = 40
MESSAGE_REASON_CHARS = 80

ALREADY_HIDDEN = _("This post is hidden already.")
NOT_HIDDEN = _("This post is not hidden.")
CHOOSE_STATUS = _("Choose answered, planned or done.")
WRITE_AN_ANSWER = _("Write the answer the author and the forum read.")


# --- helpers --------------------------------------------------------------------------------------------------


def _own_participant(user: User, *, lock: bool = False) -> Participant | None:
    """The acting user's participant record with its registration (locked when asked: one author's posts are
    counted and written one at a time)."""
    participants = Participant.objects.select_related("registration").filter(user=user)
    if lock:
        participants = participants.select_for_update(of=("self",), no_key=True)
    return participants.first()


def _locked(post: Post) -> Post:
    """The post again, under its row lock, with its author's first name."""
    return Post.objects.with_author_name().select_for_update(of=("self",), no_key=True).get(pk=post.pk)


def _text(field: str, value: str) -> str:
    cleaned = validators.clean_text(value)
    validators.check_no_nul(field, cleaned)
    return cleaned


def _office_of(user: User) -> Kecamatan | None:
    """The office an answer or a moderation is signed with: none for program-wide staff."""
    return None if account_permissions.is_program_wide(user) else user.office


def _notify_author(post: Post, template: str, **context: str) -> None:
    """Tell the post's author (by first name) what happened to it. `post` carries `author_name`."""
    recipient = User.objects.get(participant__pk=post.author_id)
    notify(
        template=template,
        context={
            "first_name": Truncator(post.author_name).chars(MESSAGE_NAME_CHARS),
            "title": Truncator(post.title).chars(MESSAGE_TITLE_CHARS),
            "link": absolute_url("feedback:detail", post.pk),
            **context,
        },
        user=recipient,
    )


def _count_supporters(post: Post) -> None:
    post.supporters = Support.objects.filter(post=post).count()
    post.save(update_fields=["supporters"])


# --- participants ---------------------------------------------------------------------------------------------


@transaction.atomic
@audit.audited
def post_create(*, category: str, kecamatan: Kecamatan, title: str, body: str, acting_user: User) -> Post:
    """A verified participant posts feedback or a need, about a kecamatan (their own unless they choose another),
    at most `validators.POSTS_PER_DAY` times a day."""
    participant = _own_participant(acting_user, lock=True)
    permissions.can_post(acting_user, participant).enforce()
    assert participant is not None
    now = timezone.now()
    validators.check_daily_limit(
        Post.objects.filter(author=participant, created_at__gt=now - datetime.timedelta(days=1)).count()
    )
    post = Post(
        author=participant,
        category=category,
        kecamatan=kecamatan,
        title=_text("title", title),
        body=_text("body", body),
        created_at=now,
    )
    post.full_clean(exclude=["author", "kecamatan", "hidden_by"])
    post.save()
    return post


@transaction.atomic
@audit.audited
def post_support(*, post: Post, acting_user: User) -> Post:
    """Another verified participant supports the post. Once: supporting again changes nothing."""
    participant = _own_participant(acting_user)
    locked = _locked(post)
    permissions.can_support(acting_user, participant, locked).enforce()
    _support, created = Support.objects.get_or_create(post=locked, user=acting_user)
    if created:
        _count_supporters(locked)
    return locked


@transaction.atomic
@audit.audited
def post_withdraw_support(*, post: Post, acting_user: User) -> Post:
    """The supporter takes their support back (whatever became of the post since); without one, nothing changes."""
    locked = _locked(post)
    deleted, _rows = Support.objects.filter(post=locked, user=acting_user).delete()
    if deleted:
        _count_supporters(locked)
    return locked


# --- the program: answers and moderation ----------------------------------------------------------------------


@transaction.atomic
@audit.audited
def post_answer(*, post: Post, body: str, status: str, acting_user: User) -> Answer:
    """The program answers a post and says where it stands now (answered, planned or done); the author is told."""
    locked = _locked(post)
    permissions.can_answer(acting_user, locked).enforce()
    if status not in ANSWER_STATUSES:
        raise ValidationError({"status": ValidationError(CHOOSE_STATUS, code="invalid_status")})
    text = _text("body", body)
    if not text:
        raise ValidationError({"body": ValidationError(WRITE_AN_ANSWER, code="required")})
    now = timezone.now()
    answer = Answer(
        post=locked,
        author=acting_user,
        office=_office_of(acting_user),
        body=text,
        status=status,
        previous_status=locked.status,
        created_at=now,
    )
    answer.full_clean(exclude=["post", "author", "office"])
    answer.save()
    locked.status, locked.answered_at = status, now
    locked.save(update_fields=["status", "answered_at"])
    _notify_author(locked, ANSWERED[status])
    return answer


def _moderate(post: Post, *, action: ModerationAction, reason: str, acting_user: User) -> tuple[Post, str]:
    locked = _locked(post)
    permissions.can_moderate(acting_user, locked).enforce()
    if action == ModerationAction.HIDE and locked.hidden:
        raise ValidationError(ALREADY_HIDDEN, code="already_hidden")
    if action == ModerationAction.UNHIDE and not locked.hidden:
        raise ValidationError(NOT_HIDDEN, code="not_hidden")
    text = validators.check_reason(reason)
    moderation = Moderation(
        post=locked, action=action, reason=text, moderator=acting_user, office=_office_of(acting_user)
    )
    moderation.full_clean(exclude=["post", "moderator", "office"])
    moderation.save()
    return locked, text


@transaction.atomic
@audit.audited
def post_hide(*, post: Post, reason: str, acting_user: User) -> Post:
    """A moderator hides the post from the forum, saying why; the post and the reason are kept, the author told."""
    locked, text = _moderate(post, action=ModerationAction.HIDE, reason=reason, acting_user=acting_user)
    locked.hidden, locked.hidden_at, locked.hidden_by, locked.hidden_reason = True, timezone.now(), acting_user, text
    locked.save(update_fields=["hidden", "hidden_at", "hidden_by", "hidden_reason"])
    _notify_author(locked, "feedback_hidden", reason=Truncator(text).chars(MESSAGE_REASON_CHARS))
    return locked


@transaction.atomic
@audit.audited
def post_unhide(*, post: Post, reason: str, acting_user: User) -> Post:
    """A moderator shows a hidden post again, saying why (the hiding stays in the post's moderations)."""
    locked, text = _moderate(post, action=ModerationAction.UNHIDE, reason=reason, acting_user=acting_user)
    locked.hidden, locked.hidden_at, locked.hidden_by, locked.hidden_reason = False, None, None, ""
    locked.save(update_fields=["hidden", "hidden_at", "hidden_by", "hidden_reason"])
    _notify_author(locked, "feedback_shown", reason=Truncator(text).chars(MESSAGE_REASON_CHARS))
    return locked
