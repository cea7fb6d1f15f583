"""Uploads: recognised by content, bounded in size, stored under server-made names, served only to those
allowed to see them."""

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import User
from registration.documents import validate_document
from registration.models import Document
from registration.tests.conftest import login, person_data
from registration.tests.factories import RegistrationFactory, pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


def rejection(content: bytes, name: str = "ktp.pdf", content_type: str = "application/pdf") -> str:
    with pytest.raises(ValidationError) as exc:
        validate_document(upload(name, content, content_type))
    return str(exc.value.code)


def test_pdf_png_and_jpeg_are_accepted_by_content() -> None:
    import io

    from PIL import Image

    jpeg = io.BytesIO()
    Image.new("RGB", (20, 20)).save(jpeg, format="JPEG")
    assert validate_document(upload("a.pdf", pdf_bytes(), "application/pdf")) == "application/pdf"
    assert validate_document(upload("a.png", png_bytes(), "image/png")) == "image/png"
    assert validate_document(upload("a.jpg", jpeg.getvalue(), "image/jpeg")) == "image/jpeg"
    # the name and the browser's claim do not matter: a PNG called .pdf is still a PNG
    assert validate_document(upload("scan.pdf", png_bytes(), "application/pdf")) == "image/png"


def test_a_wrong_type_renamed_to_pdf_is_refused() -> None:
    assert rejection(b"MZ\x90\x00\x03" + b"\x00" * 200) == "file_type"  # a Windows executable
    assert rejection(b"<html><script>alert(1)</script></html>") == "file_type"
    assert rejection(b"PK\x03\x04" + b"\x00" * 100, name="ktp.pdf") == "file_type"  # a zip / docx


def test_an_empty_file_is_refused() -> None:
    assert rejection(b"") == "empty"


def test_an_oversize_file_is_refused(settings: Any) -> None:
    big = pdf_bytes() + b"0" * (5 * 1024 * 1024)
    assert rejection(big) == "too_large"


def test_a_decompression_bomb_is_refused() -> None:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)  # 30000 x 30000 RGB
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    assert rejection(bomb, name="ktp.png", content_type="image/png") == "too_large"


def test_a_broken_image_is_refused() -> None:
    assert rejection(png_bytes()[:60], name="ktp.png", content_type="image/png") == "broken_image"


def test_wizard_upload_rejections_are_shown_and_keep_valid_files(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    client.post(reverse("registration:wizard_step", args=["person"]), person_data())
    response = client.post(
        reverse("registration:wizard_step", args=["documents"]),
        {"ktp": upload("ktp.png"), "plan_statement": upload("plan.pdf", b"not a pdf at all", "application/pdf")},
    )
    assert response.status_code == 200
    assert "plan_statement" in response.context["form"].errors
    assert list(Document.objects.values_list("kind", flat=True)) == ["ktp"]


def test_stored_name_is_made_by_the_server(client: Client, entrepreneur: User, private_storage: Path) -> None:
    login(client, entrepreneur)
    client.post(reverse("registration:wizard_step", args=["person"]), person_data())
    client.post(
        reverse("registration:wizard_step", args=["documents"]),
        {"ktp": upload("KTP Siti Rahayu 3174015708900001.png")},
    )
    document = Document.objects.get()
    assert "Siti" not in document.file.name
    assert "3174" not in document.file.name
    assert Path(document.file.path).is_relative_to(private_storage)
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018 - no public URL exists


def test_a_replaced_document_leaves_one_row(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    client.post(reverse("registration:wizard_step", args=["person"]), person_data())
    url = reverse("registration:wizard_step", args=["documents"])
    client.post(url, {"ktp": upload("one.png")})
    client.post(url, {"ktp": upload("two.png", png_bytes((50, 50)))})
    assert Document.objects.filter(kind="ktp").count() == 1


def test_document_is_served_with_safe_headers(client: Client, secretariat_tebet: User) -> None:
    from registration.services import document_attach

    registration = RegistrationFactory()
    doc = document_attach(
        kind="ktp",
        upload=upload(),
        content_type="image/png",
        acting_user=registration.participant.user,
        participant=registration.participant,
    )
    login(client, secretariat_tebet)
    response = client.get(reverse("registration:document", args=[doc.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == png_bytes()


def test_a_broken_image_is_refused_even_after_weasyprint_loosened_pillow() -> None:
    """WeasyPrint (imported for certificates) sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process."""
    from PIL import ImageFile

    saved = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = True
    try:
        assert rejection(png_bytes()[:60], name="ktp.png", content_type="image/png") == "broken_image"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = saved
