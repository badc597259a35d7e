"""What the seeds print beyond memo and table (issue 11), each a report or measure field: seed 001's
cover page, บทสรุป, grade legend, four-column measures table and results period column; seed 002's
quarterly group rows; seed 000's distribution list, "ไม่ดำเนินการ" column and other acknowledging
signers; seed 004's "ผู้บริหาร" label; the attachments' "สำเนาถูกต้อง" block. Each is read back from the
rendered PDF with poppler, and each is saved through its form."""

from __future__ import annotations

import inspect
import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

from ita_portal.thai import to_thai_digits
from measures.models import Measure, MeasureStatus, ProgressUpdate
from reports import services
from reports.documents import build_source
from reports.forms import ReportForm
from reports.models import Report, ReportKind
from reports.rendering import render_source_pdf
from tests.pdf_helpers import _run, normalise_ws, pdftotext_text
from tests.test_reports_pdf import assert_in_order, make_report

pytestmark = [pytest.mark.pdf, pytest.mark.django_db]


def raw_text(pdf: bytes) -> str:
    return normalise_ws(_run(["pdftotext", "-enc", "UTF-8", "-raw"], pdf).decode("utf-8"))


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pages_raw(pdf: bytes) -> list[str]:
    return _run(["pdftotext", "-enc", "UTF-8", "-raw"], pdf).decode("utf-8").split("\f")


def _set(report: Report, **fields) -> Report:
    Report.objects.filter(pk=report.pk).update(**fields)
    report.refresh_from_db()
    return report


def _pdf(report: Report) -> bytes:
    """The report's PDF; with SEED_PDF_DIR set, also kept there to be looked at as pictures."""
    pdf = render_source_pdf(build_source(report))
    if keep := os.environ.get("SEED_PDF_DIR"):
        name = inspect.stack()[1].function
        n = len(list(Path(keep).glob(f"{name}-*.pdf")))
        (Path(keep) / f"{name}-{n}.pdf").write_bytes(pdf)
    return pdf


# ---- seed 001: cover, บทสรุป, grade legend, period column (results) -----------------------------


def test_results_cover_summary_legend_and_period_column(world):
    report = make_report(world, ReportKind.RESULTS, approve=False)
    plain = raw_text(_pdf(report))
    report = _set(
        report,
        cover_page=True,
        title="รายงานผลการดำเนินการ\nเพื่อส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
        cover_lines="สำนักงานเขตพื้นที่การศึกษาทดสอบ\nสำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน\nกระทรวงศึกษาธิการ",
        summary="แผนปฏิบัติการป้องกันการทุจริต มีการกำหนดแผนงานโครงการ\n\nผลการดำเนินโครงการเป็นไปด้วยความเรียบร้อย",
        show_grade_legend=True,
        results_plan_table=True,
        results_period_column=True,
    )
    pdf = _pdf(report)
    pages = pages_raw(pdf)
    cover = next(i for i, p in enumerate(pages) if "กระทรวงศึกษาธิการ" in p)
    # The cover page holds the title, the year and the cover lines, and nothing of the memo or tables.
    assert_in_order(
        pages[cover],
        [
            "รายงานผลการดำเนินการ",
            "เพื่อส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
            "ประจำปีงบประมาณ พ.ศ. ๒๕๖๗",
            "สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน",
            "กระทรวงศึกษาธิการ",
        ],
    )
    assert "บันทึกข้อความ" not in pages[cover] and "บทสรุป" not in pages[cover] and "ตัวชี้วัดที่" not in pages[cover]
    assert "บันทึกข้อความ" in pages[0] and cover > 0
    # บทสรุป on the page after the cover, before the attachment's tables.
    assert_in_order(
        "".join(pages[cover + 1 :]),
        [
            "บทสรุป",
            "แผนปฏิบัติการป้องกันการทุจริต",
            "ผลการดำเนินโครงการเป็นไปด้วยความเรียบร้อย",
            "คะแนน พ.ศ. ๒๕๖๖",
            # The legend under the score table: every band, pass/fail, the pass mark.
            "ระดับคะแนนและการแปลผลการประเมิน",
            "๙๕.๐๐ – ๑๐๐.๐๐ AA ผ่าน",
            "๘๕.๐๐ – ๙๔.๙๙ A ผ่าน",
            "๗๕.๐๐ – ๘๔.๙๙ B ไม่ผ่าน",
            "๖๕.๐๐ – ๗๔.๙๙ C ไม่ผ่าน",
            "๕๕.๐๐ – ๖๔.๙๙ D ไม่ผ่าน",
            "๕๐.๐๐ – ๕๔.๙๙ E ไม่ผ่าน",
            "๐.๐๐ – ๔๙.๙๙ F ไม่ผ่าน",
            "เกณฑ์การผ่าน ๘๕ คะแนนขึ้นไป (ระดับ AA และ A)",
            # Seed 001's four-column measures table before the results.
            "ประเด็นที่ ๑.๑",
            "ประเด็นการประเมิน",
            "มาตรการและแนวทาง",
            "ระยะเวลาและผู้รับผิดชอบ",
            "๑. แต่งตั้งคณะทำงาน",
            # The results table with its period column between the summary and the outcome.
            "สรุปผลการดำเนินการ",
            "ระยะเวลาดำเนินการ",
            "ผลลัพธ์/ความสำเร็จของการดำเนินการ",
            "พฤษภาคม – กรกฎาคม ๒๕๖๗",
        ],
    )
    # None of it without the options.
    for absent in ("บทสรุป", "ระดับคะแนนและการแปลผลการประเมิน", "กระทรวงศึกษาธิการ", "พฤษภาคม – กรกฎาคม ๒๕๖๗", "มาตรการและแนวทาง"):
        assert absent not in plain


