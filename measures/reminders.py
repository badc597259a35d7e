"""Reminders of follow-up meetings: when they are due, who receives them, and the links they carry.

This module only reads and computes. The rows are written by ``measures.services.reminders``
(``reminders_recompute``, the sweep ``reminders_sweep`` and ``reminders_deliver``), like every other
write of the measures tables.

Design (DESIGN.md §5) against the ways peers lose or double reminders:

- Each meeting stores its reminder moments (``Reminder`` rows: lead days before the meeting at
  08:00 Asia/Bangkok) and when each went out. Nothing is queued in the broker weeks ahead: a
  periodic sweep (every 5 minutes, created by code in ``ita_portal.mail``) looks for rows that are
  due and unsent, so a worker that was down for a day catches up on its next run.
- The sweep claims rows with a conditional UPDATE (``claimed_at`` NULL or older than a stale
  timeout). Sending a reminder = inserting its outbox e-mails and setting ``sent_at`` in ONE
  transaction, so a worker killed after claiming leaves the row unsent and claimable again after
  the timeout, and a row is never queued twice.
- ``reminders_recompute`` is called by the follow-up services whenever a meeting is created,
  moved, cancelled or held.

Recipients of a meeting's e-mails (``followup_recipients``): the measure's responsible people, the
meeting's attendees, and the active members of the responsible divisions (of the measure and of the
meeting), de-duplicated by e-mail address; people without an e-mail address are left out. A
plan-level meeting (no measure) with nobody named goes to the agency's directors.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from ita_portal.agencies.models import Membership, Role
from ita_portal.agencies.working_days import previous_working_day
from measures.models import FollowUp, Measure, Reminder

BANGKOK = ZoneInfo("Asia/Bangkok")
REMINDER_TIME = dt.time(8, 0)
DEFAULT_LEAD_DAYS = (7, 1)
# A claim older than this belongs to a worker that died; the row may be claimed again.
DEFAULT_CLAIM_STALE_SECONDS = 10 * 60

SKIP_LATE = "สร้างหรือเลื่อนการประชุมหลังเวลาแจ้งเตือนแล้ว"
SKIP_NOT_BEFORE_MEETING = "เวลาแจ้งเตือนไม่ก่อนเวลาเริ่มประชุม"
SKIP_CANCELLED = "ยกเลิกการประชุม"
SKIP_HELD = "ประชุมแล้ว"
SKIP_PAST = "การประชุมเริ่มไปแล้ว"
SKIP_NOT_CANCELLED = "การประชุมไม่ได้ถูกยกเลิกแล้ว"
SKIP_NO_RECIPIENTS = "ไม่มีผู้รับที่มีอีเมล"


def claim_stale_seconds() -> int:
    return int(getattr(settings, "REMINDER_CLAIM_STALE_SECONDS", DEFAULT_CLAIM_STALE_SECONDS))


def reminder_due_at(starts_at: dt.datetime, lead_days: int, off: Mapping[dt.date, str] | None = None) -> dt.datetime:
    """08:00 Bangkok time, ``lead_days`` calendar days (Bangkok) before the meeting starts; with
    the agency's days ``off`` (``working_days.days_off``) a moment on a weekend, a public holiday
    or an agency day off moves to the previous working day, when someone is at the office to act."""
    day = timezone.localtime(starts_at, BANGKOK).date() - dt.timedelta(days=lead_days)
    if off is not None:
        day = previous_working_day(day, off)
    return dt.datetime.combine(day, REMINDER_TIME, tzinfo=BANGKOK)


# --- recipients --------------------------------------------------------------------------------


def _m2m_pairs(relation, owner_ids) -> list[tuple[int, int]]:
    """(owner id, related id) rows of a many-to-many ``relation`` (e.g. ``FollowUp.attendees``) in one query."""
    if not owner_ids:
        return []
    field = relation.field
    src, dst = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    return list(relation.through.objects.filter(**{f"{src}__in": owner_ids}).values_list(src, dst))


def _with_email():
    return (
        Membership.objects.filter(is_active=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )


def followups_recipients(followups: list[FollowUp]) -> dict[int, list[Membership]]:
    """``followup_recipients`` for many meetings at once, in at most six queries whatever their number.

    ``followups`` need ``measure`` loaded (``select_related("measure")``) to avoid a query each.
    """
    by_id = {f.pk: f for f in followups}
    measure_ids = {f.measure_id for f in followups if f.measure_id}
    people: dict[tuple[str, int], set[int]] = defaultdict(set)  # ("f" | "m", owner id) → membership ids
    divisions: dict[tuple[str, int], set[int]] = defaultdict(set)  # ("f" | "m", owner id) → division ids
    for owner, member in _m2m_pairs(FollowUp.attendees, list(by_id)):
        people["f", owner].add(member)
    for owner, division in _m2m_pairs(FollowUp.responsible_divisions, list(by_id)):
        divisions["f", owner].add(division)
    for owner, member in _m2m_pairs(Measure.responsible_people, list(measure_ids)):
        people["m", owner].add(member)
    for owner, division in _m2m_pairs(Measure.responsible_divisions, list(measure_ids)):
        divisions["m", owner].add(division)
    person_ids = set().union(*people.values())
    division_ids = set().union(*divisions.values())
    candidates = (
        list(_with_email().filter(Q(pk__in=person_ids) | Q(division_id__in=division_ids))) if person_ids or division_ids else []
    )
    by_pk = {m.pk: m for m in candidates}
    by_division: dict[tuple[int, int], list[Membership]] = defaultdict(list)
    for m in candidates:
        if m.division_id:
            by_division[m.agency_id, m.division_id].append(m)
    result: dict[int, list[Membership]] = {}
    orphans = []
    for f in followups:
        found = {pk: by_pk[pk] for pk in people["f", f.pk] | people["m", f.measure_id] if pk in by_pk}
        for division in divisions["f", f.pk] | divisions["m", f.measure_id]:
            found.update((m.pk, m) for m in by_division[f.agency_id, division])
        result[f.pk] = [found[pk] for pk in sorted(found)]
        if not found and f.measure_id is None:
            orphans.append(f)
    if orphans:
        directors = defaultdict(list)
        for m in _with_email().filter(agency_id__in={f.agency_id for f in orphans}, role=Role.DIRECTOR):
            directors[m.agency_id].append(m)
        for f in orphans:
            result[f.pk] = directors[f.agency_id]
    for pk, members in result.items():
        seen: set[str] = set()
        unique = []
        for m in members:
            address = m.user.email.strip().lower()
            if address and address not in seen:
                seen.add(address)
                unique.append(m)
        result[pk] = unique
    return result


def followup_recipients(followup: FollowUp) -> list[Membership]:
    """Who receives a meeting's reminders and notices (see the module docstring), one per address, by pk."""
    return followups_recipients([followup])[followup.pk]


