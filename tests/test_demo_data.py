"""The demo data set: idempotent, every demo role can log in, and the seeds' facts are in it."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import HttpRequest
from django.test import Client

from indicators.models import Assessment, Framework, IndicatorScore, Item
from ita_portal.agencies.models import Agency, Division, Membership, Role
from ita_portal.agencies.selectors import agencies_visible_to
from measures.models import FollowUp, FollowUpStatus, Measure, MeasureStep, ProgressUpdate, Weakness
from reports.models import Rendition, Report, ReportEvent

DEMO = settings.BASE_DIR / "fixtures" / "demo"
PASSWORD = json.loads((DEMO / "agencies.json").read_text(encoding="utf-8"))["password"]
BANGKOK = ZoneInfo("Asia/Bangkok")
MODELS = (Agency, Division, Membership, get_user_model(), Framework, Item, Assessment, IndicatorScore, Weakness, Measure)
MORE = (MeasureStep, ProgressUpdate, FollowUp, Report, Rendition, ReportEvent)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """The demo renders its reports' PDFs: keep the files out of the work tree."""
    settings.MEDIA_ROOT = tmp_path


def _load() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (*MODELS, *MORE)}


@pytest.mark.django_db
def test_load_demo_twice_gives_the_same_rows():
    _load()
    first = _counts()
    scores = dict(IndicatorScore.objects.values_list("pk", "score"))
    _load()
    assert _counts() == first
    assert dict(IndicatorScore.objects.values_list("pk", "score")) == scores
    assert first["Agency"] == 9 and first["Measure"] == 23 and first["FollowUp"] == 18
    assert (first["Report"], first["Rendition"]) == (4, 4)


@pytest.mark.django_db
def test_every_demo_role_can_log_in_and_the_logins_are_printed():
    output = _load()
    assert "ita-demo-2567" == PASSWORD
    users = json.loads((DEMO / "agencies.json").read_text(encoding="utf-8"))["users"]
    roles = {u["role"] for u in users}
    assert roles == {Role.STAFF, Role.DIRECTOR, Role.SUPERVISOR}
    for username in [u["username"] for u in users] + ["admin"]:
        assert username in output
        assert Client().login(request=HttpRequest(), username=username, password=PASSWORD), username
    assert not Client().login(request=HttpRequest(), username="sks_staff", password="wrong")
    assert get_user_model().objects.get(username="admin").is_superuser
    # The tree: the สพฐ. supervisor sees สพป.สมุทรสาคร but not ศธจ.ร้อยเอ็ด; the สป. supervisor the reverse.
    sks = Agency.objects.get(short_name="สพป.สมุทรสาคร")
    roiet = Agency.objects.get(short_name="ศธจ.ร้อยเอ็ด")
    obec = get_user_model().objects.get(username="obec_supervisor")
    ops = get_user_model().objects.get(username="ops_supervisor")
    assert sks in agencies_visible_to(obec) and roiet not in agencies_visible_to(obec)
    assert roiet in agencies_visible_to(ops) and sks not in agencies_visible_to(ops)
    assert sks.parent.name == "สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน"
    assert roiet.parent.name == "สำนักงานปลัดกระทรวงศึกษาธิการ"
    assert (sks.doc_prefix, roiet.doc_prefix, roiet.phone) == ("ศธ ๐๔๑๑๔", "ศธ ๐๒๑๐๒", "๐ ๔๓๖๒ ๔๐๙๓")
    staff = Membership.objects.get(user__username="sks_staff")
    assert (staff.full_name, staff.position_title, staff.division.name) == (
        "นางทวิกา บำรุงสวัสดิ์",
        "ศึกษานิเทศก์ชำนาญการพิเศษ",
        "กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา",
    )


@pytest.mark.django_db
def test_seed_001_scores_are_present_with_indicator_9_the_lowest():
    _load()
    assessment = Assessment.objects.get(agency__short_name="สพป.สมุทรสาคร", framework__fiscal_year=2565)
    scores = dict(assessment.indicator_scores.values_list("indicator__number", "score"))
    assert scores == {
        10: Decimal("100"),
        6: Decimal("96.04"),
        1: Decimal("95.67"),
        7: Decimal("94.40"),
        3: Decimal("93.91"),
        8: Decimal("93.79"),
        4: Decimal("90.22"),
        5: Decimal("89.66"),
        2: Decimal("88.69"),
        9: Decimal("86.28"),
    }
    assert min(scores, key=scores.get) == 9
    # Computed, never typed: weights 30/30/40 of the 2565 framework.
    assert (assessment.overall_score, assessment.grade, assessment.passed) == (Decimal("93.17"), "A", True)
    next_year = Assessment.objects.get(agency__short_name="สพป.สมุทรสาคร", framework__fiscal_year=2566)
    assert dict(next_year.indicator_scores.values_list("indicator__number", "score")) == {
        9: Decimal("92.50"),
        2: Decimal("94.54"),
    }
    assert next_year.overall_score is None