def test_results_period_column_is_inside_the_table(world):
    """The period is a column of its own: the period text starts right of the summary column's
    left edge and left of the outcome column (pdftotext -bbox)."""
    report = make_report(world, ReportKind.RESULTS, approve=False)
    report = _set(report, results_period_column=True)
    bbox = _run(["pdftotext", "-enc", "UTF-8", "-bbox"], _pdf(report)).decode("utf-8")
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)</word>', bbox)
    header = next(float(x0) for x0, _y0, _x1, _y1, w in words if w.startswith("ระยะเวลา"))
    period = next(float(x0) for x0, _y0, _x1, _y1, w in words if w.startswith("พฤษภาคม"))
    assert header > 842 * 0.5  # the fourth of five columns of a landscape page
    assert abs(period - header) < 842 * 0.12


# ---- seed 001: four-column measures table and legend (measures plan) ----------------------------


def test_measures_plan_four_column_table_and_legend(world):
    report = make_report(world, ReportKind.MEASURES_PLAN, approve=False)
    five = raw_text(_pdf(report))
    assert "การกำหนดแนวทางการกำกับติดตาม" in squeezed(five) and "มาตรการและแนวทาง" not in squeezed(five)
    report = _set(report, plan_layout="four", show_grade_legend=True)
    text = raw_text(_pdf(report))
    assert_in_order(
        text,
        [
            "ลำดับที่",
            "ระดับคะแนนและการแปลผลการประเมิน",
            "AA",
            "เกณฑ์การผ่าน ๘๕ คะแนนขึ้นไป",
            "ประเด็นที่ ๑.๑",
            "ตัวชี้วัด",
            "ประเด็นการประเมิน",
            "มาตรการและแนวทาง",
            "ระยะเวลาและผู้รับผิดชอบ",
            "ตัวชี้วัดที่ ๙",
            "จัดทำคู่มือหรือมาตรฐานการปฏิบัติงาน",
            "๑. แต่งตั้งคณะทำงาน",
            "พฤษภาคม – กรกฎาคม ๒๕๖๗",
            "กลุ่มบริหารงานบุคคล",
            "ประเด็นที่ ๑.๒",
        ],
    )
    assert "การกำหนดแนวทางการกำกับติดตาม" not in squeezed(text)


# ---- seed 002: quarterly group rows -----------------------------------------------------------

NATIONAL = "ยุทธศาสตร์ชาติว่าด้วยการป้องกันและปราบปรามการทุจริต ระยะที่ ๓ (พ.ศ. ๒๕๖๐ - ๒๕๖๔)"
PROJECT = "โครงการยกระดับการทำงานให้สอดคล้องกับการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ (ITA)"


