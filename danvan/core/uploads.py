"""Checking uploaded files by their content, never by their name or the browser's word.

``sniff(head, stream)`` recognises the few formats danvan accepts: JPEG, PNG, GIF, WebP,
PDF, Word and Excel (both the OOXML zip and the legacy OLE2 formats). ``check_upload``
adds the size limit (``settings.UPLOAD_MAX_BYTES``) and raises a Vietnamese-translated
``ValidationError`` the form shows beside the field.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PHOTO = "photo"
PDF = "pdf"
WORD = "word"
EXCEL = "excel"
ALL_KINDS = frozenset({PHOTO, PDF, WORD, EXCEL})

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Sniffed:
    kind: str
    content_type: str
    extension: str


def _zip_kind(stream) -> Sniffed | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("word/") for n in names):
        return Sniffed(
            WORD,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        )
    if any(n.startswith("xl/") for n in names):
        return Sniffed(
            EXCEL, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
        )
    return None


def _ole_kind(stream) -> Sniffed | None:
    # Legacy .doc / .xls: an OLE2 compound file whose directory names the main stream.
    stream.seek(0)
    data = stream.read(512 * 1024)
    if b"W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t" in data:
        return Sniffed(WORD, "application/msword", "doc")
    if b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k" in data or b"B\x00o\x00o\x00k" in data:
        return Sniffed(EXCEL, "application/vnd.ms-excel", "xls")
    return None


def sniff(stream) -> Sniffed | None:
    """What the file really is, from its bytes; None when it is none of the accepted kinds."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed(PHOTO, "image/jpeg", "jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed(PHOTO, "image/png", "png")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed(PHOTO, "image/gif", "gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed(PHOTO, "image/webp", "webp")
    if head.startswith(b"%PDF-"):
        return Sniffed(PDF, "application/pdf", "pdf")
    if head.startswith(b"PK\x03\x04"):
        found = _zip_kind(stream)
        stream.seek(0)
        return found
    if head.startswith(_OLE2):
        found = _ole_kind(stream)
        stream.seek(0)
        return found
    return None


KIND_LABELS = {
    PHOTO: "JPEG, PNG, GIF, WebP",
    PDF: "PDF",
    WORD: "Word (.docx, .doc)",
    EXCEL: "Excel (.xlsx, .xls)",
}


def check_upload(upload, *, kinds: frozenset[str] = ALL_KINDS) -> Sniffed:
    """Validate an ``UploadedFile``: size first, then content. Returns what it is."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the largest accepted is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    found = sniff(upload)
    if found is None or found.kind not in kinds:
        accepted = ", ".join(KIND_LABELS[k] for k in sorted(kinds))
        raise ValidationError(
            _("This file is not an accepted type. Accepted: %(kinds)s.") % {"kinds": accepted},
            code="bad_type",
        )
    if found.kind == PHOTO:
        _check_image(upload)
    upload.seek(0)
    return found


def _check_image(upload) -> None:
    """A photo must decode fully (a renamed or truncated file is refused)."""
    from PIL import Image, UnidentifiedImageError

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
        # verify() does not decode the pixels: a truncated JPEG passes it, so decode too.
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        raise ValidationError(_("This image is damaged or incomplete."), code="bad_image") from exc
    finally:
        upload.seek(0)


def clean_photo(upload, *, max_side: int = 2000):
    """A re-encoded JPEG of the photo without its metadata (GPS, camera, owner).

    Public photos pass through this so nothing personal in EXIF reaches the showcase.
    Returns a ``ContentFile``.
    """
    import io

    from django.core.files.base import ContentFile
    from PIL import Image, ImageOps

    upload.seek(0)
    with Image.open(upload) as image:
        image = ImageOps.exif_transpose(image)
        image = image.convert("RGB")
        image.thumbnail((max_side, max_side))
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=85, optimize=True)
    upload.seek(0)
    return ContentFile(out.getvalue())
