"""Every measures view for every role (302 anonymous, 404 across agencies, 403 read-only writes),
evidence downloads, invalid submissions keeping what was typed, and the htmx step fragments."""

from __future__ import annotations

import datetime as dt

import pytest

from measures import services
from measures.models import Evidence, FollowUp, Measure, MeasureStep, ProgressUpdate
from tests.conftest import READERS_OF_A, assert_status
from tests.factories import bkk
from tests.factories_measures import PDF_BYTES, upload

pytestmark = pytest.mark.django_db

READ = READERS_OF_A
WRITE_FORM = {**READ, "supervisor": 403}
REFUSED_POST = {"anonymous": 302, "outsider": 404, "staff_b": 404, "director_b": 404, "supervisor": 403}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def data(world, time_machine):
    time_machine.move_to(bkk(2024, 5, 20, 9))
    a = world.agency_a
    measure = services.measure_create(agency=a, fiscal_year=2567, title="จัดทำคู่มือการปฏิบัติงาน", steps=["ก", "ข"])
    progress = services.progress_record(measure=measure, reported_on=dt.date(2024, 6, 30), status="in_progress")
    evidence = services.evidence_add_file(measure=measure, upload=upload("คู่มือ.pdf", PDF_BYTES), progress=progress)
    followup = services.followup_create(agency=a, fiscal_year=2567, measure=measure, starts_at=bkk(2024, 6, 14, 9))
    base = f"/measures/a/{a.pk}/2567/"
    m = f"{base}m/{measure.pk}/"
    step = measure.steps.first()
    return {
        "measure": measure,
        "progress": progress,
        "evidence": evidence,
        "followup": followup,
        "step": step,
        "base": base,
        "m": m,
    }


def test_read_pages(world, data):
    base, m = data["base"], data["m"]
    for url in (
        base,
        m,
        base + "followups/",
        base + "followups/calendar/",
        base + "followups/calendar/?month=2567-06",
        f"{base}evidence/{data['evidence'].pk}/download/",
    ):
        assert_status(world, url, READ)


def test_write_forms(world, data):
    base, m = data["base"], data["m"]
    f = data["followup"].pk
    for url in (
        base + "new/",
        m + "edit/",
        m + "progress/new/",
        f"{m}progress/{data['progress'].pk}/edit/",
        f"{m}steps/{data['step'].pk}/edit/",
        base + "followups/new/",
        base + "followups/generate/",
        f"{base}followups/{f}/edit/",
        f"{base}followups/{f}/minutes/",
    ):
        assert_status(world, url, WRITE_FORM)


def test_write_posts(world, data):
    base, m, step = data["base"], data["m"], data["step"]
    f = data["followup"].pk
    invalid_form = {**READ, "supervisor": 403}  # allowed roles see the form again (200)
    redirect = {**READ, "staff_a": 302, "director_a": 302, "superuser": 302, "supervisor": 403}
    for url, expected in (
        (base + "new/", invalid_form),
        (m + "edit/", invalid_form),
        (m + "progress/new/", invalid_form),
        (f"{m}progress/{data['progress'].pk}/edit/", invalid_form),
        (base + "followups/new/", invalid_form),
        (base + "followups/generate/", invalid_form),
        (f"{base}followups/{f}/edit/", invalid_form),
        (m + "steps/add/", redirect),
        (f"{m}steps/{step.pk}/toggle/", redirect),
        (f"{m}steps/{step.pk}/move/down/", redirect),
        (m + "steps/reorder/", redirect),
        (m + "evidence/add/", redirect),
        (f"{base}followups/{f}/minutes/", redirect),
        (f"{base}followups/{f}/cancel/", redirect),
    ):
        assert_status(world, url, expected, method="post")
    assert not Measure.objects.exclude(pk=data["measure"].pk).exists()


@pytest.mark.parametrize("what", ["measure", "progress", "evidence", "step"])
def test_destructive_posts(world, data, what):
    base, m = data["base"], data["m"]
    url = {
        "measure": m + "delete/",
        "progress": f"{m}progress/{data['progress'].pk}/delete/",
        "evidence": f"{base}evidence/{data['evidence'].pk}/delete/",
        "step": f"{m}steps/{data['step'].pk}/remove/",
    }[what]
    model = {"measure": Measure, "progress": ProgressUpdate, "evidence": Evidence, "step": MeasureStep}[what]
    obj = data[what]
    assert_status(world, url, REFUSED_POST, method="post")
    assert model.objects.filter(pk=obj.pk).exists()
    assert world.client_for("director_a").post(url).status_code == 302
    assert not model.objects.filter(pk=obj.pk).exists()


def test_get_on_post_only_views_is_refused(world, data):
    client = world.client_for("staff_a")
    assert client.get(data["m"] + "delete/").status_code == 405
    assert Measure.objects.filter(pk=data["measure"].pk).exists()


