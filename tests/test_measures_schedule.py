"""Follow-up meetings: the "every N days" generator (seed 003), numbering, moves, cancel, minutes,
and the reminder recompute hook after every create / move / cancel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from measures import services
from measures.models import FollowUp, FollowUpStatus, Reminder
from tests.factories import AgencyFactory, DivisionFactory, MeasureFactory, MembershipFactory, bkk

pytestmark = pytest.mark.django_db

D = dt.date


class TestScheduleDates:
    def test_seed_003_every_15_days(self):
        # Seed 003 names 30 พ.ค., 15 มิ.ย., 30 มิ.ย., 15 ก.ค. ๒๕๖๗ as "ทุก ๑๕ วัน"; counting 15 days
        # really gives 30 May, 14 June, 29 June and 14 July 2024.
        pairs = services.schedule_dates(start=D(2024, 5, 30), end=D(2024, 7, 15), every_days=15)
        assert [actual for _planned, actual in pairs] == [D(2024, 5, 30), D(2024, 6, 14), D(2024, 6, 29), D(2024, 7, 14)]

    def test_seed_003_weekdays_only_moves_weekends_to_monday(self):
        pairs = services.schedule_dates(start=D(2024, 5, 30), end=D(2024, 7, 15), every_days=15, weekdays_only=True)
        # 29 June 2024 is a Saturday → Monday 1 July; 14 July is a Sunday → Monday 15 July.
        assert pairs == [
            (D(2024, 5, 30), D(2024, 5, 30)),
            (D(2024, 6, 14), D(2024, 6, 14)),
            (D(2024, 6, 29), D(2024, 7, 1)),
            (D(2024, 7, 14), D(2024, 7, 15)),
        ]
        assert all(actual.weekday() < 5 for _p, actual in pairs)

    def test_daily_weekdays_only_does_not_duplicate_mondays(self):
        pairs = services.schedule_dates(start=D(2024, 6, 7), end=D(2024, 6, 10), every_days=1, weekdays_only=True)
        assert [a for _p, a in pairs] == [D(2024, 6, 7), D(2024, 6, 10)]

    def test_invalid_input(self):
        with pytest.raises(ValidationError):
            services.schedule_dates(start=D(2024, 7, 1), end=D(2024, 6, 1), every_days=15)
        with pytest.raises(ValidationError):
            services.schedule_dates(start=D(2024, 6, 1), end=D(2024, 7, 1), every_days=0)
        with pytest.raises(ValidationError):
            services.schedule_dates(start=D(2024, 1, 1), end=D(2025, 1, 1), every_days=1)  # too many at once


@pytest.fixture
def recompute_calls(monkeypatch):
    """Record every reminders_recompute call (and still run the real one)."""
    from measures.services import reminders

    calls: list[int] = []
    real = reminders.reminders_recompute

    def spy(*, followup, **kwargs):
        calls.append(followup.pk)
        return real(followup=followup, **kwargs)

    monkeypatch.setattr(reminders, "reminders_recompute", spy)
    return calls


def test_generate_seed_003_plan_meetings(recompute_calls, time_machine):
    time_machine.move_to(bkk(2024, 5, 20, 10))
    agency = AgencyFactory()
    division = DivisionFactory(agency=agency, name="กลุ่มบริหารงานบุคคล")
    meetings = services.followups_generate(
        agency=agency,
        fiscal_year=2567,
        start=D(2024, 5, 30),
        end=D(2024, 7, 15),
        every_days=15,
        start_time=dt.time(13, 30),
        end_time=dt.time(15, 0),
        place="ห้องประชุม ศธจ.ร้อยเอ็ด",
        agenda="ติดตามความก้าวหน้ามาตรการ ITA",
        responsible_divisions=[division],
    )
    assert [(m.number, m.starts_at) for m in meetings] == [
        (1, bkk(2024, 5, 30, 13, 30)),
        (2, bkk(2024, 6, 14, 13, 30)),
        (3, bkk(2024, 6, 29, 13, 30)),
        (4, bkk(2024, 7, 14, 13, 30)),
    ]
    assert all(m.measure is None and m.fiscal_year == 2567 for m in meetings)
    assert list(meetings[0].responsible_divisions.all()) == [division]
    assert sorted(recompute_calls) == sorted(m.pk for m in meetings)
    # The real recompute made the 7- and 1-day reminders at 08:00 Bangkok.
    assert Reminder.objects.filter(followup=meetings[0]).count() == 2


def test_numbering_follows_dates_and_moves_bump_sequence(recompute_calls, time_machine):
    time_machine.move_to(bkk(2024, 5, 1, 9))
    measure = MeasureFactory()
    agency = measure.agency
    late = services.followup_create(agency=agency, fiscal_year=2567, measure=measure, starts_at=bkk(2024, 6, 30, 9))
    early = services.followup_create(agency=agency, fiscal_year=2567, measure=measure, starts_at=bkk(2024, 5, 30, 9))
    plan = services.followup_create(agency=agency, fiscal_year=2567, starts_at=bkk(2024, 5, 1, 13))
    late.refresh_from_db()
    assert (early.number, late.number, plan.number) == (1, 2, 1)  # plan meetings are numbered apart
    uid, seq = late.uid, late.sequence
    assert seq == 1  # its number changed from 1 to 2 when the earlier meeting was added
    moved = services.followup_update(followup=late, starts_at=bkk(2024, 5, 15, 9))
    early.refresh_from_db()
    assert moved.uid == uid and moved.sequence > seq
    assert (moved.number, early.number) == (1, 2)
    assert recompute_calls.count(late.pk) == 2
    unchanged = services.followup_update(followup=moved, note="หมายเหตุเท่านั้น")
    assert unchanged.sequence == moved.sequence


def test_cancel_and_minutes(recompute_calls, time_machine):
    time_machine.move_to(bkk(2024, 5, 1, 9))
    agency = AgencyFactory()
    f = services.followup_create(agency=agency, fiscal_year=2567, starts_at=bkk(2024, 6, 14, 9))
    cancelled = services.followup_cancel(followup=f, note="ติดภารกิจ")
    assert cancelled.status == FollowUpStatus.CANCELLED and cancelled.sequence == f.sequence + 1
    assert recompute_calls == [f.pk, f.pk]
    with pytest.raises(ValidationError):
        services.followup_record_minutes(followup=cancelled, minutes="x")
    g = services.followup_create(agency=agency, fiscal_year=2567, starts_at=bkk(2024, 6, 30, 9))
    held = services.followup_record_minutes(followup=g, minutes="ที่ประชุมรับทราบความก้าวหน้า")
    assert held.status == FollowUpStatus.HELD and held.minutes == "ที่ประชุมรับทราบความก้าวหน้า"
    with pytest.raises(ValidationError):
        services.followup_cancel(followup=held)


def test_followup_refuses_other_agency_and_reversed_times():
    agency, other = AgencyFactory(), AgencyFactory()
    with pytest.raises(ValidationError):
        services.followup_create(
            agency=agency, fiscal_year=2567, measure=MeasureFactory(agency=other), starts_at=bkk(2024, 6, 1, 9)
        )
    with pytest.raises(ValidationError):
        services.followup_create(
            agency=agency, fiscal_year=2567, starts_at=bkk(2024, 6, 1, 9), attendees=[MembershipFactory(agency=other)]
        )
    with pytest.raises(ValidationError):
        services.followup_create(agency=agency, fiscal_year=2567, starts_at=bkk(2024, 6, 1, 10), ends_at=bkk(2024, 6, 1, 9))
    assert not FollowUp.objects.exists()


class TestDaysOfMonth:
    def test_seed_003_fifteenth_and_thirtieth(self):
        # "ทุก ๑๕ วัน" as the seed really meant it: the 15th and the 30th.
        pairs = services.schedule_dates(start=D(2024, 5, 30), end=D(2024, 7, 15), days_of_month=[15, 30])
        assert [a for _p, a in pairs] == [D(2024, 5, 30), D(2024, 6, 15), D(2024, 6, 30), D(2024, 7, 15)]

    def test_weekdays_only(self):
        pairs = services.schedule_dates(start=D(2024, 5, 30), end=D(2024, 7, 15), days_of_month=[15, 30], weekdays_only=True)
        # 15 June 2024 is a Saturday, 30 June a Sunday.
        assert [a for _p, a in pairs] == [D(2024, 5, 30), D(2024, 6, 17), D(2024, 7, 1), D(2024, 7, 15)]

    def test_thirtieth_in_february_is_its_last_day(self):
        pairs = services.schedule_dates(start=D(2024, 2, 1), end=D(2024, 3, 31), days_of_month=[30])
        assert [a for _p, a in pairs] == [D(2024, 2, 29), D(2024, 3, 30)]

    def test_bad_day(self):
        with pytest.raises(ValidationError):
            services.schedule_dates(start=D(2024, 2, 1), end=D(2024, 3, 31), days_of_month=[0])
