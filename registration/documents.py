"""Checks on uploaded documents: the type is read from the content (never trusted from the name or the
browser's claim), the size is bounded, images must decode, and an image is re-encoded (core.images) before it is
stored, so no EXIF or GPS position of the phone that took it is kept."""

from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.images import MAX_IMAGE_PIXELS, BrokenImage, ImageTooLarge, reencode_image

ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
__all__ = ["ALLOWED_TYPES", "MAX_IMAGE_PIXELS", "check_image", "validate_document"]


def validate_document(upload: UploadedFile[Any]) -> str:
    """Return the content type of an acceptable upload, or raise ValidationError saying why it is refused.

    An image upload is re-encoded in place (its bytes replaced by the clean image's), so whatever stores the
    upload afterwards (the registration and mentoring services) stores it without metadata. Checking it again
    (a form, then its service) re-encodes only once."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    limit = settings.DOCUMENT_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s; the most we take is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime: str | None = kind.mime if kind else None
    if mime not in ALLOWED_TYPES:
        raise ValidationError(
            _("Only PDF, JPEG or PNG files are accepted; this file is not one of them, whatever its name."),
            code="file_type",
        )
    if mime != "application/pdf":
        check_image(upload)
    return str(mime)


def check_image(upload: UploadedFile[Any]) -> None:
    """An image must decode, and its dimensions must be those of a photo, not of a decompression bomb; it is
    then re-encoded without metadata, in place, and must still be within the size limit."""
    if getattr(upload, "_reencoded", False):
        return
    try:
        content, _content_type = reencode_image(upload)
    except ImageTooLarge as exc:
        raise ValidationError(_("The image is too large in pixels; send a smaller photo."), code="too_large") from exc
    except BrokenImage as exc:
        raise ValidationError(_("The image is damaged and cannot be opened."), code="broken_image") from exc
    data = content.read()
    limit = settings.DOCUMENT_MAX_BYTES
    if len(data) > limit:
        raise ValidationError(
            _("The file is %(size)s; the most we take is %(limit)s.")
            % {"size": filesizeformat(len(data)), "limit": filesizeformat(limit)},
            code="too_large",
        )
    _replace_content(upload, data)


def _replace_content(upload: UploadedFile[Any], data: bytes) -> None:
    """Write the clean image over the upload's own file (in memory or the temporary file on disk), so that a
    later save, which may move the temporary file into place, stores these bytes and only these."""
    file = upload.file
    assert file is not None
    file.seek(0)
    file.truncate()
    file.write(data)
    file.flush()
    file.seek(0)
    upload.size = len(data)
    upload._reencoded = True  # type: ignore[attr-defined]
