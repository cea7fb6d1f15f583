"""Checks on uploaded documents: the type is read from the content (never trusted from the name or the
browser's claim), the size is bounded, images must decode."""

import warnings
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
MAX_IMAGE_PIXELS = 50_000_000  # a 50-megapixel photo; a phone camera takes less


def validate_document(upload: UploadedFile[Any]) -> str:
    """Return the content type of an acceptable upload, or raise ValidationError saying why it is refused."""
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
    """An image must decode, and its dimensions must be those of a photo, not of a decompression bomb."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise Image.DecompressionBombError(f"{image.width}x{image.height}")
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(_("The image is too large in pixels; send a smaller photo."), code="too_large") from exc
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValidationError(_("The image is damaged and cannot be opened."), code="broken_image") from exc
    finally:
        upload.seek(0)
