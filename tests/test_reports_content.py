"""Issue 11 — content, dates and files of the five memo documents, each read back from the PDF
text (pdftotext) or the rendered page: digits kept inside URLs, digits per part, calendar
numbering, the memo number, the overall score, empty parts left out, linked meetings only, the
assessor of the year, names as typed, the endorsement date, the past-year confirmation, the
draft watermark and readable file names."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from indicators.models import Assessment, Assessor, IndicatorScore
from measures.models import FollowUp, Measure, MeasureStatus, ProgressUpdate
from reports import services
from reports.documents import build_source
from reports.documents.common import Fmt
from reports.models import Report, ReportKind, ReportState
from reports.rendering import render_html, render_source_pdf
from tests.conftest import assert_status
from tests.factories import FrameworkFactory, make_framework
from tests.factories_reports import make_demo_data
from tests.pdf_helpers import pdftotext_text

pytestmark = pytest.mark.django_db

URL = "https://drive.google.com/ita/2567/O42/evidence-01.pdf?id=12"
MAIL = "ita.2567@example.go.th"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _create(world, kind=ReportKind.RESULTS, year=2567, **data) -> Report:
    data.setdefault("doc_date", dt.date(2024, 6, 7))
    if kind == ReportKind.QUARTERLY:
        data.setdefault("quarter", 3)
    return services.report_create(agency=world.agency_a, year=year, kind=kind, actor=world.users["staff_a"], data=data)


def _approve(world, report: Report, **kwargs) -> Report:
    report = services.report_submit(report=report, actor=world.users["staff_a"])
    return services.report_approve(report=report, actor=world.users["director_a"], decision="อนุญาต", **kwargs)


def _pages(report: Report) -> list[str]:
    """Each page's text as poppler extracts it."""
    return pdftotext_text(render_source_pdf(build_source(report))).split("\f")


def _text(report: Report) -> str:
    return re.sub(r"[ \t]+", " ", "\n".join(_pages(report)))


# --- 1. digits: URLs, e-mails, file names and codes keep their characters; digits per part ---------


def test_digit_conversion_leaves_urls_mails_files_and_codes_alone():
    fmt = Fmt(thai_digits=True)
    text = f"หลักฐาน {URL} ส่ง {MAIL} ไฟล์ plan2567.docx รหัส ITA-2567-01 ครั้งที่ 3 ปี 2567"
    out = fmt.d(text)
    assert URL in out and MAIL in out and "plan2567.docx" in out and "ITA-2567-01" in out
    assert "ครั้งที่ ๓ ปี ๒๕๖๗" in out
    # Thai text typed straight after a link (no space, as Thai writes) is the document's again.
    assert fmt.d("ดูที่ www.example.go.th/ita/2567ปีงบประมาณ 2567") == "ดูที่ www.example.go.th/ita/2567ปีงบประมาณ ๒๕๖๗"
    # Thai digits typed into an Arabic-digit document are converted, the link typed with them is not.
    assert Fmt(thai_digits=False).d("ปี ๒๕๖๗ www.example.go.th/๒๕") == "ปี 2567 www.example.go.th/๒๕"


@pytest.mark.pdf
def test_thai_digit_pdf_keeps_the_evidence_link(world):
    make_demo_data(world.agency_a, 2567, measures=1)
    report = _create(world, body=f"ตามที่ ขอรายงานผล ปี 2567 หลักฐานที่ {URL} และติดต่อ {MAIL} นั้น", use_thai_digits=True)
    text = re.sub(r"\s+", "", _text(report))
    assert re.sub(r"\s+", "", URL) in text and MAIL in text
    assert "๒๕๖๗" in text and "/ita/๒๕๖๗/" not in text and "O๔๒" not in text


@pytest.mark.pdf
def test_thai_digit_memo_with_arabic_digit_tables(world):
    make_demo_data(world.agency_a, 2567, measures=1)
    report = _create(world, use_thai_digits=True, attachment_digits="arabic")
    source = build_source(report)
    assert source["thai_digits"] and not source["attachment_thai_digits"]
    pages = pdftotext_text(render_source_pdf(source)).split("\f")
    memo, attachment = pages[0], "\n".join(pages[1:])
    assert "๒๕๖๗" in memo and not re.search("[0-9]", memo)
    assert "76.28" in attachment and "๗๖.๒๘" not in attachment  # the score table in Arabic digits
    # The default follows the memo: the same report without the override prints Thai digits there.
    report.attachment_digits = ""
    assert "๗๖.๒๘" in "\n".join(pdftotext_text(render_source_pdf(build_source(report))).split("\f")[1:])