@pytest.mark.django_db
def test_seed_003_measures_and_meetings_and_seed_004_progress():
    _load()
    roiet = Agency.objects.get(short_name="ศธจ.ร้อยเอ็ด")
    measures = list(Measure.objects.filter(agency=roiet, fiscal_year=2567).order_by("order"))
    assert len(measures) == 7
    first = measures[0]
    assert first.issue_heading.startswith("ประเด็นที่ ๑.๑")
    assert first.steps.order_by("order").first().text == "แต่งตั้งคณะทำงานฯ ผู้รับผิดชอบการจัดทำคู่มือหรือมาตรฐานการปฏิบัติงาน"
    assert first.steps.count() == 5
    assert [i.code for i in first.items.all()] == ["O14"]
    assert (first.start_date, first.end_date) == (dt.date(2024, 5, 1), dt.date(2024, 7, 15))
    assert first.limitations == "- ไม่มี -"
    assert "ครั้งที่ ๔ ๑๕ ก.ค. ๒๕๖๗" in first.monitoring_approach
    procurement = next(m for m in measures if m.issue_heading.startswith("ประเด็นที่ ๑.๕"))
    assert [p.full_name for p in procurement.responsible_people.all()] == ["น.ส.พรรณี อินสำราญ"]  # as seed 003 types it
    assert measures[-1].limitations == "งบประมาณสนับสนุนการดำเนินงานไม่เพียงพอ"
    meetings = FollowUp.objects.filter(agency=roiet, fiscal_year=2567).order_by("starts_at")
    assert [f.starts_at.astimezone(BANGKOK).date() for f in meetings] == [
        dt.date(2024, 5, 30),
        dt.date(2024, 6, 15),
        dt.date(2024, 6, 30),
        dt.date(2024, 7, 15),
    ]
    sukhothai = ProgressUpdate.objects.filter(measure__agency__short_name="ศธจ.สุโขทัย")
    assert sukhothai.count() == 11
    assert sukhothai.filter(outcome__contains="๘๘.๓๗ คะแนน อยู่ในระดับ A").exists()
    calendar = FollowUp.objects.filter(agency__short_name="สพป.สมุทรสาคร", fiscal_year=2561)
    assert calendar.count() == 10
    assert set(calendar.values_list("status", flat=True)) == {FollowUpStatus.HELD}


@pytest.mark.django_db
def test_demo_reports_published_for_seed_003_and_a_draft_for_seed_000():
    _load()
    roiet = Agency.objects.get(short_name="ศธจ.ร้อยเอ็ด")
    sukhothai = Agency.objects.get(short_name="ศธจ.สุโขทัย")
    plan = Report.objects.get(agency=roiet, fiscal_year=2567)
    results = Report.objects.get(agency=sukhothai, fiscal_year=2566)
    assert [(r.kind, r.state, r.doc_number) for r in (plan, results)] == [
        ("measures_plan", "published", 1),
        ("results", "published", 1),
    ]
    for report in (plan, results):
        final = report.renditions.get(is_final=True)
        assert final.status == "done" and len(final.sha256) == 64 and final.pages >= 2
    assert [e.action for e in plan.events.order_by("at", "pk")] == ["create", "submit", "forward", "approve", "publish"]
    assert [e.action for e in results.events.order_by("at", "pk")] == ["create", "submit", "approve", "publish"]
    assert plan.approver_name == "นายอัมพร ภาระพันธ์" and plan.signer_name == "นางจุฑามาศ ช่อคง"
    # ศธจ.สุโขทัย allows its director to approve what he drafted (seed 004 has no other staff).
    assert results.approved_by == results.created_by and results.approver_name == "นายธวัชชัย ฟูหน้า"
    final_text = results.renditions.get(is_final=True).source_data
    assert "การเผยแพร่คู่มือหรือมาตรฐานการปฏิบัติงาน" in str(final_text)
    published = [plan]
    plan = published[0]
    assert plan.doc_date == dt.date(2024, 6, 7)
    assert plan.subject == "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ. 2567"
    # Issue 11: the ศธจ. answers สป.'s catalogue (seed 003's memo), and the director dates the
    # endorsement with the memo instead of the day the demo was loaded.
    assert plan.body.startswith("ตามที่ สำนักงานปลัดกระทรวงศึกษาธิการ กำหนดให้มีการประเมิน") and "ป.ป.ช." not in plan.body
    assert plan.endorsed_on == plan.doc_date
    endorsement = plan.renditions.get(is_final=True).source_data["memo"]["endorsement"]
    assert endorsement["date"] == "๗ มิถุนายน ๒๕๖๗"
    # Seed 001's overall 93.17 (2565) prints in a 2566 results report although 2566 has no overall.
    from reports.documents import kind_for
    from reports.documents.common import Fmt

    skn = Agency.objects.get(short_name="สพป.สมุทรสาคร")
    gathered = kind_for("results").gather(Report(agency=skn, fiscal_year=2566, kind="results"), Fmt(thai_digits=False))
    assert gathered["overall_lines"] == ["ผลการประเมินในภาพรวม ปีงบประมาณ พ.ศ. 2565 ได้คะแนน 93.17 อยู่ในระดับ A"]
    draft = Report.objects.get(agency__short_name="สพป.สมุทรสาคร", kind="monitoring")
    assert (draft.kind, draft.state, draft.fiscal_year, draft.doc_number) == ("monitoring", "draft", 2566, None)
    assert draft.renditions.get().status == "done"
    # The demo's public page lists both published documents with their hashes; the draft is not there.
    html = Client().get(f"/public/{roiet.code}/2567/").content.decode()
    for report in published:
        assert report.subject in html and report.renditions.get(is_final=True).sha256 in html
    sks = Client().get(f"/public/{draft.agency.code}/2566/")
    assert sks.status_code == 200 and draft.subject not in sks.content.decode()
    assert Client().get(f"/public/{roiet.code}/2567/{plan.series}.pdf").status_code == 200


