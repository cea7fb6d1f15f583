"""Forms of curation: a call for products, submitting a product, the mentor's and the kecamatan's decision, and
a curator's grade. They turn input into the services' values; the services hold the rules."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from ..choices import Category, Criterion, Grade
from ..models import Product, ProductCall
from ..permissions import curators_filter
from ..services.curation import COMMENT_REQUIRED, OVERALL_REQUIRED, REASON_REQUIRED, CallData, GradeData

PASS, RETURN = "pass", "return"
COMMENT_CHARS = 2000  # the most a curator's comment (on a criterion, or overall) or a reason to return takes


def possible_curators() -> QuerySet[User]:
    return User.objects.filter(curators_filter()).order_by("full_name", "pk")


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CallForm(forms.ModelForm[ProductCall]):
    categories = forms.MultipleChoiceField(
        label=_("Categories"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to take every category."),
    )
    curators = forms.ModelMultipleChoiceField(
        label=_("Curators"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Agency staff or partner organisations' users who grade the submissions."),
    )

    class Meta:
        model = ProductCall
        fields = ["title", "theme", "description", "opens_on", "closes_on", "categories", "curators"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "opens_on": date_input(),
            "closes_on": date_input(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["curators"].queryset = possible_curators()  # type: ignore[attr-defined]

    def data_values(self) -> CallData:
        data = self.cleaned_data
        return CallData(
            title=data["title"],
            theme=data["theme"],
            description=data["description"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            categories=tuple(data["categories"]),
            curators=tuple(data["curators"]),
        )


class SubmitForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none(), widget=forms.RadioSelect)

    def __init__(self, *args: Any, products: QuerySet[Product], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    """The mentor's check or the kecamatan's validation: pass it on, or return it with what to change."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(PASS, _("Pass it on")), (RETURN, _("Return it with what to change"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("What to change"),
        required=False,
        max_length=COMMENT_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you return it: the business reads it."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == RETURN and not (data.get("reason") or "").strip():
            self.add_error("reason", ValidationError(REASON_REQUIRED, code="required"))
        return data

    @property
    def passed(self) -> bool:
        return bool(self.cleaned_data["decision"] == PASS)


class GradeForm(forms.Form):
    """A grade, a comment on every criterion (each its own field, named by the criterion) and an overall one."""

    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices, widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion in Criterion:
            self.fields[criterion.value] = forms.CharField(
                label=criterion.label,
                max_length=COMMENT_CHARS,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"required": COMMENT_REQUIRED},
            )
        self.fields["comment"] = forms.CharField(
            label=_("Overall comment"),
            max_length=COMMENT_CHARS,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"required": OVERALL_REQUIRED},
            help_text=_("What is good, and what to improve first."),
        )

    def data_values(self) -> GradeData:
        data = self.cleaned_data
        return GradeData(
            grade=data["grade"],
            comments={criterion.value: data[criterion.value] for criterion in Criterion},
            comment=data["comment"],
        )
