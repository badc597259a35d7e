"""Every report kind rendered from factories and read back with poppler: parts in order, A4
(landscape where wide), Sarabun only, BE dates, digits as chosen, page numbers on continuation
pages, the endorsement block only after approval."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from ita_portal import thai
from reports import services
from reports.documents import build_source
from reports.models import ReportKind
from reports.rendering import render_source_pdf
from tests.factories_reports import make_demo_data, report_data
from tests.pdf_helpers import _run, normalise_ws, pdffonts, pdftotext_text

pytestmark = [pytest.mark.pdf, pytest.mark.django_db]

LANDSCAPE = {
    ReportKind.MEASURES_PLAN: True,
    ReportKind.RESULTS: True,
    ReportKind.MONITORING: True,
    ReportKind.CALENDAR: False,
    ReportKind.QUARTERLY: True,
}

# What each attachment must print, in order, after the memo.
ATTACHMENT_PARTS = {
    ReportKind.MEASURES_PLAN: [
        "ลำดับที่",
        "ตัวชี้วัดที่",
        "ประเด็นตัวชี้วัด",
        "การป้องกันการทุจริต",
        "ประเด็นที่ ๑.๑",
        "การวิเคราะห์ผลการประเมิน",
        "ประเด็นที่เป็นข้อบกพร่องหรือจุดอ่อน",
        "ประเด็นที่จะพัฒนาให้ดีขึ้น",
        "การกำหนดผู้รับผิดชอบ",
        "การกำหนดขั้นตอนหรือวิธีการปฏิบัติ",
        "การกำหนดแนวทางการกำกับติดตาม",
        "๑. แต่งตั้งคณะทำงาน",
        "ระยะเวลาดำเนินการ",
        "ข้อจำกัดของหน่วยงาน",
        "ประเด็นที่ ๑.๒",
    ],
    ReportKind.RESULTS: [
        "คะแนน พ.ศ. ๒๕๖๖",
        "คะแนน พ.ศ. ๒๕๖๗",
        "การเปิดเผยข้อมูล",
        "ขั้นตอนหรือวิธีการปฏิบัติ",
        "สรุปผลการดำเนินการ",
        "ผลลัพธ์/ความสำเร็จของการดำเนินการ",
        "งบประมาณที่ใช้",
        "จำนวน ๑๐,๐๐๐ บาท",
        "อุปสรรค",
        "ข้อเสนอแนะ",
        "ควรเริ่มดำเนินการตั้งแต่ต้นปีงบประมาณ",
    ],
    ReportKind.MONITORING: [
        "รายงานผลการกำกับ ติดตามการดำเนินงาน",
        "รายการติดตาม",
        "การปฏิบัติ",
        "ผลการดำเนินงาน",
        "ผู้รับผิดชอบ",
        "ลงนามรับทราบ",
        "ดำเนินการ",
        "กำลังดำเนินการ",
        "√",
    ],
    ReportKind.CALENDAR: [
        "ปฏิทินการกำกับ ติดตาม",
        "วัน เดือน ปี",
        "รายการกิจกรรม",
        "ผู้รับผิดชอบ",
        "หมายเหตุ",
        "๓๐ พฤษภาคม ๒๕๖๗",
        "๑๕ กรกฎาคม ๒๕๖๗",
    ],
    ReportKind.QUARTERLY: [
        "ไตรมาสที่ ๓",
        "กิจกรรม",
        "วัตถุประสงค์",
        "เป้าหมาย",
        "ระยะเวลาดำเนินการ",
        "ขั้นตอนการดำเนินการ",
        "งบประมาณ",
        "ผลการดำเนินงาน",
        "สรุปผลการดำเนินงาน",
        "ปัญหา/ข้อเสนอแนะ",
        "เชิงปริมาณ",
        "เชิงคุณภาพ",
        "ดำเนินการแล้วเสร็จ",
    ],
}
MEMO_PARTS = [
    "บันทึกข้อความ",
    "ส่วนราชการ",
    "ที่",
    "วันที่",
    "เรื่อง",
    "เรียน",
    "ตามที่",
    "ในการนี้",
    "๑.",
    "๒.",
    "จึงเรียนมาเพื่อโปรดพิจารณา",
    "(นางสมศรี ตั้งใจดี)",
]


def assert_in_order(text: str, parts: list[str]) -> None:
    """Each part appears after the previous one (spaces ignored: cells wrap lines anywhere)."""
    text = re.sub(r"\s+", "", text)
    pos = 0
    for part in (re.sub(r"\s+", "", p) for p in parts):
        found = text.find(part, pos)
        assert found >= 0, f"{part!r} missing (or out of order) after position {pos}: …{text[pos : pos + 200]}…"
        pos = found + len(part)


def make_report(world, kind, *, thai=True, measures=4, approve=True, capture=None):
    make_demo_data(world.agency_a, 2567, measures=measures)
    staff, director = world.users["staff_a"], world.users["director_a"]
    data = report_data(kind, thai=thai)
    report = services.report_create(agency=world.agency_a, year=2567, kind=kind, actor=staff, data=data)
    services.report_submit(report=report, actor=staff)
    report.refresh_from_db()
    if approve:
        report = services.report_approve(report=report, actor=director, decision="อนุญาต", note="เห็นควรเผยแพร่ทางเว็บไซต์")
    return report


def raw_text(pdf: bytes) -> str:
    """Text in content-stream order (``pdftotext -raw``): WeasyPrint draws a table cell by cell, so a
    wrapped header reads whole instead of interleaved with its neighbours."""
    return normalise_ws(_run(["pdftotext", "-enc", "UTF-8", "-raw"], pdf).decode("utf-8"))


def pages_of(pdf: bytes) -> list[str]:
    """Page texts in layout mode (keeps "- ๒ -" together on the first line)."""
    return [p.strip() for p in pdftotext_text(pdf, layout=True).split("\f")]


@pytest.mark.parametrize("kind", ReportKind.values)
def test_every_kind_prints_all_parts_in_order_on_a4_in_sarabun(world, kind):
    report = make_report(world, kind)
    pdf = render_source_pdf(build_source(report))
    text = raw_text(pdf)
    assert_in_order(text, MEMO_PARTS + ["อนุญาต", "เห็นควรเผยแพร่ทางเว็บไซต์"] + ATTACHMENT_PARTS[kind])
    # Document number from the sequence, BE dates, no CE year.
    assert "ศธ ๐๔๑๑๔/๑" in text
    assert "๑๕ มิถุนายน ๒๕๖๗" in text
    assert "2024" not in text and "๒๐๒๔" not in text
    # Thai digits chosen: no Arabic digit anywhere in the printed text.
    assert not re.search(r"[0-9]", text), re.findall(r".{20}[0-9].{20}", text)[:3]
    # Sarabun only, embedded.
    fonts = pdffonts(pdf)
    assert fonts and all(f["name"].split("+")[-1].startswith("Sarabun") and f["emb"] for f in fonts), fonts
    # A4 memo pages portrait; attachment pages landscape where the tables are wide.
    reader = PdfReader(io.BytesIO(pdf))
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages]
    assert sizes[0] == (595, 842)
    att = sizes[-1]
    assert att == ((842, 595) if LANDSCAPE[kind] else (595, 842))
    assert all(s in ((595, 842), (842, 595)) for s in sizes)


def _part_starts(pages: list[str], marker: str) -> list[int]:
    return [0, *[i for i, t in enumerate(pages) if i > 0 and marker in normalise_ws(t)][:1]]


@pytest.mark.parametrize("kind", [ReportKind.MEASURES_PLAN, ReportKind.MONITORING, ReportKind.QUARTERLY, ReportKind.RESULTS])
def test_continuation_pages_are_numbered_and_first_pages_are_not(world, kind):
    report = make_report(world, kind, measures=8)
    pdf = render_source_pdf(build_source(report))
    pages = pages_of(pdf)
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 4
    reader = PdfReader(io.BytesIO(pdf))
    orientation = [float(p.mediabox.width) > float(p.mediabox.height) for p in reader.pages]
    if LANDSCAPE[kind]:
        starts = [0, orientation.index(True)]
    else:
        starts = [0, *[i for i, t in enumerate(pages) if i > 0 and normalise_ws(t).startswith("รายงานผลการดำเนินการเพื่อ")][:1]]
    assert len(starts) == 2
    numbered = re.compile(r"^-\s*([๐-๙]+)\s*-")
    for i, text in enumerate(pages):
        first_line = normalise_ws(text)
        part_start = max(s for s in starts if s <= i)
        if i == part_start:
            assert not numbered.match(first_line), f"page {i + 1} is the first of its part: no number"
        else:
            m = numbered.match(first_line)
            assert m, f"page {i + 1}: {first_line[:40]!r}"
            assert m.group(1) == thai.to_thai_digits(str(i - part_start + 1))


def test_arabic_digits_when_chosen(world):
    report = make_report(world, ReportKind.MEASURES_PLAN, thai=False, measures=8)
    pdf = render_source_pdf(build_source(report))
    text = normalise_ws(pdftotext_text(pdf))
    assert "15 มิถุนายน 2567" in text
    assert "ศธ 04114/1" in text
    assert re.search(r"(^| )-\s*2", text)
    assert not re.search(r"[๐-๙]", text), re.findall(r".{15}[๐-๙].{15}", text)[:3]


@pytest.mark.parametrize("kind", ReportKind.values)
def test_endorsement_block_only_after_approval(world, kind):
    report = make_report(world, kind, approve=False)
    before = normalise_ws(pdftotext_text(render_source_pdf(build_source(report), memo_only=True)))
    assert "เห็นควรเผยแพร่ทางเว็บไซต์" not in before
    assert "ศธ ๐๔๑๑๔/ " in before + " "  # number not given yet
    report = services.report_approve(
        report=report, actor=world.users["director_a"], decision="ทราบ", note="เห็นควรเผยแพร่ทางเว็บไซต์"
    )
    after = normalise_ws(pdftotext_text(render_source_pdf(build_source(report), memo_only=True)))
    assert_in_order(
        after, ["(นางสมศรี ตั้งใจดี)", "ทราบ", "เห็นควรเผยแพร่ทางเว็บไซต์", report.approver_name.replace("1", "๑").replace("0", "๐")[:4]]
    )


def test_emblem_is_drawn_when_uploaded(world, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
        b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    world.agency_a.emblem.save("garuda.png", ContentFile(png), save=True)
    report = make_report(world, ReportKind.CALENDAR, measures=1, approve=False)
    source = build_source(report)
    assert source["memo"]["emblem_url"].endswith(".png")
    pdf = render_source_pdf(source, memo_only=True)
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1
