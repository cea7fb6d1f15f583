"""Stored photos are re-encoded: the pixels the person sent, turned upright, and nothing else (no EXIF, no GPS
position, no camera serial, no comments, nothing appended after the image)."""

import io
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from django.core.files.base import ContentFile
from PIL import Image, ImageFile, ImageOps

MAX_IMAGE_PIXELS = 50_000_000  # a 50-megapixel photo; a phone camera takes less
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}
JPEG_QUALITY = 88


class ImageTooLarge(ValueError):
    """More pixels than a photo has: a decompression bomb, or a scan far beyond what is needed."""


class BrokenImage(ValueError):
    """The bytes do not decode as a JPEG or PNG image."""


_strict = threading.Lock()


@contextmanager
def _no_truncated_images() -> Iterator[None]:
    """Decode strictly: WeasyPrint (the certificates) sets Pillow's process-wide LOAD_TRUNCATED_IMAGES on import,
    which would let a cut-off upload through as a padded image."""
    with _strict:
        saved = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = saved


def reencode_image(upload: IO[bytes]) -> tuple[ContentFile[bytes], str]:
    """The image in `upload` decoded and written again in its own format (JPEG or PNG), turned as its EXIF
    orientation says, with every piece of metadata dropped except the colour profile. Raises ImageTooLarge for
    more than MAX_IMAGE_PIXELS (checked from the header, before any pixel is decoded) and BrokenImage for
    anything that does not decode. The caller checks the file size and type first."""
    upload.seek(0)
    try:
        with warnings.catch_warnings(), _no_truncated_images():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format not in FORMATS:
                    raise BrokenImage(f"not a JPEG or PNG image: {image.format}")
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise ImageTooLarge(f"{image.width}x{image.height}")
                image_format = str(image.format)
                icc_profile = image.info.get("icc_profile")
                image.load()
                upright = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLarge(str(exc)) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, ImageTooLarge | BrokenImage):
            raise
        raise BrokenImage(str(exc)) from exc
    finally:
        upload.seek(0)
    options: dict[str, object] = {"icc_profile": icc_profile} if icc_profile else {}
    if image_format == "JPEG":
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        options.update(quality=JPEG_QUALITY, optimize=True)
    elif upright.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
        upright = upright.convert("RGBA")
    # Only the pixels (and the palette) are copied: the encoders write EXIF, XMP, comments and text chunks only
    # when asked to (save(exif=...), pnginfo=...), so none of the original's metadata reaches the new file.
    clean = upright.copy()
    clean.info = {key: value for key, value in upright.info.items() if key == "transparency"}
    if "transparency" in clean.info:
        options["transparency"] = clean.info["transparency"]
    output = io.BytesIO()
    clean.save(output, format=image_format, **options)
    return ContentFile(output.getvalue()), FORMATS[image_format]