@pytest.mark.django_db
def test_current_cycle_2568_2569_scores_2569_weaknesses_and_a_2570_plan_in_progress(client, time_machine):
    from measures.models import MeasureStatus

    time_machine.move_to(dt.datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("Asia/Bangkok")), tick=False)
    _load()
    skn = Assessment.objects.get(agency__code="OBEC-SKN-P", framework__fiscal_year=2569)
    assert skn.framework.items.count() == 26 and skn.item_results.filter(passed=False).count() == 2
    assert skn.overall_score is not None and skn.grade in ("AA", "A")
    assert Assessment.objects.filter(framework__fiscal_year=2568).count() == 2
    proposed = Weakness.objects.filter(agency__code="OBEC-SKN-P", fiscal_year=2570, is_proposed_by_system=True)
    assert {w.item.code for w in proposed if w.item} == {"O11", "O19"}
    plan = Measure.objects.filter(agency__code="OBEC-SKN-P", fiscal_year=2570)
    assert plan.count() == 2 and plan.filter(status=MeasureStatus.IN_PROGRESS).count() == 1
    assert plan.get(weakness__item__number=11).items.get().code == "O11"
    # `make run` on 2 Dec 2026 (FY 2570) opens on the current cycle for staff and supervisors alike.
    for username in ("sks_staff", "obec_supervisor", "moe_supervisor"):
        client.force_login(get_user_model().objects.get(username=username))
        assert client.get("/").context["year"] == 2570, username


@pytest.mark.django_db
def test_demo_plan_goes_through_the_hr_head_and_every_published_pdf_is_signed(tmp_path):
    import subprocess

    from tests.pdf_helpers import normalise_ws, pdftotext_text

    _load()
    roiet = Agency.objects.get(short_name="ศธจ.ร้อยเอ็ด")
    plan = Report.objects.get(agency=roiet, fiscal_year=2567)
    (step,) = plan.review_steps.all()
    assert (step.reviewer.username, step.reviewer_position, step.outcome) == (
        "roiet_hr_head",
        "ผู้อำนวยการกลุ่มบริหารงานบุคคล",
        "forward",
    )
    final = plan.renditions.get(is_final=True).file.read()
    text = normalise_ws(pdftotext_text(final)).replace(" ", "")
    for part in ("(นางจุฑามาศช่อคง)", "เพื่อโปรดทราบ", "(นายประเสริฐมั่นคง)", "ผู้อำนวยการกลุ่มบริหารงานบุคคล", "อนุญาต", "(นายอัมพรภาระพันธ์)"):
        assert part in text, part
    for report in Report.objects.filter(state="published"):
        path = tmp_path / f"{report.pk}.pdf"
        path.write_bytes(report.renditions.get(is_final=True).file.read())
        out = subprocess.run(["pdfsig", str(path)], capture_output=True).stdout.decode("utf-8", "replace")
        assert "Signature is Valid." in out and "Total document signed" in out, out
