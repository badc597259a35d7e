"""When a follow-up meeting's reminders are due: lead days at 08:00 Bangkok, moves, cancellation,
late-created and past meetings, the fiscal-year boundary and midnight Bangkok."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from measures.models import FollowUpStatus, Reminder, ReminderKind
from measures.reminders import (
    SKIP_CANCELLED,
    SKIP_HELD,
    SKIP_LATE,
    SKIP_NOT_BEFORE_MEETING,
    SKIP_PAST,
    reminder_due_at,
)
from measures.services.reminders import reminders_recompute
from tests.factories import BKK, AgencyFactory, bkk
from tests.factories_reminders import FollowUpFactory

pytestmark = pytest.mark.django_db


def rows(followup) -> dict:
    return {(r.kind, r.lead_days): r for r in Reminder.objects.filter(followup=followup)}


def recompute_at(moment: dt.datetime, followup) -> dict:
    with time_machine.travel(moment, tick=False):
        reminders_recompute(followup=followup)
    return rows(followup)


def test_default_lead_days_are_7_and_1_at_8_bangkok():
    f = FollowUpFactory(starts_at=bkk(2024, 6, 20, 13, 30))
    r = recompute_at(bkk(2024, 6, 1), f)
    assert set(r) == {("reminder", 7), ("reminder", 1)}
    assert r[("reminder", 7)].due_at == bkk(2024, 6, 13, 8, 0)
    assert r[("reminder", 1)].due_at == bkk(2024, 6, 19, 8, 0)
    # 08:00 Bangkok is 01:00 UTC: stored as an aware instant, not a wall-clock time.
    assert r[("reminder", 1)].due_at.astimezone(dt.UTC) == dt.datetime(2024, 6, 19, 1, 0, tzinfo=dt.UTC)
    assert all(not x.skipped_reason and x.sent_at is None for x in r.values())


def test_agency_lead_days_and_fallback():
    agency = AgencyFactory(reminder_lead_days="14, 3,0")
    f = FollowUpFactory(agency=agency, starts_at=bkk(2024, 6, 20, 9))
    r = recompute_at(bkk(2024, 5, 1), f)
    assert {k[1] for k in r} == {14, 3, 0}
    assert r[("reminder", 0)].due_at == bkk(2024, 6, 20, 8)

    nothing = AgencyFactory(reminder_lead_days="ไม่มี")
    g = FollowUpFactory(agency=nothing, starts_at=bkk(2024, 6, 20, 9))
    assert {k[1] for k in recompute_at(bkk(2024, 5, 1), g)} == {7, 1}


def test_same_day_reminder_after_an_early_meeting_is_skipped():
    agency = AgencyFactory(reminder_lead_days="1,0")
    f = FollowUpFactory(agency=agency, starts_at=bkk(2024, 6, 20, 7, 30))
    r = recompute_at(bkk(2024, 6, 1), f)
    assert r[("reminder", 0)].skipped_reason == SKIP_NOT_BEFORE_MEETING
    assert r[("reminder", 1)].skipped_reason == ""


def test_meeting_created_after_the_7_day_moment_skips_it_only():
    f = FollowUpFactory(starts_at=bkk(2024, 6, 20, 9))
    r = recompute_at(bkk(2024, 6, 15, 10), f)
    assert r[("reminder", 7)].skipped_reason == SKIP_LATE
    assert r[("reminder", 1)].skipped_reason == ""


def test_meeting_created_at_the_exact_moment_skips_it():
    f = FollowUpFactory(starts_at=bkk(2024, 6, 20, 9))
    r = recompute_at(bkk(2024, 6, 13, 8, 0), f)
    assert r[("reminder", 7)].skipped_reason == SKIP_LATE


def test_moving_a_meeting_recomputes_and_rearms_a_sent_reminder():
    f = FollowUpFactory(starts_at=bkk(2024, 6, 20, 9))
    recompute_at(bkk(2024, 6, 1), f)
    Reminder.objects.filter(followup=f, lead_days=7).update(sent_at=bkk(2024, 6, 13, 8, 1))
    f.starts_at = bkk(2024, 7, 4, 9)  # moved two weeks later
    f.save()
    r = recompute_at(bkk(2024, 6, 14), f)
    assert r[("reminder", 7)].due_at == bkk(2024, 6, 27, 8)
    assert r[("reminder", 7)].sent_at is None  # the new time gets a new reminder
    assert r[("reminder", 1)].due_at == bkk(2024, 7, 3, 8)


def test_moving_a_meeting_closer_skips_moments_already_past_and_keeps_sent_records():
    f = FollowUpFactory(starts_at=bkk(2024, 6, 20, 9))
    recompute_at(bkk(2024, 6, 1), f)
    Reminder.objects.filter(followup=f, lead_days=7).update(sent_at=bkk(2024, 6, 13, 8, 1))
    f.starts_at = bkk(2024, 6, 18, 9)
    f.save()
    r = recompute_at(bkk(2024, 6, 14, 12), f)
    assert r[("reminder", 7)].sent_at is not None  # already told; nothing to re-send for a past moment
    assert r[("reminder", 1)].due_at == bkk(2024, 6, 17, 8)
    assert r[("reminder", 1)].skipped_reason == ""


def test_unrelated_edit_keeps_a_due_but_unswept_reminder_pending():
    f = FollowUpFactory(starts_at=bkk(2024, 6, 20, 9))
    recompute_at(bkk(2024, 6, 1), f)
    f.title = "แก้ชื่อ"
    f.save()
    r = recompute_at(bkk(2024, 6, 13, 8, 2), f)  # 2 minutes after the moment, before the sweep ran
    assert r[("reminder", 7)].skipped_reason == ""
    assert r[("reminder", 7)].sent_at is None


def test_cancelling_skips_pending_and_queues_one_cancellation_notice():
    f = FollowUpFactory(starts_at=bkk(2024, 6, 20, 9))
    recompute_at(bkk(2024, 6, 1), f)
    Reminder.objects.filter(followup=f, lead_days=7).update(sent_at=bkk(2024, 6, 13, 8, 1))
    f.status = FollowUpStatus.CANCELLED
    f.save()
    r = recompute_at(bkk(2024, 6, 14), f)
    recompute_at(bkk(2024, 6, 14, 1), f)  # cancelling twice still gives one notice
    r = rows(f)
    assert r[("reminder", 1)].skipped_reason == SKIP_CANCELLED
    assert r[("reminder", 7)].sent_at is not None and r[("reminder", 7)].skipped_reason == ""
    assert Reminder.objects.filter(followup=f, kind=ReminderKind.CANCELLATION).count() == 1
    assert r[("cancellation", 0)].due_at == bkk(2024, 6, 14)

    # Rescheduled: the reminders come back, the old notice goes; cancelling again sends a new one.
    f.status = FollowUpStatus.SCHEDULED
    f.save()
    r = recompute_at(bkk(2024, 6, 15), f)
    assert ("cancellation", 0) not in r
    assert r[("reminder", 1)].skipped_reason == ""


def test_cancelling_a_past_meeting_sends_nothing():
    f = FollowUpFactory(starts_at=bkk(2024, 6, 20, 9), status=FollowUpStatus.CANCELLED)
    r = recompute_at(bkk(2024, 6, 21), f)
    assert all(x.kind == "reminder" for x in r.values())
    assert not r  # created already cancelled and past: no rows at all


def test_meeting_already_past_sends_nothing():
    f = FollowUpFactory(starts_at=bkk(2024, 6, 20, 9))
    recompute_at(bkk(2024, 6, 1), f)
    r = recompute_at(bkk(2024, 6, 20, 10), f)
    assert {x.skipped_reason for x in r.values()} == {SKIP_PAST}


def test_held_meeting_skips_pending():
    f = FollowUpFactory(starts_at=bkk(2024, 6, 20, 9))
    recompute_at(bkk(2024, 6, 1), f)
    f.status = FollowUpStatus.HELD
    f.save()
    r = recompute_at(bkk(2024, 6, 14), f)
    assert {x.skipped_reason for x in r.values()} == {SKIP_HELD}


def test_fiscal_year_boundary_meeting_on_1_october():
    # 1 Oct 2024 = first day of FY 2568; the 1-day reminder falls on 30 Sep (FY 2567).
    f = FollowUpFactory(fiscal_year=2568, starts_at=bkk(2024, 10, 1, 9))
    r = recompute_at(bkk(2024, 9, 1), f)
    assert r[("reminder", 1)].due_at == bkk(2024, 9, 30, 8)
    assert r[("reminder", 7)].due_at == bkk(2024, 9, 24, 8)


def test_midnight_bangkok_uses_the_bangkok_date_not_utc():
    # 00:30 on 2 Oct in Bangkok is still 1 Oct in UTC: the 1-day reminder is 1 Oct 08:00 Bangkok.
    starts = bkk(2024, 10, 2, 0, 30)
    assert starts.astimezone(dt.UTC).date() == dt.date(2024, 10, 1)
    assert reminder_due_at(starts, 1) == bkk(2024, 10, 1, 8)
    # 23:59 on 30 Sep Bangkok: the 1-day reminder is 29 Sep 08:00.
    assert reminder_due_at(bkk(2024, 9, 30, 23, 59), 1) == bkk(2024, 9, 29, 8)
    assert reminder_due_at(bkk(2024, 9, 30, 23, 59), 1).tzinfo == BKK


def test_dropped_lead_day_deletes_its_pending_row():
    agency = AgencyFactory(reminder_lead_days="7,3,1")
    f = FollowUpFactory(agency=agency, starts_at=bkk(2024, 6, 20, 9))
    recompute_at(bkk(2024, 6, 1), f)
    agency.reminder_lead_days = "7,1"
    agency.save()
    assert {k[1] for k in recompute_at(bkk(2024, 6, 2), f)} == {7, 1}
