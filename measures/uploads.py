"""What an uploaded evidence file really is, read from its bytes (never from its name).

Accepted: PDF, common images (JPEG, PNG, GIF, WebP) and Office documents — Word/Excel/PowerPoint
both in the Office Open XML form (a zip with ``[Content_Types].xml`` and a ``word/``, ``xl/`` or
``ppt/`` part) and the legacy OLE2 form (``.doc``/``.xls``/``.ppt``), plus OpenDocument. The
``filetype`` library recognises the magic numbers; Office files are sniffed further here because a
zip or OLE header alone does not say which application wrote it. Anything else (an ``.exe``
renamed ``.pdf``, a zip of scripts, HTML) is refused with a Thai message.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str
    label: str


ALLOWED_SIMPLE = {
    "application/pdf": Sniffed("application/pdf", "pdf", "PDF"),
    "image/jpeg": Sniffed("image/jpeg", "jpg", "JPEG"),
    "image/png": Sniffed("image/png", "png", "PNG"),
    "image/gif": Sniffed("image/gif", "gif", "GIF"),
    "image/webp": Sniffed("image/webp", "webp", "WebP"),
}
OOXML = {
    "word/": Sniffed("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word"),
    "xl/": Sniffed("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel"),
    "ppt/": Sniffed("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx", "PowerPoint"),
}
ODF = {
    "application/vnd.oasis.opendocument.text": Sniffed("application/vnd.oasis.opendocument.text", "odt", "OpenDocument"),
    "application/vnd.oasis.opendocument.spreadsheet": Sniffed(
        "application/vnd.oasis.opendocument.spreadsheet", "ods", "OpenDocument"
    ),
    "application/vnd.oasis.opendocument.presentation": Sniffed(
        "application/vnd.oasis.opendocument.presentation", "odp", "OpenDocument"
    ),
}
OLE_STREAMS = (
    (b"W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t", Sniffed("application/msword", "doc", "Word")),
    (b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k", Sniffed("application/vnd.ms-excel", "xls", "Excel")),
    (b"B\x00o\x00o\x00k", Sniffed("application/vnd.ms-excel", "xls", "Excel")),
    (
        b"P\x00o\x00w\x00e\x00r\x00P\x00o\x00i\x00n\x00t\x00 \x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t",
        Sniffed("application/vnd.ms-powerpoint", "ppt", "PowerPoint"),
    ),
)
ACCEPT_ATTR = ".pdf,.jpg,.jpeg,.png,.gif,.webp,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp"


def refused_message() -> str:
    return _(
        "ไฟล์นี้ไม่ใช่ชนิดที่รับได้ (ตรวจจากเนื้อไฟล์ ไม่ใช่จากชื่อไฟล์) รับเฉพาะ PDF รูปภาพ (JPEG, PNG, GIF, WebP) และเอกสาร Word Excel PowerPoint"
    )


def _sniff_zip(upload: UploadedFile) -> Sniffed | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return ODF.get(mimetype)
            if "[Content_Types].xml" not in names:
                return None
            for prefix, sniffed in OOXML.items():
                if any(n.startswith(prefix) for n in names):
                    return sniffed
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None


def _sniff_ole(upload: UploadedFile) -> Sniffed | None:
    upload.seek(0)
    head = upload.read(8)
    if head != OLE_MAGIC:
        return None
    upload.seek(0)
    # The directory entries naming the streams sit near the start of small files; read enough.
    blob = upload.read(2 * 1024 * 1024)
    for marker, sniffed in OLE_STREAMS:
        if marker in blob:
            return sniffed
    return None


def sniff(upload: UploadedFile) -> Sniffed:
    """The real type of ``upload`` or ValidationError (Thai) if it is not an accepted kind."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    result: Sniffed | None = ALLOWED_SIMPLE.get(mime)
    if result is None and head.startswith(b"PK\x03\x04"):
        result = _sniff_zip(upload)
    if result is None and head.startswith(OLE_MAGIC):
        result = _sniff_ole(upload)
    upload.seek(0)
    if result is None:
        raise ValidationError(refused_message(), code="file_type")
    return result


def check_size(upload: UploadedFile) -> None:
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("ไฟล์ %(name)s มีขนาด %(size).1f MB เกินขนาดสูงสุดที่รับได้ %(limit).1f MB")
            % {"name": upload.name, "size": upload.size / 1048576, "limit": limit / 1048576},
            code="file_size",
        )
    if upload.size == 0:
        raise ValidationError(_("ไฟล์ %(name)s ว่างเปล่า") % {"name": upload.name}, code="file_empty")


def sha256_of(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def validate_upload(upload: UploadedFile) -> Sniffed:
    """Size first (cheap), then the content type. Used by the form and again by the service."""
    check_size(upload)
    return sniff(upload)