@pytest.mark.pdf
def test_the_agency_default_sets_a_new_reports_attachment_digits(world):
    """An agency whose tables print Arabic digits sets that once (agency_update, as its admin
    page does): each new report starts from it, and a report may still choose otherwise."""
    from ita_portal.agencies.services import agency_update

    make_demo_data(world.agency_a, 2567, measures=1)
    agency_update(agency=world.agency_a, use_thai_digits=True, attachment_digits="arabic")
    report = _create(world)
    assert report.attachment_digits == "arabic"
    attachment = "\n".join(_pages(report)[1:])
    assert "76.28" in attachment and "๗๖.๒๘" not in attachment
    overridden = _create(world, attachment_digits="thai")
    assert "๗๖.๒๘" in "\n".join(_pages(overridden)[1:])
    page = world.client_for("staff_a").get(
        reverse("reports:create", kwargs={"agency_id": world.agency_a.pk, "year": 2567, "kind": "results"})
    )
    assert re.search(r'<option value="arabic"[^>]*selected', page.content.decode())


def test_report_form_offers_the_attachment_digits(world):
    html = world.client_for("staff_a").get(
        reverse("reports:create", kwargs={"agency_id": world.agency_a.pk, "year": 2567, "kind": "results"})
    )
    assert html.status_code == 200
    assert 'name="attachment_digits"' in html.content.decode()


# --- 2. calendar numbering ---------------------------------------------------------------------------


@pytest.mark.pdf
def test_calendar_numbers_its_rows_once(world):
    tz = timezone.get_current_timezone()
    for n, agenda in enumerate(("1. เผยแพร่ข้อมูลต่อสาธารณะ\n2. เปิดเผยข้อมูลข่าวสาร", "3. ส่งเสริมการมีส่วนร่วม"), start=1):
        FollowUp.objects.create(
            agency=world.agency_a,
            fiscal_year=2561,
            number=n,
            title=f"กำกับ ติดตาม ครั้งที่ {n}",
            agenda=agenda,
            starts_at=dt.datetime(2018, n, 10, 9, 0, tzinfo=tz),
        )
    report = _create(world, kind=ReportKind.CALENDAR, year=2561, doc_date=dt.date(2018, 6, 15))
    rows = build_source(report)["attachment"]["rows"]
    assert [a for r in rows for a in r["activities"]] == [
        "๑. เผยแพร่ข้อมูลต่อสาธารณะ",
        "๒. เปิดเผยข้อมูลข่าวสาร",
        "๓. ส่งเสริมการมีส่วนร่วม",
    ]
    assert [r["lead"] for r in rows] == [["กำกับ ติดตาม ครั้งที่ ๑"], ["กำกับ ติดตาม ครั้งที่ ๒"]]  # unnumbered
    text = _text(report)
    assert not re.search(r"[๐-๙]+\.\s*[๐-๙0-9]+\.", text), "a number in front of a number"
    assert "๓. ส่งเสริมการมีส่วนร่วม" in text


# --- 3. the memo number -----------------------------------------------------------------------------


def test_memo_number_never_prints_bare(world):
    agency = world.agency_a
    agency.doc_prefix = ""
    agency.save()
    report = _approve(world, _create(world, kind=ReportKind.CALENDAR))
    number = build_source(report)["memo"]["number"]
    assert number != "๑" and number.endswith("/๑") and "...." in number  # a blank for the code, as seeds leave blanks
    report2 = _approve(world, _create(world, kind=ReportKind.CALENDAR, doc_prefix="ศธ ๐๔๑๑๔"))
    assert build_source(report2)["memo"]["number"] == "ศธ ๐๔๑๑๔/๒"


def test_report_form_asks_for_the_prefix_when_the_agency_has_none(world):
    agency = world.agency_a
    agency.doc_prefix = ""
    agency.save()
    url = reverse("reports:create", kwargs={"agency_id": agency.pk, "year": 2567, "kind": "calendar"})
    data = {
        "subject": "เรื่องทดสอบ",
        "addressee": "ผู้อำนวยการ",
        "body": "ตามที่ …",
        "closing": "จึงเรียนมาเพื่อโปรดพิจารณา",
        "use_thai_digits": "on",
    }
    client = world.client_for("staff_a")
    response = client.post(url, data)
    assert response.status_code == 200 and not Report.objects.filter(subject="เรื่องทดสอบ").exists()
    assert "กรุณาระบุ เช่น ศธ ๐๔๑๑๔" in response.content.decode()
    assert client.post(url, {**data, "doc_prefix": "ศธ ๐๔๑๑๔"}).status_code == 302
    assert Report.objects.get(subject="เรื่องทดสอบ").doc_prefix == "ศธ ๐๔๑๑๔"


