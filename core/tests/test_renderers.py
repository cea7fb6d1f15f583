"""The form renderer's select lists (core.renderers) are Django's own, byte for byte, for every kind of select the
portal and the admin draw: required or not, chosen values, groups, several values, options with attributes of
their own, texts that need escaping; a widget with its own option template keeps its templates."""

from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy

from core.renderers import FormRenderer
from geography.models import Kecamatan, Kelurahan
from registration.forms import PersonForm

GROUPED = [("", "---"), ("Jakarta Selatan", [("1", "Tebet"), ("2", "Setiabudi")]), ("3", 'Gambir "Pusat" & <b>')]


class IconOption(forms.Select):
    option_template_name = "django/forms/widgets/input_option.html"


def both(field: forms.Field, value: Any, attrs: dict[str, Any] | None = None) -> tuple[str, str]:
    widget = field.widget
    context_attrs = {"id": "id_x", "class": "form-select", **(attrs or {})}
    django = widget.render("x", value, attrs=context_attrs, renderer=DjangoTemplates())
    ours = widget.render("x", value, attrs=context_attrs, renderer=FormRenderer())
    return django, ours


@pytest.mark.parametrize(
    ("field", "value", "attrs"),
    [
        (forms.ChoiceField(choices=[("a", "A"), ("b", "B")]), "b", None),
        (forms.ChoiceField(choices=[("a", "A"), ("b", "B")], required=False), None, {"disabled": True}),
        (forms.ChoiceField(choices=GROUPED), "2", {"data-note": 'a "quoted" <value>', "hidden": False}),
        (forms.MultipleChoiceField(choices=GROUPED), ["1", "3"], None),
        (forms.TypedChoiceField(choices=[(1, gettext_lazy("Yes")), (0, gettext_lazy("No"))]), 0, None),
        (forms.NullBooleanField(), True, None),
        (forms.ChoiceField(choices=[]), None, None),
    ],
)
def test_a_select_is_written_as_django_writes_it(field: forms.Field, value: Any, attrs: dict[str, Any]) -> None:
    django, ours = both(field, value, attrs)
    assert ours == django
    assert "<select" in ours


@pytest.mark.django_db
def test_the_wizards_kecamatan_and_kelurahan_lists_are_django_s_own() -> None:
    kelurahan = Kelurahan.objects.select_related("kecamatan").order_by("pk").first()
    assert kelurahan is not None and Kecamatan.objects.count() == 44
    form = PersonForm()
    for name, value in (("kecamatan", kelurahan.kecamatan_id), ("kelurahan", kelurahan.pk)):
        field = form.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        django, ours = both(field, value)
        assert ours == django
        assert ours.count("<option") == len(field.queryset) + 1  # with the empty choice
    assert f'value="{kelurahan.pk}" selected data-kecamatan="{kelurahan.kecamatan_id}"' in ours


def test_a_widget_with_its_own_option_template_keeps_it() -> None:
    field = forms.ChoiceField(choices=[("a", "A")], widget=IconOption)
    django, ours = both(field, "a")
    assert ours == django
    assert 'type="select"' in ours  # the input option template, not an <option>
