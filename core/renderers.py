"""The form renderer (settings.FORM_RENDERER): Django's own, with its select lists written in Python.

Django's select template includes its option template once per option, and each include costs the template
engine a context push, a lookup and an attribute loop: with the registration wizard's kelurahan list (267 options)
and kecamatan list its person page took 34 ms in-process, 25 with them written here. `render` writes the same
markup as Django's two templates, byte for byte (`core/tests/test_renderers.py` compares them). A widget that names
another option template (`option_template_name`) is rendered by its templates as before."""

from collections.abc import Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def attributes(attrs: Mapping[str, Any]) -> str:
    """`django/forms/widgets/attrs.html`: ` name="value"` each, ` name` alone for True, nothing for False."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
        for name, value in attrs.items()
        if value is not False
    )


def select(widget: Mapping[str, Any]) -> SafeString:
    """`django/forms/widgets/select.html` with its options, as the template writes them (its blank lines too)."""
    parts = [format_html('<select name="{}"', widget["name"]), attributes(widget["attrs"]), ">"]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in options:
            parts.append(
                format_html('\n  <option value="{}"', str(option["value"]))
                + attributes(option["attrs"])
                + format_html(">{}</option>\n", option["label"])
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above went through format_html


def _options_are_plain(widget: Mapping[str, Any]) -> bool:
    return all(
        option["template_name"] == OPTION_TEMPLATE for _name, options, _i in widget["optgroups"] for option in options
    )


class FormRenderer(DjangoTemplates):
    """Django's template renderer, with select lists written by `select`."""

    def render(self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> str:
        widget = context.get("widget")
        if template_name == SELECT_TEMPLATE and widget is not None and _options_are_plain(widget):
            return select(widget)
        rendered: str = super().render(template_name, context, request=request)
        return rendered