# --- 4. the overall score of the year before ---------------------------------------------------------


@pytest.mark.pdf
def test_overall_score_prints_for_the_year_it_exists(world):
    """Seed 001: 2565's overall 93.17 is printed although 2566 has two indicator scores only."""
    agency = world.agency_a
    before, after = make_framework(2565), make_framework(2566)
    a_before = Assessment.objects.create(agency=agency, framework=before, overall_score=Decimal("93.17"), grade="A")
    for ind in before.indicators.all():
        IndicatorScore.objects.create(assessment=a_before, indicator=ind, score=Decimal("90"))
    a_after = Assessment.objects.create(agency=agency, framework=after, overall_score=None)
    for number, score in ((9, "92.50"), (2, "94.54")):
        IndicatorScore.objects.create(assessment=a_after, indicator=after.indicators.get(number=number), score=Decimal(score))
    report = _create(world, year=2566, doc_date=dt.date(2023, 9, 1), use_thai_digits=False)
    text = _text(report)
    assert "ผลการประเมินในภาพรวม ปีงบประมาณ พ.ศ. 2565 ได้คะแนน 93.17 อยู่ในระดับ A" in text


# --- 5. empty parts left out -------------------------------------------------------------------------


def _plain_measures(agency, year: int, count: int, **progress):
    for i in range(count):
        m = Measure.objects.create(agency=agency, fiscal_year=year, title=f"มาตรการทดสอบที่ {i + 1}", order=i)
        ProgressUpdate.objects.create(
            measure=m,
            reported_on=dt.date(year - 543, 6, 1),
            status=MeasureStatus.DONE,
            result_summary="ดำเนินการแล้ว",
            **(progress if i == 0 else {}),
        )


@pytest.mark.pdf
def test_results_leave_out_empty_money_tables(world):
    _plain_measures(world.agency_a, 2567, 11, obstacles="ระยะเวลาจำกัด")
    report = _create(world)
    money = build_source(report)["attachment"]["money"]
    assert len(money) == 1 and money[0]["obstacles"] == ["ระยะเวลาจำกัด"] and not money[0]["suggestions"]
    pages = _pages(report)
    text = "\n".join(pages[1:])  # the attachment
    assert "ไม่มี -" not in text and "ไม่ได้ใช้งบประมาณ" not in text
    assert "ระยะเวลาจำกัด" in text and "ข้อเสนอแนะ" not in [line.strip() for line in text.splitlines()]  # no empty row
    assert len([p for p in pages if p.strip()]) <= 3  # memo + the table, not 3.5 pages of "- ไม่มี -"


# --- 6. only linked meetings -------------------------------------------------------------------------


def test_measures_plan_lists_only_linked_meetings(world):
    agency = world.agency_a
    tz = timezone.get_current_timezone()
    linked, _alone = (Measure.objects.create(agency=agency, fiscal_year=2567, title=t, order=i) for i, t in enumerate("กข"))
    FollowUp.objects.create(
        agency=agency, fiscal_year=2567, number=1, measure=linked, starts_at=dt.datetime(2024, 5, 30, 9, tzinfo=tz)
    )
    FollowUp.objects.create(agency=agency, fiscal_year=2567, number=2, starts_at=dt.datetime(2024, 6, 15, 9, tzinfo=tz))
    rows = {
        r["improvement"][0]: r["monitoring"]
        for i in build_source(_create(world, kind="measures_plan"))["attachment"]["issues"]
        for r in i["rows"]
    }
    assert rows["ก"] == ["และประชุมติดตาม ดังนี้", "ครั้งที่ ๑ ๓๐ พ.ค. ๒๕๖๗"]
    assert rows["ข"] == []  # the plan's general meeting is not appended to a measure without one


# --- 7. the assessor of the year ---------------------------------------------------------------------


