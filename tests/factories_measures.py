"""Factories and helpers for the measures screens' tests."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from measures.models import Evidence, EvidenceKind, FollowUp, MeasureStep, ProgressUpdate
from tests.factories import AgencyFactory, MeasureFactory, bkk


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureStep

    measure = factory.SubFactory(MeasureFactory)
    order = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"ขั้นตอนทดสอบ {n}")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    agency = factory.SubFactory(AgencyFactory)
    fiscal_year = 2567
    number = 1
    title = "ประชุมติดตาม"
    starts_at = factory.LazyFunction(lambda: bkk(2024, 6, 14, 9, 30))


class ProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    measure = factory.SubFactory(MeasureFactory)
    reported_on = dt.date(2024, 6, 30)
    status = "in_progress"


# --- files ------------------------------------------------------------------------------------

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
EXE_BYTES = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run in DOS mode."
    + b"\x00" * 200
)


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    wb = Workbook()
    wb.active["A1"] = "ผลการดำเนินการ"
    wb.save(buffer)
    return buffer.getvalue()


def zip_of_scripts() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("run.bat", "echo hi")
    return buffer.getvalue()


def ole_doc_bytes() -> bytes:
    """A minimal OLE2 header followed by a directory entry naming a WordDocument stream."""
    header = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504
    entry = "WordDocument".encode("utf-16-le") + b"\x00" * 100
    return header + entry


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def evidence_file(measure, content: bytes = PDF_BYTES, name: str = "หลักฐาน.pdf", **kwargs) -> Evidence:
    from measures import services

    return services.evidence_add_file(measure=measure, upload=upload(name, content), **kwargs)


def evidence_link(measure, url: str = "https://www.example.go.th/ita/o14") -> Evidence:
    return Evidence.objects.create(measure=measure, kind=EvidenceKind.LINK, url=url, title="เว็บไซต์")
