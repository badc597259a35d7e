"""Word and Excel downloads: the DOCX of a draft opens with python-docx and holds the memo's text,
its attachment tables and Thai digits, Sarabun 16 pt; approved reports have no DOCX; the Excel files
of the measures plan and the calendar hold their rows; every download refused outside the agency."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from reports import services
from reports.models import ReportKind
from tests.conftest import READERS_OF_A, assert_status
from tests.factories_reports import make_demo_data


def _draft(world, kind):
    make_demo_data(world.agency_a, 2567, measures=2)
    return services.report_create(
        agency=world.agency_a,
        year=2567,
        kind=kind,
        actor=world.users["staff_a"],
        data={"signer_name": "นางสมศรี ตั้งใจดี", "signer_position": "นักวิเคราะห์นโยบายและแผนชำนาญการ"},
    )


def _docx(world, report, role="staff_a"):
    url = reverse("reports:docx", kwargs={"agency_id": world.agency_a.pk, "year": 2567, "pk": report.pk})
    return url, world.client_for(role).get(url)


@pytest.mark.django_db
def test_docx_of_a_draft_holds_the_memo_and_attachment_tables(world):
    report = _draft(world, ReportKind.MEASURES_PLAN)
    _url, response = _docx(world, report)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "บันทึกข้อความ" in text and "เรื่อง มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ. ๒๕๖๗" in text
    assert "(นางสมศรี ตั้งใจดี)" in text and "จึงเรียนมาเพื่อโปรดพิจารณา" in text
    assert "2567" not in text  # Thai digits, as the PDF prints them
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "ประเด็นที่เป็นข้อบกพร่องหรือจุดอ่อน ที่จะต้องแก้ไขโดยเร่งด่วน" in cells
    assert any("๑. แต่งตั้งคณะทำงานฯ" in c for c in cells)
    assert any(c.startswith("ระยะเวลาดำเนินการ") for c in cells)
    normal = doc.styles["Normal"]
    assert normal.font.name == "Sarabun" and normal.font.size.pt == 16
    assert doc.sections[1].orientation == 1  # the plan's attachment is landscape


@pytest.mark.django_db
def test_docx_with_arabic_digits_and_calendar_signature(world):
    report = _draft(world, ReportKind.CALENDAR)
    report = services.report_update(report=report, actor=world.users["staff_a"], data={"use_thai_digits": False})
    doc = Document(io.BytesIO(_docx(world, report)[1].content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2567" in text and "๒๕๖๗" not in text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "วัน เดือน ปี" in cells and any("ประชุมกำกับ ติดตามการดำเนินงานตามมาตรการ ครั้งที่ 1" in c for c in cells)


@pytest.mark.django_db
def test_docx_download_per_role_and_never_of_a_signed_copy(world, django_capture_on_commit_callbacks):
    report = _draft(world, ReportKind.CALENDAR)
    url, _response = _docx(world, report)
    assert_status(world, url, READERS_OF_A)
    report = services.report_submit(report=report, actor=world.users["staff_a"])
    with django_capture_on_commit_callbacks(execute=True):
        services.report_approve(report=report, actor=world.users["director_a"])
    response = world.client_for("staff_a").get(url)
    assert response.status_code == 302 and response["Location"].endswith(f"/{report.pk}/")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["measures_plan", "calendar"])
def test_excel_of_the_plan_and_the_calendar(world, kind):
    make_demo_data(world.agency_a, 2567, measures=2)
    url = reverse("reports:xlsx", kwargs={"agency_id": world.agency_a.pk, "year": 2567, "kind": kind})
    assert_status(world, url, READERS_OF_A)
    book = load_workbook(io.BytesIO(world.client_for("staff_a").get(url).content))
    values = [str(c.value) for row in book.active.iter_rows() for c in row if c.value]
    if kind == "measures_plan":
        assert "การกำหนดขั้นตอนหรือวิธีการปฏิบัติ" in values
        assert any("จัดทำคู่มือหรือมาตรฐานการปฏิบัติงาน" in v for v in values)
    else:
        assert "รายการกิจกรรม" in values and sum("ประชุมกำกับ ติดตาม" in v for v in values) == 4
    assert world.client_for("staff_a").get(url.replace(kind, "results")).status_code == 404
