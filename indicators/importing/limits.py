"""How big a score file may be once it is *expanded*, checked before anything is parsed.

Bytes on the wire say little: a 1 MB XLSX can hold 3 million rows, and an XLSX's shared strings
can inflate to hundreds of megabytes that openpyxl keeps in memory. So a file is refused (with a
Thai message) when its decompressed parts, its characters, rows or cells pass these limits. They
fit the largest real file, the national one: 8,317 agencies × 53 rows = 440,801 rows, about
45 MB uncompressed in XLSX.
"""

from __future__ import annotations

import io
import re
import zipfile

from django.utils.translation import gettext as _

MAX_ROWS = 600_000
MAX_COLUMNS = 500  # the wide layout: agency, year, 10 indicators and every O/I/E item of a year
MAX_CELLS = 8_000_000
MAX_CSV_CHARACTERS = 60_000_000
MAX_XLSX_UNCOMPRESSED = 250 * 1024 * 1024
MAX_XLSX_SHARED_STRINGS = 60 * 1024 * 1024
MAX_XLSX_MEMBERS = 200
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]+\d+:([A-Z]+)(\d+)"')


class FileTooLarge(ValueError):
    """The file expands past a limit; the message is Thai, for the user."""


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.0f}"


def check_xlsx(content: bytes) -> None:
    """Refuse an XLSX whose parts decompress past the limits or whose sheet declares too many rows."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        return  # not a zip at all: the reader says it is not an Excel file
    infos = archive.infolist()
    total = sum(i.file_size for i in infos)
    if len(infos) > MAX_XLSX_MEMBERS or total > MAX_XLSX_UNCOMPRESSED:
        raise FileTooLarge(
            _("ไฟล์ Excel นี้เมื่อขยายแล้วมีขนาด %(size)s MB เกินที่รับได้ %(max)s MB")
            % {"size": _mb(total), "max": _mb(MAX_XLSX_UNCOMPRESSED)}
        )
    for info in infos:
        if info.filename.endswith("sharedStrings.xml") and info.file_size > MAX_XLSX_SHARED_STRINGS:
            raise FileTooLarge(
                _("ข้อความในไฟล์ Excel นี้เมื่อขยายแล้วมีขนาด %(size)s MB เกินที่รับได้ %(max)s MB")
                % {"size": _mb(info.file_size), "max": _mb(MAX_XLSX_SHARED_STRINGS)}
            )
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            with archive.open(info) as sheet:
                head = sheet.read(4096)
            match = _DIMENSION.search(head)
            if match and int(match.group(2)) > MAX_ROWS + 1:
                raise too_many_rows(int(match.group(2)) - 1)


def check_csv_text(text: str) -> None:
    if len(text) > MAX_CSV_CHARACTERS:
        raise FileTooLarge(
            _("ไฟล์ CSV นี้มี %(n)s ตัวอักษร เกินที่รับได้ %(max)s ตัวอักษร") % {"n": f"{len(text):,}", "max": f"{MAX_CSV_CHARACTERS:,}"}
        )


def too_many_rows(count: int) -> FileTooLarge:
    return FileTooLarge(
        _("ไฟล์นี้มีข้อมูลมากกว่า %(max)s แถว (พบ %(n)s แถว) กรุณาแบ่งเป็นหลายไฟล์") % {"max": f"{MAX_ROWS:,}", "n": f"{count:,}"}
    )


def check_width(width: int) -> None:
    if width > MAX_COLUMNS:
        raise FileTooLarge(_("ไฟล์นี้มี %(n)s คอลัมน์ เกินที่รับได้ %(max)s คอลัมน์") % {"n": width, "max": MAX_COLUMNS})


def too_many_cells(count: int) -> FileTooLarge:
    return FileTooLarge(_("ไฟล์นี้มีข้อมูลมากกว่า %(max)s ช่อง กรุณาแบ่งเป็นหลายไฟล์") % {"max": f"{MAX_CELLS:,}"})


def estimated_rows(content: bytes, filename: str = "") -> int | None:
    """How many data rows a file holds, guessed without parsing it (cheap: no decoding, no XML).

    A CSV counts its line breaks (a quoted cell with a line break makes the guess high, never
    low); an XLSX gives the row count its first sheet declares (``<dimension>``), None when it
    declares none. Decides whether a file is checked in the web request or by the worker.
    """
    if not (content.startswith(b"PK\x03\x04") or filename.lower().endswith(".xlsx")):
        return max(content.count(b"\n") - (0 if content.endswith(b"\n") else -1) - 1, 0)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        for info in archive.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                with archive.open(info) as sheet:
                    match = _DIMENSION.search(sheet.read(4096))
                return int(match.group(2)) - 1 if match else None
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None