def test_quarterly_group_rows_span_the_table(world):
    report = make_report(world, ReportKind.QUARTERLY, approve=False)
    measures = list(Measure.objects.filter(agency=world.agency_a, fiscal_year=2567).order_by("order"))
    for i, m in enumerate(measures):
        strategy = "ยุทธศาสตร์ที่ ๑ สร้างสังคมที่ไม่ทนต่อการทุจริต" if i < 2 else "ยุทธศาสตร์ที่ ๔ พัฒนาระบบป้องกันการทุจริตเชิงรุก"
        Measure.objects.filter(pk=m.pk).update(national_strategy=NATIONAL, strategy=strategy, project=PROJECT)
    pdf = _pdf(report)
    text = raw_text(pdf)
    assert_in_order(
        text,
        [
            "ระยะเวลาดำเนินการ",  # the table's header, then the first group
            NATIONAL,
            "ยุทธศาสตร์ที่ ๑ สร้างสังคมที่ไม่ทนต่อการทุจริต",
            PROJECT,
            "๑",
            to_thai_digits(measures[0].title),
            to_thai_digits(measures[1].title),
            NATIONAL,  # the second group repeats all three lines, as seed 002 does
            "ยุทธศาสตร์ที่ ๔ พัฒนาระบบป้องกันการทุจริตเชิงรุก",
            PROJECT,
            to_thai_digits(measures[2].title),
        ],
    )
    assert squeezed(text).count(squeezed("ยุทธศาสตร์ที่ ๑ สร้างสังคม")) == 1  # not repeated above row ๒
    # The group rows span the table: their line runs wider than any one column (widest: 18 %).
    layout = pdftotext_text(pdf, layout=True)
    line = next(x for x in layout.splitlines() if "ยุทธศาสตร์ที่ ๔" in x)
    assert len(line.strip()) > 40
    bbox = _run(["pdftotext", "-enc", "UTF-8", "-bbox-layout"], pdf).decode("utf-8")
    spans = [
        float(x1) - float(x0)
        for x0, x1, body in re.findall(
            r'<line xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</line>', bbox, re.S
        )
        if "ยุทธศาสตร์ชาติว่าด้วย" in body
    ]
    assert spans and max(spans) > 842 * 0.3, spans


# ---- seed 000: distribution, ไม่ดำเนินการ, other acknowledging signers; certification --------------


def test_monitoring_status_columns_other_signers_distribution_and_certification(world):
    report = make_report(world, ReportKind.MONITORING, measures=5, approve=False)
    measures = list(Measure.objects.filter(agency=world.agency_a, fiscal_year=2567).order_by("order"))
    ProgressUpdate.objects.filter(measure=measures[1]).update(status=MeasureStatus.NOT_DONE)
    for m in measures[3:]:
        Measure.objects.filter(pk=m.pk).update(
            ack_signer_name="นายพัชรุต อุปัติสาร", ack_signer_position="ผู้ช่วยราชการสำนักงานเขตพื้นที่การศึกษา", ack_signer_label="ผู้แทนท้องถิ่น"
        )
    report = _set(
        report,
        status_columns="not_done",
        distribution="- นายมารุต อุปนิสากร\nนายสุวิทย์ งามนิตย์",
        certified_by_name="นายมารุต อุปนิสากร",
        certified_by_position="ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร",
        approver_name="นายผู้อำนวยการ ทดสอบ",  # acknowledged: the ack column prints its signers
    )
    pdf = _pdf(report)
    pages = pages_raw(pdf)
    memo_end = next(i for i, p in enumerate(pages) if "รายการติดตาม" in p)
    memo = "".join(pages[:memo_end])
    assert_in_order(memo, ["จึงเรียนมาเพื่อโปรดพิจารณา", "(นางสมศรี ตั้งใจดี)", "- นายมารุต อุปนิสากร", "- นายสุวิทย์ งามนิตย์"])
    attachment = "".join(pages[memo_end:])
    assert_in_order(
        attachment,
        ["การปฏิบัติ", "ดำเนินการ", "ไม่ดำเนินการ", "ผลการดำเนินงาน"],
    )
    assert "กำลังดำเนินการ" not in attachment
    table = squeezed(attachment)
    # Rows ๑–๓ acknowledged by the head, ๔–๕ by the other signer.
    assert table.count(squeezed("(นายผู้อำนวยการ ทดสอบ)")) >= 3 + 1
    assert table.count(squeezed("(นายพัชรุต อุปัติสาร)")) == 2 + 1  # two rows, then the closing block
    assert_in_order(
        attachment,
        [
            "(นายผู้อำนวยการ ทดสอบ)",
            "ผู้แทนท้องถิ่น",
            "(นายพัชรุต อุปัติสาร)",
            "ผู้ช่วยราชการสำนักงานเขตพื้นที่การศึกษา",
            "สำเนาถูกต้อง",
            "(นายมารุต อุปนิสากร)",
            "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร",
        ],
    )
    # Ticks: three done rows, the not-done row ๒; the in-progress row ๔ has no column of its own here.
    assert attachment.count("√") == 4
    # "all": three tick columns.
    report = _set(report, status_columns="all")
    text = raw_text(_pdf(report))
    assert_in_order(text, ["การปฏิบัติ", "ดำเนินการ", "กำลังดำเนินการ", "ไม่ดำเนินการ", "ผลการดำเนินงาน"])


