"""Forms of the feedback forum: turn what a person types (or picks in the list's filters) into the values the
services and selectors take. Made for a phone: one column, big targets, nothing that needs JavaScript."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from geography.models import Kecamatan

from .choices import ANSWER_STATUS_CHOICES, Category, Sort, Status
from .models import ANSWER_MAX, BODY_MAX, BODY_MIN, REASON_MAX, TITLE_MAX, TITLE_MIN
from .selectors import PostFilters, kecamatan_choices

YEAR_MIN, YEAR_MAX = 2020, 2100

HIDDEN_POSTS = "hidden"


class PostForm(forms.Form):
    category = forms.ChoiceField(label=_("What is it about?"), choices=[("", "—"), *Category.choices])
    kecamatan = forms.TypedChoiceField(
        label=_("Kecamatan"),
        coerce=int,
        help_text=_("Where it happens: your own kecamatan, or another one."),
    )
    title = forms.CharField(
        label=_("Title"),
        min_length=TITLE_MIN,
        max_length=TITLE_MAX,
        help_text=_("In a few words, e.g. “More halal certification sessions in Tebet”."),
    )
    body = forms.CharField(
        label=_("Your feedback or need"),
        min_length=BODY_MIN,
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Say what works, what does not, or what you need. Everyone in the program reads the forum, with your "
            "first name and the kecamatan: do not write your NIK, phone number or address."
        ),
    )

    def __init__(self, *args: Any, kecamatan: Kecamatan | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups, self._kecamatan = kecamatan_choices()
        field = self.fields["kecamatan"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—"), *groups]
        if kecamatan is not None and not self.is_bound:
            field.initial = kecamatan.pk

    def clean_kecamatan(self) -> Kecamatan:
        return self._kecamatan[self.cleaned_data["kecamatan"]]


class PostFilterForm(forms.Form):
    """The list's filters, from its query string: every field optional, an empty form lists everything."""

    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("Any category")), *Category.choices], required=False
    )
    kecamatan = forms.TypedChoiceField(label=_("Kecamatan"), coerce=int, empty_value=None, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any status")), *Status.choices], required=False)
    year = forms.IntegerField(label=_("Year posted"), min_value=YEAR_MIN, max_value=YEAR_MAX, required=False)
    sort = forms.ChoiceField(label=_("Order"), choices=Sort.choices, required=False)
    shown = forms.ChoiceField(
        label=_("Posts"),
        choices=[("", _("Shown on the forum")), (HIDDEN_POSTS, _("Hidden by a moderator"))],
        required=False,
    )
    mine = forms.BooleanField(label=_("Only my posts"), required=False)

    def __init__(self, *args: Any, moderator: bool, participant: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kecamatan"]
        assert isinstance(field, forms.TypedChoiceField)
        groups, _by_id = kecamatan_choices()
        field.choices = [("", _("Any kecamatan")), *groups]
        if not moderator:
            del self.fields["shown"]
        if not participant:
            del self.fields["mine"]

    def filters(self) -> PostFilters:
        """The filters as the selectors take them (a valid form only)."""
        data = self.cleaned_data
        return PostFilters(
            category=data.get("category", ""),
            kecamatan_id=data.get("kecamatan"),
            status=data.get("status", ""),
            year=data.get("year"),
            sort=data.get("sort") or Sort.NEWEST,
            hidden=data.get("shown") == HIDDEN_POSTS,
            mine=bool(data.get("mine")),
        )


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Where the post stands now"),
        choices=ANSWER_STATUS_CHOICES,
        widget=forms.RadioSelect,
        help_text=_("Planned: the program will act on it. Done: it has been acted on."),
    )
    body = forms.CharField(
        label=_("Answer"),
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The author is told, and everyone reading the post sees the answer."),
    )

    def __init__(self, *args: Any, current: str = Status.OPEN, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].initial = Status.ANSWERED if current == Status.OPEN else current


class ModerationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The author is told this reason; the moderators keep it with the post."),
    )
