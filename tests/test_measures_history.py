"""Who changed what and when: the measure page shows the django-simple-history trail of the
measure, its steps, meetings and progress with Thai field names; the admin has it too."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from measures import selectors, services
from tests.factories import bkk

pytestmark = pytest.mark.django_db


def test_history_on_measure_page(world, time_machine):
    time_machine.move_to(bkk(2024, 5, 20, 9))
    a = world.agency_a
    client = world.client_for("staff_a")
    # Changes made through the pages record the logged-in user (HistoryRequestMiddleware).
    client.post(
        f"/measures/a/{a.pk}/2567/new/",
        {"title": "จัดทำคู่มือ", "budget_planned": "0", "steps_text": "แต่งตั้งคณะทำงาน", "start_date": "1/5/2567"},
    )
    measure = a.measures.get()
    base = f"/measures/a/{a.pk}/2567/m/{measure.pk}/"
    response = client.post(
        base + "edit/",
        {"title": "จัดทำคู่มือหรือมาตรฐานการปฏิบัติงาน", "budget_planned": "5000", "start_date": "1/5/2567", "end_date": "15/7/2567"},
    )
    assert response.status_code == 302
    step = measure.steps.get()
    client.post(f"{base}steps/{step.pk}/toggle/")
    services.followup_create(agency=a, fiscal_year=2567, measure=measure, starts_at=bkk(2024, 6, 14, 9))
    services.progress_record(measure=measure, reported_on=dt.date(2024, 6, 30), status="done", budget_spent=Decimal("100"))

    # An agency writing Arabic digits (the page follows its setting; see tests/test_digit_rule.py).
    a.use_thai_digits = False
    a.save()
    html = client.get(base).content.decode()
    assert "ประวัติการแก้ไข" in html
    assert "ชื่อมาตรการ: <del>จัดทำคู่มือ</del> → <ins>จัดทำคู่มือหรือมาตรฐานการปฏิบัติงาน</ins>" in html
    assert "งบประมาณที่วางแผน (บาท): <del>0.00</del> → <ins>5000.00</ins>" in html
    assert "วันสิ้นสุด: <del>—</del> → <ins>15/7/2567</ins>" in html
    assert "เสร็จแล้ว: <del>ไม่ใช่</del> → <ins>ใช่</ins>" in html
    assert "สร้าง การกำกับติดตาม ครั้งที่ 1" in html
    assert "สร้าง ความก้าวหน้า 30/6/2567" in html
    assert "นางทดสอบ" in html  # the Thai name of the user who made the change (from the request)
    a.use_thai_digits = True
    a.save()
    html = client.get(base).content.decode()
    assert "สร้าง การกำกับติดตาม ครั้งที่ ๑" in html and "วันสิ้นสุด: <del>—</del> → <ins>๑๕/๗/๒๕๖๗</ins>" in html


def test_history_entries_are_newest_first_and_skip_noise(world, time_machine):
    time_machine.move_to(bkk(2024, 5, 20, 9))
    measure = services.measure_create(agency=world.agency_a, fiscal_year=2567, title="ก")
    time_machine.move_to(bkk(2024, 5, 21, 9))
    services.measure_update(measure=measure, title="ข")
    time_machine.move_to(bkk(2024, 5, 22, 9))
    services.measure_update(measure=measure, title="ข")  # saved without a change: no entry
    entries = selectors.measure_history(measure)
    assert [(e.action, e.changes) for e in entries] == [("แก้ไข", [("ชื่อมาตรการ", "ก", "ข")]), ("สร้าง", [])]


def test_admin_history_page(world):
    measure = services.measure_create(agency=world.agency_a, fiscal_year=2567, title="ก")
    services.measure_update(measure=measure, title="ข")
    response = world.client_for("superuser").get(f"/admin/measures/measure/{measure.pk}/history/")
    assert response.status_code == 200
    assert "ข" in response.content.decode()


def test_generated_meetings_each_named_by_their_own_number(world, time_machine):
    """Eight generated meetings: eight history entries, ครั้งที่ 1 … 8, not eight times ครั้งที่ 1
    (the numbers are set after each save by an update that leaves no history row)."""
    time_machine.move_to(bkk(2024, 5, 1, 9))
    a = world.agency_a
    measure = services.measure_create(agency=a, fiscal_year=2567, title="ประชุมติดตาม")
    created = services.followups_generate(
        agency=a,
        fiscal_year=2567,
        measure=measure,
        start=dt.date(2024, 6, 3),
        end=dt.date(2024, 7, 26),
        start_time=dt.time(9, 0),
        every_days=7,
        user=world.users["staff_a"],
    )
    assert len(created) == 8
    labels = [e.what for e in selectors.measure_history(measure) if e.what.startswith("การกำกับติดตาม")]
    assert sorted(labels) == sorted(f"การกำกับติดตาม ครั้งที่ {n}" for n in range(1, 9))
    thai = [e.what for e in selectors.measure_history(measure, thai_digits=True) if e.what.startswith("การกำกับติดตาม")]
    assert sorted(thai) == sorted(f"การกำกับติดตาม ครั้งที่ {n}" for n in "๑๒๓๔๕๖๗๘")
    # A meeting added before the others renumbers them: the history follows the numbers of now.
    services.followup_create(agency=a, fiscal_year=2567, measure=measure, starts_at=bkk(2024, 5, 20, 9))
    labels = [e.what for e in selectors.measure_history(measure) if e.what.startswith("การกำกับติดตาม")]
    assert sorted(labels) == sorted(f"การกำกับติดตาม ครั้งที่ {n}" for n in range(1, 10))


def test_history_names_the_person_with_position_and_falls_back_to_username(world, time_machine):
    from tests.factories import UserFactory

    time_machine.move_to(bkk(2024, 5, 20, 9))
    a = world.agency_a
    staff = world.users["staff_a"]
    member = staff.memberships.get(agency=a)
    measure = services.measure_create(agency=a, fiscal_year=2567, title="ก")
    nobody = UserFactory(username="roiet_staff", first_name="", last_name="")
    meeting = services.followup_create(agency=a, fiscal_year=2567, measure=measure, starts_at=bkk(2024, 6, 14, 9))
    # Who saved is what the request's middleware records; set here as it would have been.
    measure.history.update(history_user=staff)
    meeting.history.update(history_user=nobody)
    page = world.client_for("staff_a").get(f"/measures/a/{a.pk}/2567/m/{measure.pk}/").content.decode()
    history = page[page.index('id="h-history"') :]
    assert f"{member.full_name} (นักวิเคราะห์นโยบายและแผนชำนาญการ) · สร้าง มาตรการ" in history
    # A user the agency does not list is named by the account, the only name there is.
    assert "roiet_staff · สร้าง การกำกับติดตาม" in history


def test_history_is_english_in_english_mode(world, time_machine, settings):
    time_machine.move_to(bkk(2024, 5, 20, 9))
    a = world.agency_a
    client = world.client_for("staff_a")
    client.post(f"/measures/a/{a.pk}/2567/new/", {"title": "จัดทำคู่มือ", "budget_planned": "0", "start_date": "1/5/2567"})
    measure = a.measures.get()
    client.post(
        f"/measures/a/{a.pk}/2567/m/{measure.pk}/edit/",
        {"title": "จัดทำคู่มือใหม่", "budget_planned": "0", "start_date": "1/5/2567"},
    )
    services.followup_create(agency=a, fiscal_year=2567, measure=measure, starts_at=bkk(2024, 6, 14, 9))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/measures/a/{a.pk}/2567/m/{measure.pk}/").content.decode()
    history = page[page.index('id="h-history"') :]
    assert "Created follow-up meeting no. 1" in history
    assert "Edited measure" in history
    # Field names are English, the data (the measure's Thai title) stays as typed.
    assert "Measure name: <del>จัดทำคู่มือ</del> → <ins>จัดทำคู่มือใหม่</ins>" in history
    assert "สร้าง" not in history and "แก้ไข มาตรการ" not in history


def test_history_is_paged_newest_first_with_links_both_ways(world, time_machine):
    """25 changes: page 1 shows the newest 20 and links to older entries; page 2 the oldest 5 and
    links back; a bad page number gives the first page, a too-large one the last."""
    time_machine.move_to(bkk(2024, 5, 1, 9))
    a = world.agency_a
    measure = services.measure_create(agency=a, fiscal_year=2567, title="ชื่อ 0")
    for i in range(1, 25):
        time_machine.move_to(bkk(2024, 5, 1, 9) + dt.timedelta(hours=i))
        services.measure_update(measure=measure, title=f"ชื่อ {i}")
    a.use_thai_digits = False
    a.save()
    client = world.client_for("staff_a")
    base = f"/measures/a/{a.pk}/2567/m/{measure.pk}/"

    def history(query=""):
        html = client.get(base + query).content.decode()
        section = html[html.index('id="h-history"') :]
        return section[: section.index("</section>")]

    first = history()
    assert first.count('class="list-group-item"') == selectors.HISTORY_PAGE
    assert "<ins>ชื่อ 24</ins>" in first and "<ins>ชื่อ 5</ins>" in first and "<ins>ชื่อ 4</ins>" not in first
    assert "?history=2#history" in first and "?history=0" not in first
    second = history("?history=2")
    assert second.count('class="list-group-item"') == 5
    assert "<ins>ชื่อ 4</ins>" in second and "สร้าง มาตรการ" in second and "<ins>ชื่อ 5</ins>" not in second
    assert "?history=1#history" in second and "?history=3" not in second
    assert history("?history=x") == first
    assert history("?history=9") == second