def test_memo_body_names_the_assessor_of_the_catalogue(world):
    national = make_framework(2566)
    report = _create(world, kind="measures_plan", year=2567)
    assert report.body.startswith("ตามที่ สำนักงาน ป.ป.ช. กำหนดให้มีการประเมินคุณธรรม")
    ops = FrameworkFactory(
        fiscal_year=2567,
        assessor=Assessor.objects.create(code="moe-ops", name="สำนักงานปลัดกระทรวงศึกษาธิการ"),
        name="การประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานในสังกัด สป. ประจำปีงบประมาณ พ.ศ. 2567 (ข้อมูลบางส่วน)",
    )
    item = make_framework(2566).items.first()
    assert item.framework == national
    ops_item = type(item).objects.create(
        framework=ops, indicator=item.indicator, kind=item.kind, number=34, title="มาตรการ", stable_key="ops-34"
    )
    m = Measure.objects.create(agency=world.agency_a, fiscal_year=2568, title="มาตรการ", order=0)
    m.items.add(ops_item)
    body = _create(world, kind="measures_plan", year=2568).body
    assert body.startswith(
        "ตามที่ สำนักงานปลัดกระทรวงศึกษาธิการ กำหนดให้มีการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานในสังกัด สป. ประจำปีงบประมาณ พ.ศ. 2568"
    )
    assert "ป.ป.ช." not in body


# --- 8. names as typed -------------------------------------------------------------------------------


@pytest.mark.pdf
def test_names_print_as_typed(world):
    """Seed 003 writes "น.ส.กมลนภา": the title is kept as the person typed it, never widened."""
    from ita_portal.agencies.models import Membership

    member = Membership.objects.get(user=world.users["staff_a"])
    member.name_title, member.first_name_th, member.last_name_th = "น.ส.", "กมลนภา", "อุตธรรมา"
    member.full_clean()  # a typed title is valid, not only นาย / นาง / นางสาว
    member.save()
    measure = Measure.objects.create(agency=world.agency_a, fiscal_year=2567, title="มาตรการ", order=0)
    measure.responsible_people.add(member)
    report = _create(world, kind=ReportKind.MEASURES_PLAN)
    assert report.signer_name == "น.ส.กมลนภา อุตธรรมา"
    text = re.sub(r"\s+", "", _text(report))
    assert text.count("น.ส.กมลนภาอุตธรรมา") >= 2 and "นางสาวกมลนภา" not in text  # the signer and the responsible


# --- 9. dates: the endorsement date, the past-year confirmation ---------------------------------------


@pytest.mark.pdf
def test_approver_dates_the_endorsement(world):
    report = _approve(world, _create(world, kind=ReportKind.CALENDAR), endorsed_on=dt.date(2024, 6, 10))
    assert report.endorsed_on == dt.date(2024, 6, 10)
    endorsement = build_source(report)["memo"]["endorsement"]
    assert endorsement["date"] == "๑๐ มิถุนายน ๒๕๖๗"
    # The endorsement closes the memo (its last page, before the attachment's title).
    pages = _pages(report)
    memo_end = next(k for k, page in enumerate(pages) if "ปฏิทินการกำกับ ติดตามการดำเนินงานการประเมิน" in page) - 1
    assert "๑๐ มิถุนายน ๒๕๖๗" in pages[memo_end]
    assert not any("๑๐ มิถุนายน ๒๕๖๗" in page for page in pages[memo_end + 1 :])


def test_endorsement_defaults_to_today_and_never_precedes_the_memo(world):
    today = timezone.localdate()
    report = _approve(world, _create(world, kind=ReportKind.CALENDAR, doc_date=today))
    assert report.endorsed_on == today
    early = services.report_submit(report=_create(world, kind=ReportKind.CALENDAR), actor=world.users["staff_a"])
    with pytest.raises(ValidationError) as exc:
        services.report_approve(report=early, actor=world.users["director_a"], endorsed_on=dt.date(2024, 6, 1))
    assert "วันที่สั่งการต้องไม่ก่อนวันที่ของบันทึกข้อความ" in " ".join(exc.value.messages)
    early.refresh_from_db()
    assert early.state == ReportState.SUBMITTED and early.doc_number is None


def test_past_year_needs_confirmation_in_the_service(world):
    report = services.report_submit(report=_create(world, kind=ReportKind.CALENDAR), actor=world.users["staff_a"])
    with pytest.raises(services.PastYearConfirmationNeeded):
        services.report_approve(report=report, actor=world.users["director_a"], confirm_past_year=False)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert services.is_past_year(report) and not services.is_past_year(Report(fiscal_year=2567), today=dt.date(2024, 6, 1))


def _action_url(report, action):
    return reverse(
        "reports:action", kwargs={"agency_id": report.agency_id, "year": report.fiscal_year, "pk": report.pk, "action": action}
    )


