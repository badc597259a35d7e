"""Follow-up meetings (การกำกับติดตาม ครั้งที่ ๑, ๒ …): create, move, cancel, hold, generate.

Numbering: meetings are numbered in date order within their scope — the agency's plan for a
fiscal year (no measure) or one measure — so "ครั้งที่" always follows the calendar. Every change
that calendar apps must see (time, place, title, number, status) raises ``sequence``; the UID never
changes. After each create, move, cancel or hold the meeting's reminders are recomputed
(``measures.services.reminders.reminders_recompute``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ita_portal.agencies.models import Agency, Division, Membership
from ita_portal.agencies.working_days import days_off, next_working_day
from ita_portal.service_fields import apply_fields, check_fields
from measures.models import FollowUp, FollowUpStatus, Measure
from measures.services._common import check_divisions, check_fiscal_year, check_people, check_period, check_within_fiscal_year

BANGKOK = ZoneInfo("Asia/Bangkok")
# Fields whose change calendar apps must pick up (iCalendar SEQUENCE goes up).
CALENDAR_FIELDS = ("starts_at", "ends_at", "place", "online_url", "title", "agenda", "status")
FOLLOWUP_FIELDS = frozenset({"title", "starts_at", "ends_at", "place", "online_url", "agenda", "note", "minutes"})
MAX_GENERATED = 60


def _recompute_reminders(followup: FollowUp) -> None:
    # Looked up at call time so the module (and a test's spy on it) is the one place that writes them.
    from measures.services import reminders

    reminders.reminders_recompute(followup=followup)


def _renumber(agency_id: int, fiscal_year: int, measure_id: int | None) -> None:
    """Number the meetings of one scope 1, 2, 3 … by start time (a changed number bumps SEQUENCE)."""
    rows = (
        FollowUp.objects.select_for_update()
        .filter(agency_id=agency_id, fiscal_year=fiscal_year, measure_id=measure_id)
        .order_by("starts_at", "pk")
    )
    for number, f in enumerate(rows, start=1):
        if f.number != number:
            FollowUp.objects.filter(pk=f.pk).update(number=number, sequence=f.sequence + 1)


def _check_period(starts_at: dt.datetime, ends_at: dt.datetime | None, fiscal_year: int | None) -> None:
    if starts_at is None:
        raise ValidationError({"starts_at": _("กรุณาระบุวันเวลาประชุม")})
    check_period(starts_at, ends_at, field="ends_at", times=True)
    # A meeting follows up the plan of its fiscal year: it is held inside that year (Bangkok dates).
    # None: the time is not being changed (an old meeting stays editable).
    if fiscal_year is not None:
        check_within_fiscal_year(fiscal_year, {"starts_at": starts_at.astimezone(BANGKOK).date()})


@transaction.atomic
def followup_create(
    *,
    agency: Agency,
    fiscal_year: int,
    starts_at: dt.datetime,
    measure: Measure | None = None,
    ends_at: dt.datetime | None = None,
    attendees: Iterable[Membership] = (),
    responsible_divisions: Iterable[Division] = (),
    user=None,
    **fields,
) -> FollowUp:
    """Schedule a meeting for the agency's plan (``measure`` None) or for one measure."""
    check_fiscal_year(fiscal_year)
    if measure is not None:
        if measure.agency_id != agency.pk:
            raise ValidationError({"measure": _("มาตรการนี้ไม่ใช่ของหน่วยงานนี้")})
        fiscal_year = measure.fiscal_year
    check_fields(fields, FOLLOWUP_FIELDS, "follow-up")
    _check_period(starts_at, ends_at, fiscal_year)
    people = check_people(agency, attendees, "attendees")
    divisions = check_divisions(agency, responsible_divisions)
    followup = FollowUp(
        agency=agency, fiscal_year=fiscal_year, measure=measure, number=0, starts_at=starts_at, ends_at=ends_at, created_by=user
    )
    apply_fields(followup, fields, FOLLOWUP_FIELDS, "follow-up")
    followup.number = 1  # real number set by _renumber below
    followup.full_clean()
    followup.save()
    followup.attendees.set(people)
    followup.responsible_divisions.set(divisions)
    _renumber(agency.pk, fiscal_year, followup.measure_id)
    followup.refresh_from_db()
    _recompute_reminders(followup)
    return followup


@transaction.atomic
def followup_update(
    *,
    followup: FollowUp,
    attendees: Iterable[Membership] | None = None,
    responsible_divisions: Iterable[Division] | None = None,
    **fields,
) -> FollowUp:
    """Change or move a meeting. A moved meeting keeps its UID, gets a higher SEQUENCE and new reminders."""
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    check_fields(fields, FOLLOWUP_FIELDS, "follow-up")
    before = {name: getattr(followup, name) for name in CALENDAR_FIELDS}
    apply_fields(followup, fields, FOLLOWUP_FIELDS, "follow-up")
    _check_period(followup.starts_at, followup.ends_at, followup.fiscal_year if "starts_at" in fields else None)
    if any(getattr(followup, name) != value for name, value in before.items()):
        followup.sequence += 1
    followup.full_clean()
    followup.save()
    if attendees is not None:
        followup.attendees.set(check_people(followup.agency, attendees, "attendees"))
    if responsible_divisions is not None:
        followup.responsible_divisions.set(check_divisions(followup.agency, responsible_divisions))
    _renumber(followup.agency_id, followup.fiscal_year, followup.measure_id)
    followup.refresh_from_db()
    _recompute_reminders(followup)
    return followup


