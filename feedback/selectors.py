"""Reads of the feedback forum, scoped to the user who asks, and the themes the program dashboard shows. Every
read names an author by first name only (`PostQuerySet.with_author_name`): none joins the author's row into
what it loads. Lists are one query each, whatever the number of posts."""

import datetime
import hashlib
from dataclasses import dataclass

from django.core.cache import caches
from django.db.models import BooleanField, Count, Exists, OuterRef, Q, Value
from django.utils import timezone

from accounts import permissions as account_permissions
from accounts.models import User
from accounts.permissions import AnyUser
from geography.models import Kecamatan

from . import permissions
from .choices import Sort, Status
from .models import Answer, Moderation, Post, PostQuerySet, Support

# --- the forum, as a member reads it --------------------------------------------------------------------------


def readable_posts(user: AnyUser) -> PostQuerySet:
    """The posts a user may open: every member the shown ones; an author also their own hidden ones (with the
    reason); a moderator also the hidden ones they moderate (agency staff all, a secretariat its kecamatan's).
    Anyone else (logged out, a partner organisation) none."""
    if not permissions.is_member(user):
        return Post.objects.none()
    if account_permissions.is_program_wide(user):
        return Post.objects.all()
    reach = Q(hidden=False)
    if account_permissions.is_secretariat(user):
        reach |= Q(kecamatan_id=user.office_id)  # type: ignore[union-attr]
    if account_permissions.is_entrepreneur(user):
        reach |= Q(author__user=user)
    return Post.objects.filter(reach)


def _for_display(posts: PostQuerySet, user: AnyUser) -> PostQuerySet:
    """With the author's first name, the kecamatan, and whether the user supports each post."""
    mine = (
        Exists(Support.objects.filter(post=OuterRef("pk"), user=user))
        if isinstance(user, User) and account_permissions.is_entrepreneur(user)
        else Value(False, output_field=BooleanField())
    )
    return posts.with_author_name().select_related("kecamatan").annotate(supported=mine)


@dataclass(frozen=True)
class PostFilters:
    """What the forum's list is narrowed to (from its query string: feedback.forms.PostFilterForm)."""

    category: str = ""
    kecamatan_id: int | None = None
    status: str = ""
    year: int | None = None  # posted in that year (Jakarta time), as the dashboard's themes count them
    sort: str = Sort.NEWEST
    hidden: bool = False  # a moderator's list of the hidden posts instead of the shown ones
    mine: bool = False  # an author's own posts, the hidden ones among them

    @property
    def used(self) -> int:
        values = (self.category, self.kecamatan_id, self.status, self.year, self.hidden, self.mine)
        return sum(bool(value) for value in values)


def post_list(user: AnyUser, filters: PostFilters) -> PostQuerySet:
    posts = readable_posts(user)
    if filters.mine:
        posts = posts.filter(author__user=user) if user.is_authenticated else posts.none()
    else:
        posts = posts.filter(hidden=filters.hidden)
    if filters.category:
        posts = posts.filter(category=filters.category)
    if filters.kecamatan_id is not None:
        posts = posts.filter(kecamatan_id=filters.kecamatan_id)
    if filters.status:
        posts = posts.filter(status=filters.status)
    if filters.year is not None:
        start, end = _year_bounds(filters.year)
        posts = posts.filter(created_at__gte=start, created_at__lt=end)
    order = ["-supporters", "-created_at", "-pk"] if filters.sort == Sort.SUPPORTED else ["-created_at", "-pk"]
    return _for_display(posts, user).order_by(*order)


def post_detail(user: AnyUser, pk: int) -> Post | None:
    """One post the user may open, ready to show, or None (the page answers 404)."""
    return _for_display(readable_posts(user), user).filter(pk=pk).first()


def answers_of(post: Post) -> list[Answer]:
    """The program's answers, oldest first, each with the office that gave it."""
    return list(post.answers.select_related("office").order_by("created_at", "pk"))


def moderations_of(post: Post) -> list[Moderation]:
    """Every hide and unhide of a post, with the reason (for its moderators)."""
    return list(post.moderations.select_related("office").order_by("created_at", "pk"))


KecamatanChoices = list[tuple[str, list[tuple[int, str]]]]


def kecamatan_choices() -> tuple[KecamatanChoices, dict[int, Kecamatan]]:
    """The 44 kecamatan by wilayah, as grouped choices of their ids, and each by its id (one query)."""
    groups: dict[str, list[tuple[int, str]]] = {}
    by_id: dict[int, Kecamatan] = {}
    for kecamatan in Kecamatan.objects.select_related("wilayah").order_by("wilayah__code", "name"):
        groups.setdefault(kecamatan.wilayah.name, []).append((kecamatan.pk, kecamatan.name))
        by_id[kecamatan.pk] = kecamatan
    return list(groups.items()), by_id


# --- the dashboard --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    """What participants raise in one kecamatan about one category: the shown posts, how many of them still wait
    for the program's answer (open), and how many people support at least one of them (each counted once)."""

    kecamatan_id: int
    category: str
    posts: int
    open: int
    supporters: int


def _year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The start of `year` and of the next, in Jakarta time."""
    zone = timezone.get_default_timezone()
    return datetime.datetime(year, 1, 1, tzinfo=zone), datetime.datetime(year + 1, 1, 1, tzinfo=zone)


def _shown_posts(kecamatan_ids: set[int] | None, year: int | None) -> PostQuerySet:
    posts = Post.objects.visible()
    if kecamatan_ids is not None:
        posts = posts.filter(kecamatan_id__in=kecamatan_ids)
    if year is not None:
        start, end = _year_bounds(year)
        posts = posts.filter(created_at__gte=start, created_at__lt=end)
    return posts


# The themes of a scope and year are the same for every viewer of it and move slowly (a post, a support): each
# process keeps them this long (the dashboard's program themes counted 100,000 supports in 105 ms at a million).
THEMES_KEPT_SECONDS = 600


def themes(*, kecamatan_ids: set[int] | None, year: int | None = None) -> list[Theme]:
    """The shown posts grouped by kecamatan and category (one query, or none while this process keeps the
    answer: THEMES_KEPT_SECONDS), ordered by kecamatan id and category. `kecamatan_ids`: the viewer's scope
    (None: the whole program; an empty set: nothing); `year`: posted in that year (Jakarta time), or ever. Hidden
    posts, and support of them, count nowhere (once the kept answer expires)."""
    if kecamatan_ids is not None and not kecamatan_ids:
        return []
    scope = "all" if kecamatan_ids is None else ",".join(str(pk) for pk in sorted(kecamatan_ids))
    key = "feedback:themes:" + hashlib.sha256(f"{scope}:{year}".encode()).hexdigest()
    kept = caches["fragments"]
    found = kept.get(key)
    if isinstance(found, list):
        return found
    counted = _count_themes(kecamatan_ids, year)
    kept.set(key, counted, THEMES_KEPT_SECONDS)
    return counted


def _count_themes(kecamatan_ids: set[int] | None, year: int | None) -> list[Theme]:
    rows = (
        _shown_posts(kecamatan_ids, year)
        .order_by()
        .values("kecamatan_id", "category")
        .annotate(
            n_posts=Count("pk", distinct=True),
            n_open=Count("pk", filter=Q(status=Status.OPEN), distinct=True),
            n_people=Count("supports__user", distinct=True),
        )
        .order_by("kecamatan_id", "category")
    )
    return [
        Theme(
            kecamatan_id=row["kecamatan_id"],
            category=row["category"],
            posts=row["n_posts"],
            open=row["n_open"],
            supporters=row["n_people"],
        )
        for row in rows
    ]
