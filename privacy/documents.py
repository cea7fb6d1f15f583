"""The participant's data as files: JSON (every section's rows with the fields' own names, for another service
to read) and a readable PDF (the same sections with labels, WeasyPrint as the certificates and statements;
nothing fetched from outside: any URL it would load is refused)."""

import datetime
import io
import json
from typing import Any, NoReturn

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User

from . import selectors
from .selectors import Dossier

JSON_VERSION = 1  # raised when a section's shape changes, so a reader knows what it reads


def as_json(user: User, made_at: datetime.datetime) -> tuple[bytes, int]:
    """Every row the program holds about the entrepreneur as UTF-8 JSON, with its number of rows: for each section
    its title, its fields' labels and its rows; a file the portal serves to its owner is given by its full
    address. Written a row at a time as the rows are read (selectors.every_row), so neither the rows nor a tree of
    the whole document are ever held at once: only the text, a few megabytes for a cash book of years."""
    out = io.StringIO()
    encode = json.JSONEncoder(ensure_ascii=False).encode
    out.write(f'{{"format": "jakpreneur-own-data", "version": {JSON_VERSION}, ')
    out.write(f'"made_at": {encode(timezone.localtime(made_at).isoformat(timespec="seconds"))}, "sections": {{')
    count = 0
    for n, part in enumerate(selectors.every_row(user)):
        out.write(f"{', ' if n else ''}\n{encode(part.section.key)}: ")
        out.write(f'{{"title": {encode(part.title)}, "labels": {encode(part.labels)}, "rows": [')
        for i, (values, link) in enumerate(part.rows):
            if link:
                values["download"] = f"{settings.SITE_URL}{link}"  # the portal's address, not the Host header
            out.write(f"{', ' if i else ''}\n{encode(values)}")
            count += 1
        out.write("]}")
    out.write("}}\n")
    return out.getvalue().encode(), count


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"The data download loads no external resources ({url[:40]}).")


def as_pdf(dossier: Dossier) -> bytes:
    """The dossier as a PDF, in the reader's language (A4 portrait, each row as labelled values)."""
    # Imported here: WeasyPrint is heavy to load, and only this download needs it.
    from weasyprint import HTML

    html = render_to_string("privacy/pdf.html", {"dossier": dossier})
    pdf: bytes = HTML(string=html, url_fetcher=_refuse_fetch).render().write_pdf()
    return pdf
