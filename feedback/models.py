"""The feedback forum (the paper's second recommendation): participants post feedback or needs with a category and
a kecamatan, others support them, the program answers and sets where each stands, moderators hide what does not
belong (the reason kept). A post names its author by first name and kecamatan only: `FirstName` is the one rule,
in SQL, so a page never loads the author's full name at all."""

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from core import audit
from geography.models import Kecamatan
from registration.models import Participant

from .choices import Category, ModerationAction, Status

TITLE_MIN, TITLE_MAX = 5, 120
BODY_MIN, BODY_MAX = 20, 3000
ANSWER_MAX = 3000
REASON_MAX = 500


class FirstName(models.Func):
    """The first word of a name, written as a name ("SITI RAHAYU" -> "Siti"): all the forum ever shows of its
    author. In SQL, so the full name never leaves the database for a forum page."""

    template = r"COALESCE(INITCAP(SUBSTRING(%(expressions)s FROM '\S+')), '')"
    output_field = models.CharField()


def staff_label(office: Kecamatan | None) -> StrOrPromise:
    """Who answered or moderated, as the forum names them: the office, never the person (an answer is the
    program's, not a member of staff's)."""
    if office is None:
        return _("Agency staff (Dinas PPKUKM)")
    return _("Secretariat of Kecamatan %(name)s") % {"name": office.name}


class PostQuerySet(models.QuerySet["Post"]):
    def visible(self) -> "PostQuerySet":
        """What the forum shows everyone: posts no moderator has hidden."""
        return self.filter(hidden=False)

    def with_author_name(self) -> "PostQuerySet":
        """Each post with `author_name`, its author's first name (and nothing else of them)."""
        return self.annotate(author_name=FirstName("author__full_name"))  # type: ignore[no-redef]  # Post declares it


@audit.track(exclude=["supporters"])  # each support is a tracked row of its own; the count follows them
class Post(models.Model):
    """A participant's feedback or need. Never deleted by the program: a moderator hides it, with a reason, and
    every hide and unhide is kept (`Moderation`); each answer keeps the status it set (`Answer`)."""

    author = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="feedback_posts", verbose_name=_("author")
    )
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="feedback_posts", verbose_name=_("kecamatan")
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX, validators=[MinLengthValidator(TITLE_MIN)])
    body = models.TextField(
        _("feedback or need"), validators=[MinLengthValidator(BODY_MIN), MaxLengthValidator(BODY_MAX)]
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    supporters = models.PositiveIntegerField(_("supporters"), default=0)
    created_at = models.DateTimeField(_("posted"), default=timezone.now)
    answered_at = models.DateTimeField(_("last answered"), null=True, blank=True)
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_at = models.DateTimeField(_("hidden on"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=REASON_MAX, blank=True)

    objects: ClassVar[PostQuerySet] = PostQuerySet.as_manager()  # type: ignore[assignment]

    # set by PostQuerySet.with_author_name(): the author's first name
    author_name: str

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("forum post")
        verbose_name_plural = _("forum posts")
        indexes = [
            # the forum's two orders, over the posts everyone sees
            models.Index(fields=["-created_at", "-id"], condition=Q(hidden=False), name="feedback_post_newest"),
            models.Index(
                fields=["-supporters", "-created_at", "-id"], condition=Q(hidden=False), name="feedback_post_supported"
            ),
            # the themes (kecamatan x category) and the list behind one
            models.Index(fields=["kecamatan", "category", "-created_at"], name="feedback_post_theme"),
            models.Index(fields=["author", "-created_at"], name="feedback_post_author"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(category__in=Category.values), name="feedback_post_category_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="feedback_post_status_valid"),
            models.CheckConstraint(condition=~Q(title="") & ~Q(body=""), name="feedback_post_has_text"),
            models.CheckConstraint(
                condition=Q(hidden=False, hidden_at__isnull=True, hidden_by__isnull=True, hidden_reason="")
                | (Q(hidden=True, hidden_at__isnull=False, hidden_by__isnull=False) & ~Q(hidden_reason="")),
                name="feedback_post_hidden_has_who_when_why",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.OPEN) | Q(answered_at__isnull=False), name="feedback_post_answered_when"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("feedback:detail", args=[self.pk])


@audit.track()
class Support(models.Model):
    """A participant's "me too" on someone else's post: one per person and post, withdrawn by deleting it (the
    trail keeps that it was given and withdrawn)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="supports", verbose_name=_("post"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("supporter")
    )
    created_at = models.DateTimeField(_("supported"), default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="feedback_one_support_per_person")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.post_id}"


@audit.track()
class Answer(models.Model):
    """The program's answer to a post, and the status it set (`previous_status` before it): the history of a
    post's status is its answers. Never edited: a correction is another answer."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="answers", verbose_name=_("post"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("answered by")
    )
    office = models.ForeignKey(
        Kecamatan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("office"),
        help_text=_("The kecamatan office of whoever answered, when they did; empty for agency staff."),
    )
    body = models.TextField(_("answer"), validators=[MaxLengthValidator(ANSWER_MAX)])
    status = models.CharField(_("status set"), max_length=10, choices=Status.choices)
    previous_status = models.CharField(_("status before"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [models.Index(fields=["post", "created_at"], name="feedback_answer_post")]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="feedback_answer_has_text"),
            models.CheckConstraint(
                condition=Q(status__in=[Status.ANSWERED, Status.PLANNED, Status.DONE]),
                name="feedback_answer_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(previous_status__in=Status.values), name="feedback_answer_previous_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.get_status_display()}"

    @property
    def changed_status(self) -> bool:
        return self.status != self.previous_status

    @property
    def by_label(self) -> StrOrPromise:
        return staff_label(self.office)


@audit.track()
class Moderation(models.Model):
    """A moderator hid a post, or showed it again, and why."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="moderations", verbose_name=_("post"))
    action = models.CharField(_("action"), max_length=8, choices=ModerationAction.choices)
    reason = models.CharField(_("reason"), max_length=REASON_MAX)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("moderator")
    )
    office = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("office")
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("moderation")
        verbose_name_plural = _("moderations")
        indexes = [models.Index(fields=["post", "created_at"], name="feedback_moderation_post")]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=ModerationAction.values), name="feedback_moderation_action_valid"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="feedback_moderation_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.get_action_display()}"

    @property
    def by_label(self) -> StrOrPromise:
        return staff_label(self.office)