def _first_url(candidates: list[tuple[str, dict]]) -> str:
    for name, kwargs in candidates:
        try:
            return settings.SITE_URL + reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return settings.SITE_URL + "/"


def measure_link(measure) -> str:
    """Absolute link to a measure's page (SITE_URL + its URL)."""
    kwargs = {"agency_id": measure.agency_id, "year": measure.fiscal_year}
    return _first_url([("measures:measure_detail", {**kwargs, "pk": measure.pk}), ("measures:measure_list", kwargs)])


def followup_link(followup: FollowUp) -> str:
    """Absolute link to the meeting's measure (or the agency's follow-up calendar for plan meetings)."""
    if followup.measure_id:
        return measure_link(followup.measure)
    kwargs = {"agency_id": followup.agency_id, "year": followup.fiscal_year}
    return _first_url([("measures:followup_list", kwargs), ("measures:measure_list", kwargs)])


# --- reads for the sweep and the command line --------------------------------------------------


def reminders_pending(*, now: dt.datetime | None = None):
    """Reminders not yet sent nor skipped, soonest first (for the ``pending_reminders`` command)."""
    return (
        Reminder.objects.filter(sent_at__isnull=True, skipped_reason="")
        .select_related("followup", "followup__agency", "followup__measure")
        .order_by("due_at", "pk")
    )
