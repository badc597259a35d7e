"""Working days: Thai public holidays (the ``holidays`` package) and an agency's own days off move
generated meetings forward and reminder moments back; supervisors keep the days off in the admin."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from ita_portal.agencies import services as agency_services
from ita_portal.agencies.models import DayOff
from ita_portal.agencies.working_days import days_off, next_working_day, previous_working_day
from measures.models import Reminder
from measures.services import schedule_dates
from measures.services.reminders import reminders_recompute
from tests.factories import bkk
from tests.factories_reminders import FollowUpFactory

D = dt.date


def test_thai_holidays_come_from_the_holidays_package():
    off = days_off(None, D(2024, 4, 1), D(2024, 4, 30))
    # Songkran 2567 and the cabinet's substitution day, in Thai.
    assert off[D(2024, 4, 13)] == "วันสงกรานต์" and "ชดเชยวันสงกรานต์" in off[D(2024, 4, 16)]
    assert next_working_day(D(2024, 4, 13), off) == D(2024, 4, 17)
    assert previous_working_day(D(2024, 4, 15), off) == D(2024, 4, 11)  # 12 Apr 2567 was a special day off


@pytest.mark.django_db
def test_weekdays_only_skips_public_holidays_and_agency_days_off(world):
    agency = world.agency_a
    agency_services.day_off_add(agency=agency, date=D(2024, 4, 17), name="ทำบุญสำนักงาน")
    off = days_off(agency, D(2024, 4, 1), D(2024, 5, 31))
    pairs = schedule_dates(start=D(2024, 4, 15), end=D(2024, 5, 1), every_days=16, weekdays_only=True, off=off)
    # 15 Apr Songkran → 16 substitution day → 17 the agency's day off → Thursday 18 Apr; 1 May Labour Day → 2 May.
    assert pairs == [(D(2024, 4, 15), D(2024, 4, 18)), (D(2024, 5, 1), D(2024, 5, 2))]
    # Another agency works on 17 April.
    other = days_off(world.agency_b, D(2024, 4, 1), D(2024, 5, 31))
    assert schedule_dates(start=D(2024, 4, 15), end=D(2024, 4, 15), every_days=1, weekdays_only=True, off=other) == [
        (D(2024, 4, 15), D(2024, 4, 17))
    ]


@pytest.mark.django_db
def test_generator_preview_names_the_holiday(world):
    client = world.client_for("staff_a")
    html = client.post(
        f"/measures/a/{world.agency_a.pk}/2567/followups/generate/",
        {
            "start": "15/4/2567",
            "end": "15/4/2567",
            "mode": "every",
            "every_days": "1",
            "weekdays_only": "on",
            "start_time": "09:00",
            "action": "preview",
        },
    ).content.decode()
    assert "๑๗ เมษายน ๒๕๖๗" in html and "(วันสงกรานต์)" in html


@pytest.mark.django_db
def test_a_one_day_reminder_never_falls_on_a_day_off(world):
    # Monday 10 June 2567: the 1-day reminder would be Sunday; it goes out on Friday 7 June.
    f = FollowUpFactory(agency=world.agency_a, starts_at=bkk(2024, 6, 10, 9))
    with time_machine.travel(bkk(2024, 5, 1), tick=False):
        reminders_recompute(followup=f)
    due = {r.lead_days: r.due_at for r in Reminder.objects.filter(followup=f)}
    assert due[1] == bkk(2024, 6, 7, 8)
    # 7 days before is 3 June, the Queen's birthday: the Friday before.
    assert due[7] == bkk(2024, 5, 31, 8)
    # The agency closes on Friday 7 June: the 1-day reminder comes on Thursday 6 June.
    agency_services.day_off_add(agency=world.agency_a, date=D(2024, 6, 7), name="ย้ายสำนักงาน")
    with time_machine.travel(bkk(2024, 5, 1), tick=False):
        reminders_recompute(followup=f)
    assert Reminder.objects.get(followup=f, lead_days=1).due_at == bkk(2024, 6, 6, 8)


@pytest.mark.django_db
def test_supervisor_keeps_days_off_in_the_admin(world):
    client = world.client_for("supervisor")
    add = reverse("admin:agencies_dayoff_add")
    response = client.post(add, {"agency": world.agency_a.pk, "date": "7/6/2567", "name": "ย้ายสำนักงาน"})
    assert response.status_code == 302, response.content.decode()[:2000]
    day_off = DayOff.objects.get()
    assert (day_off.agency, day_off.date, day_off.name) == (world.agency_a, D(2024, 6, 7), "ย้ายสำนักงาน")
    listing = client.get(reverse("admin:agencies_dayoff_changelist")).content.decode()
    assert "7 มิถุนายน 2567" in listing
    # The same date twice is refused by the service's check.
    again = client.post(add, {"agency": world.agency_a.pk, "date": "7/6/2567", "name": "ซ้ำ"})
    assert again.status_code == 200 and DayOff.objects.count() == 1
    # Staff without admin access are sent to the login page.
    assert world.client_for("staff_a").get(add).status_code == 302