def test_personal_pages(world, data):
    for url in ("/measures/mine/", "/measures/calendar-feeds/"):
        assert_status(world, url, {role: (302 if role == "anonymous" else 200) for role in READ})


def test_measure_lists_link_each_measure_to_its_own_page(world, data):
    """The overview and "my measures" link every row to its measure's page (the links are made in
    the view from one reverse per agency and year), across agencies and years."""
    import re

    from django.urls import reverse

    staff_a = world.users["staff_a"].memberships.get()
    mine = [
        services.measure_create(
            agency=world.agency_a, fiscal_year=year, title=f"มาตรการของฉัน {year}", responsible_people=[staff_a]
        )
        for year in (2567, 2568)
    ]
    client = world.client_for("staff_a")
    overview = client.get(data["base"]).content.decode()
    for measure in Measure.objects.filter(agency=world.agency_a, fiscal_year=2567):
        assert f'href="{reverse("measures:measure_detail", args=[world.agency_a.pk, 2567, measure.pk])}"' in overview
    listed = re.findall(r'href="(/measures/a/\d+/\d+/m/\d+/)"', client.get("/measures/mine/").content.decode())
    assert set(listed) == {reverse("measures:measure_detail", args=[m.agency_id, m.fiscal_year, m.pk]) for m in mine}


def test_evidence_download_is_the_file_never_media_url(world, data, settings):
    response = world.client_for("supervisor").get(f"{data['base']}evidence/{data['evidence'].pk}/download/")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF_BYTES
    page = world.client_for("staff_a").get(data["m"]).content.decode()
    assert "/download/" in page and settings.MEDIA_URL + "evidence" not in page and "/media/" not in page
    # Evidence of agency A asked through agency B's URL is not found.
    other = f"/measures/a/{world.agency_b.pk}/2567/evidence/{data['evidence'].pk}/download/"
    assert world.client_for("staff_b").get(other).status_code == 404