def test_approve_view_asks_before_approving_a_past_year(world, media, django_capture_on_commit_callbacks):
    report = services.report_submit(report=_create(world, kind=ReportKind.CALENDAR), actor=world.users["staff_a"])
    url = _action_url(report, "approve")
    data = {"decision": "อนุญาต", "endorsed_on": "10/6/2567"}
    refusals = {"anonymous": 302, "outsider": 404, "staff_b": 404, "director_b": 404, "supervisor": 403, "staff_a": 403}
    assert_status(world, url, refusals, method="post", data={**data, "confirm_past_year": "1"})
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    # The detail page says so beside the approve form; the director then gets the warning and a
    # form that keeps what was typed; nothing is approved.
    director = world.client_for("director_a")
    detail = director.get(reverse("reports:detail", kwargs={"agency_id": report.agency_id, "year": 2567, "pk": report.pk}))
    assert "ระบบจะขอให้ยืนยันก่อนอนุมัติ" in detail.content.decode() and 'name="endorsed_on"' in detail.content.decode()
    response = director.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and "ซึ่งสิ้นสุดแล้ว กรุณายืนยันการอนุมัติอีกครั้ง" in html
    assert 'name="confirm_past_year"' in html and 'value="10/06/2567"' in html
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.doc_number is None
    # A date before the memo's is refused in Thai.
    response = director.post(url, {**data, "endorsed_on": "1/6/2567", "confirm_past_year": "1"}, follow=True)
    assert "วันที่สั่งการต้องไม่ก่อนวันที่ของบันทึกข้อความ" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert director.post(url, {**data, "confirm_past_year": "1"}).status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED and report.endorsed_on == dt.date(2024, 6, 10)


def test_current_year_is_approved_without_a_question(world, media, django_capture_on_commit_callbacks):
    from ita_portal import thai

    year = thai.fiscal_year_of(timezone.localdate())
    report = services.report_submit(
        report=_create(world, kind=ReportKind.CALENDAR, year=year, doc_date=timezone.localdate()), actor=world.users["staff_a"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert world.client_for("director_a").post(_action_url(report, "approve"), {"decision": "ทราบ"}).status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED and report.endorsed_on == timezone.localdate()


# --- 10. drafts and files ----------------------------------------------------------------------------


@pytest.mark.pdf
def test_drafts_carry_the_watermark_and_approved_renditions_never(world):
    report = _create(world, kind=ReportKind.CALENDAR)
    draft = build_source(report)
    assert draft["draft"] and 'class="draft-mark"' in render_html(draft)
    assert all("ร่าง" in page for page in pdftotext_text(render_source_pdf(draft)).split("\f") if page.strip())
    approved = build_source(_approve(world, report))
    assert not approved["draft"] and "draft-mark" not in render_html(approved)
    assert "ร่าง" not in pdftotext_text(render_source_pdf(approved))


def test_downloaded_files_have_readable_names(world, media, django_capture_on_commit_callbacks):
    report = _create(world, kind=ReportKind.CALENDAR)
    client = world.client_for("staff_a")
    kwargs = {"agency_id": report.agency_id, "year": report.fiscal_year, "pk": report.pk}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:render", kwargs=kwargs))
    rendition = report.renditions.get()
    response = client.get(reverse("reports:rendition_file", kwargs={**kwargs, "rid": rendition.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="calendar-A0001-2567-v1.pdf"'
    assert str(report.series) not in response["Content-Disposition"]


def test_public_and_word_files_have_readable_names(world, media, django_capture_on_commit_callbacks):
    from reports.models import Rendition

    report = _create(world, kind=ReportKind.CALENDAR)
    kwargs = {"agency_id": report.agency_id, "year": report.fiscal_year, "pk": report.pk}
    docx = world.client_for("staff_a").get(reverse("reports:docx", kwargs=kwargs))
    assert docx.status_code == 200
    assert docx["Content-Disposition"] == 'attachment; filename="calendar-A0001-2567-v1-draft.docx"'
    with django_capture_on_commit_callbacks(execute=True):
        report = _approve(world, report)
    services.report_publish(report=report, actor=world.users["director_a"])
    assert Rendition.objects.get(report=report, is_final=True).status == "done"
    public = world.client_for("anonymous").get(f"/public/{report.agency.code}/2567/{report.series}.pdf")
    assert public.status_code == 200 and public["Content-Disposition"] == 'inline; filename="calendar-A0001-2567-v1.pdf"'
