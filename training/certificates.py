"""The certificate of completion as a PDF: an HTML template rendered by WeasyPrint. Nothing is fetched from
outside: the template carries its own styles, and any URL WeasyPrint would load is refused."""

from typing import Any, NoReturn

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from core.files import private_bytes_response
from core.web import absolute_url

from .models import Certificate


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"The certificate loads no external resources ({url[:40]}).")


def certificate_document(certificate: Certificate, *, verify_url: str) -> Any:
    """The laid-out certificate (a WeasyPrint Document: one A4 landscape page)."""
    # Imported here: WeasyPrint is heavy to load, and only this page needs it.
    from weasyprint import HTML

    course = certificate.enrolment.session.course
    html = render_to_string(
        "training/certificate_pdf.html",
        {"certificate": certificate, "course": course, "verify_url": verify_url},
    )
    return HTML(string=html, url_fetcher=_refuse_fetch).render()


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    """The PDF bytes of a certificate (enrolment, session, course and organiser loaded)."""
    pdf: bytes = certificate_document(certificate, verify_url=verify_url).write_pdf()
    return pdf


def certificate_pdf_response(request: HttpRequest, certificate: Certificate) -> HttpResponse:
    # The portal's public address, never the request's Host header: the PDF outlives the request.
    verify_url = absolute_url("training:certificate_verify", certificate.code)
    return private_bytes_response(
        certificate_pdf(certificate, verify_url=verify_url),
        content_type="application/pdf",
        filename=f"sertifikat-{certificate.code}.pdf",
    )
