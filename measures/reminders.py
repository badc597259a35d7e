"""Reminders of follow-up meetings: when they are due, and the sweep that sends them exactly once.

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
import logging
import uuid
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from ita_portal.agencies.models import Membership, Role
from ita_portal.mail.services import email_queue_many
from measures.models import FollowUp, FollowUpStatus, Measure, Reminder, ReminderKind

logger = logging.getLogger(__name__)

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


def reminder_due_at(starts_at: dt.datetime, lead_days: int) -> dt.datetime:
    """08:00 Bangkok time, ``lead_days`` calendar days (Bangkok) before the meeting starts."""
    day = timezone.localtime(starts_at, BANGKOK).date() - dt.timedelta(days=lead_days)
    return dt.datetime.combine(day, REMINDER_TIME, tzinfo=BANGKOK)


def _lead_days(followup: FollowUp) -> list[int]:
    days = followup.agency.lead_days()
    return days if days else list(DEFAULT_LEAD_DAYS)


def _unclaim(reminder: Reminder) -> None:
    reminder.claimed_at = None
    reminder.claim_token = None


def reminders_recompute(*, followup: FollowUp, now: dt.datetime | None = None) -> None:
    """Create or update the Reminder rows of ``followup`` from its current time and status.

    - scheduled: one reminder per agency lead day (``Agency.lead_days()``, default 7 and 1) at
      08:00 Bangkok. A moved meeting gets new moments; a moment that moved into the future is
      pending again even if the old one was sent (the new e-mail carries the new time). A moment
      already past when the meeting is created or moved (or not before its start) is skipped with
      ``skipped_reason``. Pending reminders for lead days the agency dropped are deleted.
    - cancelled: pending reminders are skipped and ONE cancellation notice is due now (only if
      the meeting has not started yet).
    - held, or a meeting already started: pending reminders are skipped; nothing is sent.

    Runs in one transaction with the meeting row locked, so it never races the sweep.
    """
    now = now or timezone.now()
    with transaction.atomic():
        followup = FollowUp.objects.select_for_update(of=("self",)).select_related("agency").get(pk=followup.pk)
        rows = list(Reminder.objects.select_for_update().filter(followup=followup))
        reminders = {r.lead_days: r for r in rows if r.kind == ReminderKind.REMINDER}
        cancellation = next((r for r in rows if r.kind == ReminderKind.CANCELLATION), None)
        started = followup.starts_at <= now

        if followup.status != FollowUpStatus.SCHEDULED or started:
            if followup.status == FollowUpStatus.CANCELLED:
                reason = SKIP_CANCELLED
            elif followup.status == FollowUpStatus.HELD:
                reason = SKIP_HELD
            else:
                reason = SKIP_PAST
            for r in reminders.values():
                if r.sent_at is None and not r.skipped_reason:
                    r.skipped_reason = reason
                    _unclaim(r)
                    r.save(update_fields=["skipped_reason", "claimed_at", "claim_token"])
            if followup.status == FollowUpStatus.CANCELLED and not started and cancellation is None:
                Reminder.objects.create(followup=followup, kind=ReminderKind.CANCELLATION, lead_days=0, due_at=now)
            return

        # Scheduled and in the future. A cancellation notice belongs to an earlier cancellation:
        # drop it so that cancelling again sends a fresh one (sent e-mails stay in the outbox).
        if cancellation is not None:
            cancellation.delete()
        wanted = _lead_days(followup)
        for lead in wanted:
            due = reminder_due_at(followup.starts_at, lead)
            valid_future = now < due < followup.starts_at
            reason = "" if valid_future else (SKIP_LATE if due <= now else SKIP_NOT_BEFORE_MEETING)
            r = reminders.get(lead)
            if r is None:
                Reminder.objects.create(
                    followup=followup, kind=ReminderKind.REMINDER, lead_days=lead, due_at=due, skipped_reason=reason
                )
                continue
            if r.due_at == due and not (r.sent_at is None and r.skipped_reason):
                continue  # unchanged: pending stays pending (the sweep catches up), sent stays sent
            if valid_future:
                r.due_at, r.sent_at, r.skipped_reason = due, None, ""
                _unclaim(r)
            elif r.sent_at is None:
                r.due_at, r.skipped_reason = due, reason
                _unclaim(r)
            else:
                continue  # sent for the old time and the new moment is already past: keep the record
            r.save(update_fields=["due_at", "sent_at", "skipped_reason", "claimed_at", "claim_token"])
        for lead, r in reminders.items():
            if lead not in wanted and r.sent_at is None:
                r.delete()


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


# --- sweep -------------------------------------------------------------------------------------


def _due_unsent(now: dt.datetime):
    stale = now - dt.timedelta(seconds=claim_stale_seconds())
    return Reminder.objects.filter(sent_at__isnull=True, skipped_reason="", due_at__lte=now).filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale)
    )


def reminders_sweep(*, now: dt.datetime | None = None, batch_size: int = 500) -> int:
    """Claim every due and unsent reminder and queue its e-mails; returns how many reminders went out.

    The claim is one conditional UPDATE per batch; under concurrency the database re-checks its
    WHERE on each row, so of two sweeps exactly one claims a row. The claimed rows of a batch are
    then sent in one transaction (``reminders_deliver``: outbox rows + ``sent_at`` together),
    guarded by the claim token, in a number of queries that does not grow with the batch. If that
    transaction fails, it is rolled back and the rows are sent one by one, each in its own
    transaction, so one bad row does not hold back the others.
    """
    now = now or timezone.now()
    token = uuid.uuid4()
    sent = 0
    while True:
        ids = list(_due_unsent(now).order_by("due_at", "pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            break
        _due_unsent(now).filter(pk__in=ids).update(claimed_at=now, claim_token=token)
        try:
            sent += reminders_deliver(reminder_ids=ids, claim_token=token, now=now)
            continue
        except Exception:
            logger.exception("a batch of %s reminders could not be queued; trying them one by one", len(ids))
        mine = Reminder.objects.filter(pk__in=ids, claim_token=token, sent_at__isnull=True)
        for pk in mine.order_by("due_at", "pk").values_list("pk", flat=True):
            try:
                sent += reminders_deliver(reminder_ids=[pk], claim_token=token, now=now)
            except Exception:
                # Left claimed: it is retried once the claim goes stale; the other rows still go out.
                logger.exception("reminder %s could not be queued", pk)
    return sent


def _skip_reason(reminder: Reminder, followup: FollowUp, now: dt.datetime) -> str:
    if followup.starts_at <= now:
        return SKIP_PAST
    if reminder.kind == ReminderKind.REMINDER and followup.status != FollowUpStatus.SCHEDULED:
        return SKIP_CANCELLED if followup.status == FollowUpStatus.CANCELLED else SKIP_HELD
    if reminder.kind == ReminderKind.CANCELLATION and followup.status != FollowUpStatus.CANCELLED:
        return SKIP_NOT_CANCELLED
    return ""


def reminders_deliver(*, reminder_ids: list[int], claim_token: uuid.UUID, now: dt.datetime) -> int:
    """Queue the e-mails of claimed reminders and mark them sent, all in one transaction.

    Returns how many were sent. Locks the meetings first, in one query ordered by id (the same
    order as ``reminders_recompute``, which locks one meeting and then its reminders, and as a
    concurrent sweep), then re-reads the reminders under our claim token: rows another sweep took
    over are left alone. A meeting that started, was cancelled or held (or a notice whose meeting
    is no longer cancelled) marks its reminder skipped instead. Queries: a fixed number for the
    whole batch (locks, recipients, one check and one INSERT of outbox rows, one UPDATE per outcome).
    """
    from measures.reminder_mail import reminder_messages

    mine = Reminder.objects.filter(pk__in=reminder_ids, claim_token=claim_token, sent_at__isnull=True)
    with transaction.atomic():
        followups = {
            f.pk: f
            for f in FollowUp.objects.select_for_update(of=("self",))
            .select_related("agency", "measure")
            .filter(pk__in=mine.values("followup_id"))
            .order_by("pk")
        }
        reminders = [
            r for r in mine.select_for_update().order_by("due_at", "pk") if not r.skipped_reason and r.followup_id in followups
        ]
        if not reminders:
            return 0
        reasons = {r.pk: _skip_reason(r, followups[r.followup_id], now) for r in reminders}
        wanted = {r.followup_id for r in reminders if not reasons[r.pk]}
        recipients = followups_recipients([followups[pk] for pk in sorted(wanted)]) if wanted else {}
        messages, sent_ids = [], []
        for r in reminders:
            if not reasons[r.pk] and not recipients[r.followup_id]:
                reasons[r.pk] = SKIP_NO_RECIPIENTS
            if reasons[r.pk]:
                continue
            followup = followups[r.followup_id]
            messages += reminder_messages(reminder=r, followup=followup, recipients=recipients[r.followup_id])
            sent_ids.append(r.pk)
        email_queue_many(messages=messages)
        if sent_ids:
            Reminder.objects.filter(pk__in=sent_ids).update(sent_at=now)
        skipped = defaultdict(list)
        for pk, reason in reasons.items():
            if reason:
                skipped[reason].append(pk)
        for reason, pks in skipped.items():
            Reminder.objects.filter(pk__in=pks).update(skipped_reason=reason)
        return len(sent_ids)


def reminder_deliver(*, reminder_id: int, claim_token: uuid.UUID, now: dt.datetime) -> int:
    """``reminders_deliver`` for one claimed reminder; returns 1 if it was sent."""
    return reminders_deliver(reminder_ids=[reminder_id], claim_token=claim_token, now=now)


def reminders_pending(*, now: dt.datetime | None = None):
    """Reminders not yet sent nor skipped, soonest first (for the ``pending_reminders`` command)."""
    return (
        Reminder.objects.filter(sent_at__isnull=True, skipped_reason="")
        .select_related("followup", "followup__agency", "followup__measure")
        .order_by("due_at", "pk")
    )