@transaction.atomic
def followup_cancel(*, followup: FollowUp, note: str = "") -> FollowUp:
    """Cancel a meeting: it stays in the list (struck through), calendars get STATUS:CANCELLED and
    the people concerned get one cancellation notice; pending reminders are dropped."""
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if followup.status == FollowUpStatus.CANCELLED:
        return followup
    if followup.status == FollowUpStatus.HELD:
        raise ValidationError(_("การประชุมนี้จัดไปแล้ว ยกเลิกไม่ได้"))
    followup.status = FollowUpStatus.CANCELLED
    followup.sequence += 1
    if note:
        followup.note = note[:500]
    followup.save()
    _recompute_reminders(followup)
    return followup


@transaction.atomic
def followup_record_minutes(*, followup: FollowUp, minutes: str, held: bool = True) -> FollowUp:
    """Write the minutes (บันทึกผลการประชุม) and mark the meeting held."""
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if followup.status == FollowUpStatus.CANCELLED and held:
        raise ValidationError(_("การประชุมนี้ถูกยกเลิกแล้ว"))
    followup.minutes = minutes.strip()
    if held and followup.status != FollowUpStatus.HELD:
        followup.status = FollowUpStatus.HELD
        followup.sequence += 1
    followup.save()
    _recompute_reminders(followup)
    return followup


# --- generator --------------------------------------------------------------------------------


def _month_days(start: dt.date, end: dt.date, days_of_month: Sequence[int]):
    """Each listed day of every month between ``start`` and ``end``; 30 in February is its last day."""
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        last = calendar.monthrange(year, month)[1]
        for d in sorted({min(int(x), last) for x in days_of_month}):
            day = dt.date(year, month, d)
            if start <= day <= end:
                yield day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def schedule_dates(
    *,
    start: dt.date,
    end: dt.date,
    every_days: int | None = None,
    days_of_month: Sequence[int] | None = None,
    weekdays_only: bool = False,
    off: Mapping[dt.date, str] | None = None,
) -> list[tuple[dt.date, dt.date]]:
    """Meeting dates from ``start`` to ``end`` (inclusive), as (planned, actual) pairs.

    Either every ``every_days`` days (``start``, ``start + n`` …), or on fixed ``days_of_month``
    (e.g. 15 and 30: "ทุกวันที่ ๑๕ และ ๓๐" — a day past the month's end means its last day).
    With ``weekdays_only`` a planned Saturday, Sunday or day ``off`` (Thai public holidays and the
    agency's days off: ``working_days.days_off``) is held on the next working day (which may fall
    after ``end``). Two planned dates landing on the same day are kept once.
    """
    check_period(start, end, field="end")
    if days_of_month:
        if any(not 1 <= int(d) <= 31 for d in days_of_month):
            raise ValidationError({"days_of_month": _("วันที่ของเดือนต้องอยู่ระหว่าง 1 ถึง 31")})
        planned = list(_month_days(start, end, days_of_month))
    else:
        if not every_days or every_days < 1:
            raise ValidationError({"every_days": _("จำนวนวันต้องอย่างน้อย 1 วัน")})
        count = min((end - start).days // every_days + 1, MAX_GENERATED + 1)
        planned = [start + dt.timedelta(days=every_days * i) for i in range(count)]
    pairs: list[tuple[dt.date, dt.date]] = []
    seen: set[dt.date] = set()
    for day in planned:
        actual = next_working_day(day, off or {}) if weekdays_only else day
        if actual not in seen:
            seen.add(actual)
            pairs.append((day, actual))
    if len(pairs) > MAX_GENERATED:
        raise ValidationError(_("สร้างได้ครั้งละไม่เกิน %(n)s ครั้ง กรุณาเพิ่มจำนวนวันหรือลดช่วงเวลา") % {"n": MAX_GENERATED})
    return pairs


@transaction.atomic
def followups_generate(
    *,
    agency: Agency,
    fiscal_year: int,
    start: dt.date,
    end: dt.date,
    start_time: dt.time,
    every_days: int | None = None,
    days_of_month: Sequence[int] | None = None,
    weekdays_only: bool = False,
    end_time: dt.time | None = None,
    measure: Measure | None = None,
    attendees: Iterable[Membership] = (),
    responsible_divisions: Iterable[Division] = (),
    user=None,
    **fields,
) -> list[FollowUp]:
    """Create one meeting per date of ``schedule_dates`` ("ทุก 15 วัน ตั้งแต่ … ถึง …", or
    "ทุกวันที่ 15 และ 30 ของเดือน").

    Each meeting is made with ``followup_create`` (numbering and reminders included), so the result
    is the same as entering them one by one; they can be edited one by one afterwards.
    """
    if end_time is not None and end_time < start_time:
        raise ValidationError({"end_time": _("เวลาสิ้นสุดต้องไม่ก่อนเวลาเริ่ม")})
    attendees = list(attendees)
    divisions = list(responsible_divisions)
    created = []
    dates = schedule_dates(
        start=start,
        end=end,
        every_days=every_days,
        days_of_month=days_of_month,
        weekdays_only=weekdays_only,
        off=days_off(agency, start, end),
    )
    for _planned, day in dates:
        starts_at = dt.datetime.combine(day, start_time, tzinfo=BANGKOK)
        ends_at = dt.datetime.combine(day, end_time, tzinfo=BANGKOK) if end_time else None
        created.append(
            followup_create(
                agency=agency,
                fiscal_year=fiscal_year,
                measure=measure,
                starts_at=starts_at,
                ends_at=ends_at,
                attendees=attendees,
                responsible_divisions=divisions,
                user=user,
                **fields,
            )
        )
    for f in created:
        f.refresh_from_db(fields=["number", "sequence"])
    return created