def test_invalid_measure_form_keeps_everything_typed(world, data):
    response = world.client_for("staff_a").post(
        data["base"] + "new/",
        {
            "title": "ปรับปรุงข้อมูลผู้บริหารให้เป็นปัจจุบัน",
            "issue_heading": "ประเด็นที่ ๑.๓ ช่องทางและรูปแบบการประชาสัมพันธ์",
            "steps_text": "๑. จัดทำและรวบรวมข้อมูลผู้บริหาร\n๒. เผยแพร่บนเว็บไซต์",
            "start_date": "1/5/2024",
            "end_date": "๑๕/๐๗/๒๕๖๗",
            "budget_planned": "-5",
            "limitations": "- ไม่มี -",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "กรุณาแก้ไขข้อมูลที่ไม่ถูกต้องด้านล่าง" in html
    assert "ปี 2024 เป็นปีคริสต์ศักราช" in html and "จำนวนเงินต้องไม่ติดลบ" in html
    for typed in (
        "ปรับปรุงข้อมูลผู้บริหารให้เป็นปัจจุบัน",
        "ประเด็นที่ ๑.๓",
        "๒. เผยแพร่บนเว็บไซต์",
        'value="1/5/2024"',
        'value="๑๕/๐๗/๒๕๖๗"',
        'value="-5"',
        "- ไม่มี -",
    ):
        assert typed in html
    assert Measure.objects.count() == 1


def test_create_measure_from_weakness_prefills(world):
    from tests.factories import WeaknessFactory

    weakness = WeaknessFactory(agency=world.agency_a, title="๐๒ ข้อมูลผู้บริหาร ข้อมูลยังไม่ครบถ้วน")
    html = world.client_for("staff_a").get(f"/measures/a/{world.agency_a.pk}/2567/new/?weakness={weakness.pk}").content.decode()
    assert "๐๒ ข้อมูลผู้บริหาร ข้อมูลยังไม่ครบถ้วน</textarea>" in html
    assert world.client_for("staff_a").get(f"/measures/a/{world.agency_a.pk}/2567/new/?weakness=999999").status_code == 404
    other = WeaknessFactory(agency=world.agency_b)
    assert world.client_for("staff_a").get(f"/measures/a/{world.agency_a.pk}/2567/new/?weakness={other.pk}").status_code == 404


def test_htmx_step_fragments(world, data):
    client = world.client_for("staff_a")
    m, step = data["m"], data["step"]
    hx = {"HTTP_HX_REQUEST": "true"}
    added = client.post(m + "steps/add/", {"text": "เผยแพร่บนเว็บไซต์ ศธจ.ร้อยเอ็ด", "due_date": "15/7/2567"}, **hx)
    html = added.content.decode()
    assert (added.status_code == 200 and html.startswith('\n<div id="steps-block">')) or 'id="steps-block"' in html[:200]
    # The fragment follows its page's digit rule (the agency's: Thai digits).
    assert "<html" not in html and "เผยแพร่บนเว็บไซต์ ศธจ.ร้อยเอ็ด" in html and "๑๕ ก.ค. ๒๕๖๗" in html
    invalid = client.post(m + "steps/add/", {"text": "", "due_date": "15/7/2024"}, **hx).content.decode()
    assert "กรุณาระบุขั้นตอน" in invalid and "ปีคริสต์ศักราช" in invalid and 'value="15/7/2024"' in invalid
    toggled = client.post(f"{m}steps/{step.pk}/toggle/", **hx).content.decode()
    assert "เสร็จแล้ว ๑ จาก ๓ ขั้นตอน" in toggled
    client.post(f"{m}steps/{step.pk}/move/down/", **hx)
    assert list(data["measure"].steps.order_by("order").values_list("text", flat=True))[:2] == ["ข", "ก"]
    ids = list(data["measure"].steps.order_by("-order").values_list("pk", flat=True))
    client.post(m + "steps/reorder/", {"step": ids}, **hx)
    assert list(data["measure"].steps.order_by("order").values_list("pk", flat=True)) == ids
    form = client.get(f"{m}steps/{step.pk}/edit/", **hx).content.decode()
    assert "<form" in form and ">ก</textarea>" in form
    client.post(f"{m}steps/{step.pk}/edit/", {"text": "ก (แก้ไข)", "due_date": ""}, **hx)
    step.refresh_from_db()
    assert step.text == "ก (แก้ไข)"


def test_step_links_are_each_steps_own_routes_on_the_page_and_in_the_fragment(world, data):
    """Each step's tick, move, edit and remove links (made in the view from one reverse per kind)
    point at that step's own routes, on the measure page and in the htmx fragment."""
    import re

    from django.urls import reverse

    client = world.client_for("staff_a")
    measure, m = data["measure"], data["m"]
    steps = list(measure.steps.order_by("order", "pk"))
    page = client.get(m).content.decode()
    fragment = client.post(f"{m}steps/{steps[0].pk}/toggle/", HTTP_HX_REQUEST="true").content.decode()
    args = (measure.agency_id, measure.fiscal_year, measure.pk)
    for html in (page, fragment):
        block = html[html.index('id="steps-block"') :]
        for n, step in enumerate(steps):
            item = re.search(rf'<li [^>]*id="step-{step.pk}".*?</li>', block, re.S).group(0)
            wanted = {
                reverse("measures:step_toggle", args=(*args, step.pk)),
                reverse("measures:step_edit", args=(*args, step.pk)),
                reverse("measures:step_remove", args=(*args, step.pk)),
            }
            if n > 0:
                wanted.add(reverse("measures:step_move", args=(*args, step.pk, "up")))
            if n < len(steps) - 1:
                wanted.add(reverse("measures:step_move", args=(*args, step.pk, "down")))
            assert set(re.findall(r'(?:hx-post|hx-get|action)="([^"]+)"', item)) == wanted


def test_progress_post_with_files_and_status(world, data):
    client = world.client_for("staff_a")
    response = client.post(
        data["m"] + "progress/new/",
        {
            "reported_on": "๑๕/๐๗/๒๕๖๗",
            "status": "done",
            "result_summary": "ดำเนินการจัดทำคู่มือการปฏิบัติงานของแต่ละกลุ่มงาน",
            "outcome": "มีคู่มือการปฏิบัติงาน และบุคลากรได้รับทราบแนวปฏิบัติ",
            "budget_spent": "0",
            "files": [upload("ภาพ.pdf", PDF_BYTES)],
            "links_text": "https://www.example.go.th/manual คู่มือ",
        },
    )
    assert response.status_code == 302
    measure = Measure.objects.get(pk=data["measure"].pk)
    assert measure.status == "done"
    latest = measure.progress_updates.order_by("-reported_on").first()
    assert latest.reported_on == dt.date(2024, 7, 15)
    assert latest.evidence.count() == 2


def test_disguised_upload_refused_in_browser_form(world, data):
    from tests.factories_measures import EXE_BYTES

    response = world.client_for("staff_a").post(
        data["m"] + "progress/new/",
        {"reported_on": "15/7/2567", "status": "done", "result_summary": "สรุปผล", "files": [upload("setup.pdf", EXE_BYTES)]},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "setup.pdf: ไฟล์นี้ไม่ใช่ชนิดที่รับได้" in html and "สรุปผล</textarea>" in html
    assert Evidence.objects.count() == 1


def test_generator_preview_then_create(world, data, time_machine):
    client = world.client_for("staff_a")
    url = data["base"] + "followups/generate/"
    form = {
        "start": "30/5/2567",
        "end": "15/7/2567",
        "mode": "every",
        "every_days": "15",
        "weekdays_only": "on",
        "start_time": "09:00",
    }
    preview = client.post(url, {**form, "action": "preview"}).content.decode()
    assert "เลื่อนจากวันหยุด 29 มิ.ย. 2567" in preview and "๑ กรกฎาคม ๒๕๖๗" in preview and "๑๕ กรกฎาคม ๒๕๖๗" in preview
    assert FollowUp.objects.filter(measure=None).count() == 0
    assert client.post(url, {**form, "action": "create"}).status_code == 302
    days = [timezone_date(f.starts_at) for f in FollowUp.objects.filter(measure=None).order_by("number")]
    assert days == [dt.date(2024, 5, 30), dt.date(2024, 6, 14), dt.date(2024, 7, 1), dt.date(2024, 7, 15)]


def timezone_date(moment):
    from django.utils import timezone

    return timezone.localtime(moment).date()


def test_calendar_shows_be_month_and_meetings(world, data):
    html = world.client_for("staff_a").get(data["base"] + "followups/calendar/?month=2567-06").content.decode()
    assert "มิถุนายน ๒๕๖๗" in html  # the agency's digits (Thai), as the whole page
    assert 'data-date="2024-06-14"' in html and "ครั้งที่ ๑" in html
    world.agency_a.use_thai_digits = False
    world.agency_a.save()
    html = world.client_for("staff_a").get(data["base"] + "followups/calendar/?month=2567-06").content.decode()
    assert "มิถุนายน 2567" in html and "ครั้งที่ 1" in html and "ครั้งที่ ๑" not in html


def test_overview_filters_and_overdue(world, data, time_machine):
    from ita_portal.agencies.models import Division

    time_machine.move_to(bkk(2024, 8, 1, 9))
    a = world.agency_a
    division = Division.objects.get(agency=a)
    services.measure_update(measure=data["measure"], end_date=dt.date(2024, 7, 15), responsible_divisions=[division])
    services.measure_create(agency=a, fiscal_year=2567, title="มาตรการที่เสร็จแล้ว", end_date=dt.date(2024, 7, 1))
    client = world.client_for("staff_a")
    html = client.get(data["base"]).content.decode()
    assert "m-overdue" in html and html.count("เลยกำหนด") >= 2
    only = client.get(data["base"] + f"?division={division.pk}").content.decode()
    assert "จัดทำคู่มือการปฏิบัติงาน" in only and "มาตรการที่เสร็จแล้ว" not in only
    by_status = client.get(data["base"] + "?status=not_started").content.decode()
    assert "มาตรการที่เสร็จแล้ว" in by_status and "จัดทำคู่มือการปฏิบัติงาน" not in by_status


def test_my_measures_lists_own_across_agencies(world, data):
    from ita_portal.agencies.models import Membership

    staff = Membership.objects.get(user=world.users["staff_a"])
    services.measure_update(measure=data["measure"], responsible_people=[staff])
    html = world.client_for("staff_a").get("/measures/mine/").content.decode()
    assert "จัดทำคู่มือการปฏิบัติงาน" in html
    assert "จัดทำคู่มือการปฏิบัติงาน" not in world.client_for("staff_b").get("/measures/mine/").content.decode()


def test_measure_page_names_next_plan_meeting(world, data):
    services.followup_create(agency=world.agency_a, fiscal_year=2567, starts_at=bkk(2024, 5, 30, 13, 30))
    html = world.client_for("staff_a").get(data["m"]).content.decode()
    assert "ประชุมติดตามของทั้งแผนครั้งถัดไป: ครั้งที่ ๑ ๓๐ พ.ค. ๒๕๖๗ เวลา ๑๓.๓๐ น." in html


def test_weakness_page_turns_a_weakness_into_a_measure(world):
    from tests.factories import WeaknessFactory

    weakness = WeaknessFactory(agency=world.agency_a, fiscal_year=2568, title="๐๒ ข้อมูลผู้บริหาร ข้อมูลยังไม่ครบถ้วน")
    page = f"/scores/a/{world.agency_a.pk}/2567/weaknesses/"
    # Weaknesses of the 2567 results become measures of the 2568 plan.
    link = f'href="/measures/a/{world.agency_a.pk}/2568/new/?weakness={weakness.pk}"'
    assert link in world.client_for("staff_a").get(page).content.decode()
    # Readers who may not write (the supervisor) see no such button.
    response = world.client_for("supervisor").get(page)
    assert response.status_code == 200 and link not in response.content.decode()
    form = world.client_for("staff_a").get(f"/measures/a/{world.agency_a.pk}/2568/new/?weakness={weakness.pk}").content.decode()
    assert "๐๒ ข้อมูลผู้บริหาร ข้อมูลยังไม่ครบถ้วน</textarea>" in form
