"""The one response for a private file (documents, visit photos, certificates): never cached, never sniffed,
never able to run script in the portal's origin."""

from typing import IO, TypeVar

from django.http import FileResponse, HttpResponse, HttpResponseBase

R = TypeVar("R", bound=HttpResponseBase)

PRIVATE_FILE_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


def private_headers(response: R, *, filename: str, inline: bool) -> R:
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = PRIVATE_FILE_CSP
    return response


def private_file_response(file: IO[bytes], *, content_type: str, filename: str) -> FileResponse:
    """Stream a stored file. Images show in the page; anything else (a PDF) is downloaded, never rendered."""
    response = FileResponse(file, content_type=content_type)
    return private_headers(response, filename=filename, inline=content_type.startswith("image/"))


def private_bytes_response(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    """A file made on the fly (a certificate PDF), with the same headers, as a download."""
    return private_headers(HttpResponse(content, content_type=content_type), filename=filename, inline=False)
