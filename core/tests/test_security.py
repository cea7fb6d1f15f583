"""Issue 7, security: stored photos carry no metadata; every page sends a Content-Security-Policy without inline
script and a Permissions-Policy; a logged-in person's pages are never stored; private files keep their sandbox."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts.models import User
from core.files import PRIVATE_FILE_CSP
from core.images import reencode_image

GPS = 0x8825  # the GPS IFD in EXIF
ORIENTATION = 0x0112


def jpeg_with_gps(size: tuple[int, int] = (60, 40), orientation: int = 1) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS).update({1: "S", 2: (6.0, 14.0, 30.0), 3: "E", 4: (106.0, 50.0, 10.0)})
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, comment=b"taken at home")
    return buffer.getvalue()


def test_a_jpeg_is_stored_without_its_gps_position_and_upright() -> None:
    original = jpeg_with_gps(orientation=6)  # "rotate 90 degrees clockwise to show"
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(GPS)

    content, content_type = reencode_image(io.BytesIO(original))

    data = content.read()
    assert content_type == "image/jpeg"
    with Image.open(io.BytesIO(data)) as after:
        assert not after.getexif(), dict(after.getexif())
        assert "exif" not in after.info and "comment" not in after.info
        assert after.size == (40, 60)  # turned as the orientation said, before it was dropped
    assert b"PhoneMaker" not in data and b"taken at home" not in data


@pytest.mark.django_db
def test_an_uploaded_document_is_stored_without_metadata(entrepreneur: User) -> None:
    from registration.services import document_attach
    from registration.tests.factories import RegistrationFactory

    registration = RegistrationFactory()
    document = document_attach(
        kind="ktp",
        upload=SimpleUploadedFile("ktp.jpg", jpeg_with_gps(), content_type="image/jpeg"),
        content_type="image/jpeg",
        acting_user=registration.participant.user,
        participant=registration.participant,
    )
    with document.file.open("rb") as stored:
        data = stored.read()
    assert document.size == len(data)
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()
    assert b"PhoneMaker" not in data


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    from django.core.exceptions import ValidationError

    from registration.documents import validate_document

    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, format="PNG")  # 100 megapixels in a few kilobytes
    with pytest.raises(ValidationError) as error:
        validate_document(SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png"))
    assert error.value.code == "too_large"


def _policy(response: Any) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


def _assert_page_headers(response: Any) -> None:
    policy = _policy(response)
    assert policy["script-src"] == "script-src 'self'"
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-inline'" not in policy["style-src-elem"]
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "geolocation=()", "microphone=()", "payment=()"):
        assert feature in permissions


@pytest.mark.django_db
def test_a_public_page_sends_the_policies_and_may_be_cached(client: Client) -> None:
    response = client.get(reverse("landing"))

    assert response.status_code == 200
    _assert_page_headers(response)
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_a_logged_in_page_is_never_stored(client: Client, entrepreneur: User) -> None:
    client.force_login(entrepreneur)
    response = client.get(reverse("home"))

    assert response.status_code == 200
    _assert_page_headers(response)
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_private_document_keeps_its_sandbox_policy(client: Client, secretariat_tebet: User) -> None:
    from registration.services import document_attach
    from registration.tests.factories import RegistrationFactory, upload

    registration = RegistrationFactory()
    document = document_attach(
        kind="ktp",
        upload=upload(),
        content_type="image/png",
        acting_user=registration.participant.user,
        participant=registration.participant,
    )
    client.force_login(secretariat_tebet)
    response = client.get(reverse("registration:document", args=[document.public_id]))

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == PRIVATE_FILE_CSP
    assert response["Cache-Control"] == "private, no-store"
    assert "camera=()" in response["Permissions-Policy"]


def test_templates_hold_no_inline_script() -> None:
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in [*root.glob("templates/**/*.html"), *root.glob("*/templates/**/*.html")]:
        if ".venv" in path.parts:
            continue
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+=", text):
            offenders.append(str(path.relative_to(root)))
    assert not offenders, offenders
