"""The participant's data as files: JSON (every section's rows with the fields' own names, for another service
to read) and a readable PDF (the same sections with labels, WeasyPrint as the certificates and statements;
nothing fetched from outside: any URL it would load is refused)."""

import json
from typing import Any, NoReturn

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from .selectors import Dossier

JSON_VERSION = 1  # raised when a section's shape changes, so a reader knows what it reads


def as_json(dossier: Dossier) -> bytes:
    """The dossier as UTF-8 JSON: for each section its title, its fields' labels and its rows; a file the portal
    serves to its owner is given by its full address."""
    sections: dict[str, Any] = {}
    for part in dossier.parts:
        labels = {value.name: value.label for value in part.records[0].values} if part.records else {}
        rows = []
        for record in part.records:
            row: dict[str, Any] = {value.name: value.data for value in record.values}
            if record.link:
                row["download"] = f"{settings.SITE_URL}{record.link}"  # the portal's address, not the Host header
            rows.append(row)
        sections[part.section.key] = {"title": part.title, "labels": labels, "rows": rows}
    content = {
        "format": "jakpreneur-own-data",
        "version": JSON_VERSION,
        "made_at": timezone.localtime(dossier.made_at).isoformat(timespec="seconds"),
        "sections": sections,
    }
    return json.dumps(content, ensure_ascii=False, indent=2).encode()


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"The data download loads no external resources ({url[:40]}).")


def as_pdf(dossier: Dossier) -> bytes:
    """The dossier as a PDF, in the reader's language (A4 portrait, each row as labelled values)."""
    # Imported here: WeasyPrint is heavy to load, and only this download needs it.
    from weasyprint import HTML

    html = render_to_string("privacy/pdf.html", {"dossier": dossier})
    pdf: bytes = HTML(string=html, url_fetcher=_refuse_fetch).render().write_pdf()
    return pdf