@pytest.mark.parametrize("kind", ReportKind.values)
def test_every_attachment_can_close_with_a_certified_copy_block(world, kind):
    report = make_report(world, kind, approve=False)
    assert "สำเนาถูกต้อง" not in raw_text(_pdf(report))
    report = _set(report, certified_by_name="นางทวิกา บำรุงสวัสดิ์", certified_by_position="ศึกษานิเทศก์ชำนาญการพิเศษ")
    pages = pages_raw(_pdf(report))
    last = [p for p in pages if p.strip()][-1]
    assert_in_order(last, ["สำเนาถูกต้อง", "(นางทวิกา บำรุงสวัสดิ์)", "ศึกษานิเทศก์ชำนาญการพิเศษ"])


# ---- seed 004: the label above the head's signature --------------------------------------------


def test_results_head_signature_label(world):
    report = make_report(world, ReportKind.RESULTS)  # approved: the approver's name closes the attachment
    assert "ผู้บริหาร" not in raw_text(_pdf(report)).split("ข้อเสนอแนะ")[-1]
    report = _set(report, head_signature_label="ผู้บริหาร")
    text = raw_text(_pdf(report))
    tail = text.split("ควรเริ่มดำเนินการตั้งแต่ต้นปีงบประมาณ")[-1]
    assert_in_order(tail, ["ผู้บริหาร", f"({to_thai_digits(report.approver_name)})"])


# ---- forms: the fields save, and each kind shows only its own -----------------------------------


def test_report_form_shows_each_kind_its_seed_fields():
    common = {"distribution", "head_signature_label", "certified_by_name", "certified_by_position"}
    from ita_portal.agencies.models import Agency

    agency = Agency(name="x")
    agency.pk = 0
    fields = {kind: set(ReportForm(agency=agency, year=2567, kind=kind).fields) for kind in ReportKind.values}
    for kind, names in fields.items():
        assert common <= names, kind
    assert {"cover_page", "summary", "show_grade_legend", "results_plan_table", "results_period_column"} <= fields[
        ReportKind.RESULTS
    ]
    assert {"cover_page", "summary", "show_grade_legend", "plan_layout"} <= fields[ReportKind.MEASURES_PLAN]
    assert "status_columns" in fields[ReportKind.MONITORING]
    assert not {"cover_page", "status_columns", "plan_layout"} & fields[ReportKind.CALENDAR]
    assert "status_columns" not in fields[ReportKind.RESULTS] and "results_period_column" not in fields[ReportKind.MEASURES_PLAN]


