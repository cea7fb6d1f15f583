"""`{% export_buttons "registration.participants" %}` under a list: CSV and XLSX buttons that export the list with
the page's current filter (its query string without the page number; `session=session.pk` and the like add the
parameters of a list that lives under an object). No query: who may export is the page's own question."""

from typing import Any

from django import template

from .. import registry

register = template.Library()


@register.inclusion_tag("exports/_buttons.html", takes_context=True)
def export_buttons(context: template.Context, name: str, **extra: Any) -> dict[str, Any]:
    if registry.get(name) is None:
        raise template.TemplateSyntaxError(f"No list {name!r} is registered for export.")
    request = context["request"]
    query = request.GET.copy()
    query.pop("page", None)
    for key, value in extra.items():
        query[key] = str(value)
    return {"name": name, "query": query.urlencode(), "csrf_token": context.get("csrf_token")}
