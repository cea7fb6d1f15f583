"""Helpers of the exports tests: ask for an export as the buttons do, and read the file back."""

import csv
import io
from typing import Any

from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from exports.writers import CSV_BOM


def ask(client: Client, name: str, fmt: str = "csv", query: str = "", language: str = "en") -> Any:
    """Press an export button under a list whose page has this query string (the page read in `language`)."""
    return client.post(
        reverse("exports:start"), {"list": name, "format": fmt, "query": query}, HTTP_ACCEPT_LANGUAGE=language
    )


def content(response: HttpResponseBase) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return bytes(response.content)  # type: ignore[attr-defined]


def table(data: bytes, fmt: str = "csv") -> list[list[Any]]:
    """The header and rows of an exported file."""
    if fmt == "csv":
        text = data.decode("utf-8")
        assert text.startswith(CSV_BOM)
        return [list(row) for row in csv.reader(io.StringIO(text[1:], newline=""))]
    sheet = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def column(rows: list[list[Any]], title: str) -> list[Any]:
    index = rows[0].index(title)
    return [row[index] for row in rows[1:]]