def test_report_edit_form_saves_the_seed_fields(world):
    staff = world.users["staff_a"]
    report = services.report_create(agency=world.agency_a, year=2567, kind=ReportKind.RESULTS, actor=staff, data={})
    client = world.client_for("staff_a")
    url = reverse("reports:edit", kwargs={"agency_id": world.agency_a.pk, "year": 2567, "pk": report.pk})
    html = client.get(url).content.decode()
    for label in ("พิมพ์หน้าปก", "บทสรุป", "แสดงเกณฑ์ระดับคะแนน", "แสดงคอลัมน์ระยะเวลาดำเนินการ", "ผู้รับรองสำเนาถูกต้อง"):
        assert label in html
    assert "คอลัมน์การปฏิบัติ" not in html  # monitoring only
    data = {
        "subject": report.subject,
        "addressee": report.addressee,
        "body": report.body,
        "proposals": report.proposals,
        "closing": report.closing,
        "title": report.title,
        "use_thai_digits": "on",
        "cover_page": "on",
        "cover_lines": "สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน\nกระทรวงศึกษาธิการ",
        "summary": "บทสรุปของรายงาน",
        "show_grade_legend": "on",
        "results_period_column": "on",
        "distribution": "นายมารุต อุปนิสากร",
        "head_signature_label": "ผู้บริหาร",
        "certified_by_name": "นางทวิกา บำรุงสวัสดิ์",
        "certified_by_position": "ศึกษานิเทศก์ชำนาญการพิเศษ",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()
    assert report.cover_page and report.show_grade_legend and report.results_period_column
    assert report.cover_lines.splitlines() == ["สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน", "กระทรวงศึกษาธิการ"]
    assert (report.summary, report.distribution, report.head_signature_label) == ("บทสรุปของรายงาน", "นายมารุต อุปนิสากร", "ผู้บริหาร")
    assert (report.certified_by_name, report.certified_by_position) == ("นางทวิกา บำรุงสวัสดิ์", "ศึกษานิเทศก์ชำนาญการพิเศษ")
    source = build_source(report)
    assert source["parts"]["cover"]["lines"][-1] == "กระทรวงศึกษาธิการ"
    assert source["parts"]["certification"]["name"] == "นางทวิกา บำรุงสวัสดิ์"


def test_monitoring_edit_form_saves_status_columns_and_keeps_the_default_when_absent(world):
    staff = world.users["staff_a"]
    report = services.report_create(agency=world.agency_a, year=2567, kind=ReportKind.MONITORING, actor=staff, data={})
    client = world.client_for("staff_a")
    url = reverse("reports:edit", kwargs={"agency_id": world.agency_a.pk, "year": 2567, "pk": report.pk})
    base = {"subject": report.subject, "addressee": report.addressee, "body": report.body, "closing": report.closing}
    assert client.post(url, base).status_code == 302
    report.refresh_from_db()
    assert report.status_columns == "in_progress"
    assert client.post(url, {**base, "status_columns": "not_done"}).status_code == 302
    report.refresh_from_db()
    assert report.status_columns == "not_done"


def test_measure_form_saves_group_and_acknowledging_signer(world):
    from tests.factories_reports import make_demo_data

    measure = make_demo_data(world.agency_a, 2567, measures=1)[0]
    client = world.client_for("staff_a")
    url = reverse("measures:measure_edit", kwargs={"agency_id": world.agency_a.pk, "year": 2567, "pk": measure.pk})
    html = client.get(url).content.decode()
    for label in ("ยุทธศาสตร์ชาติ", "โครงการ", "ผู้ลงนามรับทราบ (แทนผู้บริหาร)"):
        assert label in html
    form = html  # post the measure as shown, plus the new fields
    data = {
        "title": measure.title,
        "budget_planned": "10000",
        "responsible_divisions": [d.pk for d in measure.responsible_divisions.all()],
        "national_strategy": NATIONAL,
        "strategy": "ยุทธศาสตร์ที่ ๑ สร้างสังคมที่ไม่ทนต่อการทุจริต",
        "project": PROJECT,
        "ack_signer_name": "นายพัชรุต อุปัติสาร",
        "ack_signer_position": "ผู้ช่วยราชการ",
        "ack_signer_label": "ผู้แทนท้องถิ่น",
    }
    assert form
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    measure.refresh_from_db()
    assert (measure.national_strategy, measure.project, measure.ack_signer_label) == (NATIONAL, PROJECT, "ผู้แทนท้องถิ่น")
    assert measure.strategy.startswith("ยุทธศาสตร์ที่ ๑") and measure.ack_signer_name == "นายพัชรุต อุปัติสาร"


# ---- the demo uses each part where its seed does ------------------------------------------------


def test_demo_reports_print_what_their_seeds_print(settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=StringIO())

    def text_of(report: Report) -> str:
        rendition = report.renditions.filter(status="done").order_by("-is_final", "-pk").first()
        pdf = rendition.file.read()
        if keep := os.environ.get("SEED_PDF_DIR"):
            (Path(keep) / f"demo-{report.agency.code}-{report.kind}.pdf").write_bytes(pdf)
        return raw_text(pdf)

    # Seed 004: ศธจ.สุโขทัย's results, "ผู้บริหาร" above the head's signature.
    sukhothai = Report.objects.get(agency__short_name="ศธจ.สุโขทัย", fiscal_year=2566, kind=ReportKind.RESULTS)
    assert_in_order(text_of(sukhothai).split("ข้อเสนอแนะ")[-1], ["ผู้บริหาร", "(นายธวัชชัย ฟูหน้า)", "ศึกษาธิการจังหวัดสุโขทัย"])
    # Seed 001: สพป.สมุทรสาคร's results, cover page, บทสรุป, the legend and the period column.
    results = Report.objects.get(agency__short_name="สพป.สมุทรสาคร", fiscal_year=2566, kind=ReportKind.RESULTS)
    assert_in_order(
        text_of(results),
        [
            "บันทึกข้อความ",
            "รายงานผลการดำเนินการ",
            "ประจำปีงบประมาณ พ.ศ. ๒๕๖๖",
            "กระทรวงศึกษาธิการ",
            "บทสรุป",
            "แผนปฏิบัติการป้องกันการทุจริต",
            "ระดับคะแนนและการแปลผลการประเมิน",
            "AA",
            "มาตรการและแนวทาง",
            "ระยะเวลาและผู้รับผิดชอบ",
            "ระยะเวลาดำเนินการ",
        ],
    )
    # Seed 000: สพป.สมุทรสาคร's monitoring, the three tick columns, the distribution list, the other
    # acknowledging signer and the certified copy.
    monitoring = Report.objects.get(agency__short_name="สพป.สมุทรสาคร", fiscal_year=2566, kind=ReportKind.MONITORING)
    assert_in_order(
        text_of(monitoring),
        [
            "- นายมารุต อุปนิสากร",
            "- นายสุวิทย์ งามนิตย์",
            "ดำเนินการ",
            "กำลังดำเนินการ",
            "ไม่ดำเนินการ",
            "ผู้แทนท้องถิ่น",
            "(นายพัชรุต อุปัติสาร)",
            "สำเนาถูกต้อง",
            "(นายมารุต อุปนิสากร)",
        ],
    )


def test_draft_docx_carries_the_seed_parts(world):
    import io

    from docx import Document

    from reports.exports import report_docx

    report = make_report(world, ReportKind.RESULTS, approve=False)
    report = _set(
        report,
        cover_page=True,
        cover_lines="กระทรวงศึกษาธิการ",
        summary="บทสรุปของรายงานฉบับนี้",
        show_grade_legend=True,
        distribution="นายมารุต อุปนิสากร",
        head_signature_label="ผู้บริหาร",
        certified_by_name="นางทวิกา บำรุงสวัสดิ์",
    )
    document = Document(io.BytesIO(report_docx(report)))
    texts = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert_in_order(
        "\n".join(texts),
        ["จึงเรียนมาเพื่อโปรดพิจารณา", "- นายมารุต อุปนิสากร", "กระทรวงศึกษาธิการ", "บทสรุป", "บทสรุปของรายงานฉบับนี้"],
    )
    assert_in_order("\n".join(texts), ["ผู้บริหาร", "สำเนาถูกต้อง", "(นางทวิกา บำรุงสวัสดิ์)"])
    assert "AA" in cells and "ไม่ผ่าน" in cells  # the legend's table


def test_a_new_version_keeps_the_seed_fields(world):
    report = make_report(world, ReportKind.MONITORING, measures=1)  # approved
    report = _set(report, status_columns="all", distribution="นายมารุต อุปนิสากร", certified_by_name="นายมารุต อุปนิสากร")
    new = services.report_update(report=report, actor=world.users["staff_a"], data={"summary": ""})
    assert new.pk != report.pk and new.version == report.version + 1
    assert (new.status_columns, new.distribution, new.certified_by_name) == ("all", "นายมารุต อุปนิสากร", "นายมารุต อุปนิสากร")


def test_old_source_data_without_parts_still_renders(world):
    """Renditions frozen before the seed fields have no ``parts``: they render as they did."""
    from reports.rendering import render_html

    report = make_report(world, ReportKind.QUARTERLY, measures=2, approve=False)
    source = build_source(report)
    source.pop("parts")
    for row in source["attachment"]["rows"]:
        row.pop("groups")
    html = render_html(source)
    assert 'class="group"' not in html and "สำเนาถูกต้อง" not in html and "ผู้บริหาร" not in html
