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
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from ita_portal.agencies.models import Membership, Role
from measures.models import FollowUp, FollowUpStatus, Reminder, ReminderKind

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


def followup_recipients(followup: FollowUp) -> list[Membership]:
    """Who receives a meeting's reminders and notices (see the module docstring), one per address."""
    # One query: every condition is a sub-select, so the sweep stays at a handful of queries a row.
    people = Q(pk__in=followup.attendees.values("pk")) | Q(
        agency_id=followup.agency_id, division_id__in=followup.responsible_divisions.values("pk")
    )
    measure = followup.measure
    if measure is not None:
        people |= Q(pk__in=measure.responsible_people.values("pk")) | Q(
            agency_id=followup.agency_id, division_id__in=measure.responsible_divisions.values("pk")
        )
    members = list(
        Membership.objects.filter(people, is_active=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )
    if not members and measure is None:
        members = list(
            Membership.objects.filter(agency_id=followup.agency_id, role=Role.DIRECTOR, is_active=True, user__is_active=True)
            .exclude(user__email="")
            .select_related("user")
            .order_by("pk")
        )
    seen: set[str] = set()
    unique = []
    for m in members:
        address = m.user.email.strip().lower()
        if address and address not in seen:
            seen.add(address)
            unique.append(m)
    return unique


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
    WHERE on each row, so of two sweeps exactly one claims a row. Each claimed row is then sent in
    its own transaction (outbox rows + ``sent_at`` together), guarded by the claim token.
    """
    now = now or timezone.now()
    token = uuid.uuid4()
    sent = 0
    while True:
        ids = list(_due_unsent(now).order_by("due_at", "pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            break
        _due_unsent(now).filter(pk__in=ids).update(claimed_at=now, claim_token=token)
        for pk in Reminder.objects.filter(pk__in=ids, claim_token=token).order_by("due_at", "pk").values_list("pk", flat=True):
            try:
                sent += reminder_deliver(reminder_id=pk, claim_token=token, now=now)
            except Exception:
                # Left claimed: it is retried once the claim goes stale; the other rows still go out.
                logger.exception("reminder %s could not be queued", pk)
    return sent


def reminder_deliver(*, reminder_id: int, claim_token: uuid.UUID, now: dt.datetime) -> int:
    """Queue the e-mails of one claimed reminder and mark it sent, atomically. Returns 1 if sent.

    Locks the meeting first (same order as ``reminders_recompute``), then re-reads the reminder
    under our claim token: if another sweep took the row over, nothing happens.
    """
    from measures.reminder_mail import reminder_emails_queue

    followup_id = Reminder.objects.filter(pk=reminder_id).values_list("followup_id", flat=True).first()
    if followup_id is None:
        return 0
    with transaction.atomic():
        followup = FollowUp.objects.select_for_update(of=("self",)).select_related("agency", "measure").get(pk=followup_id)
        reminder = (
            Reminder.objects.select_for_update().filter(pk=reminder_id, claim_token=claim_token, sent_at__isnull=True).first()
        )
        if reminder is None or reminder.skipped_reason:
            return 0
        reason = ""
        if followup.starts_at <= now:
            reason = SKIP_PAST
        elif reminder.kind == ReminderKind.REMINDER and followup.status != FollowUpStatus.SCHEDULED:
            reason = SKIP_CANCELLED if followup.status == FollowUpStatus.CANCELLED else SKIP_HELD
        elif reminder.kind == ReminderKind.CANCELLATION and followup.status != FollowUpStatus.CANCELLED:
            reason = SKIP_NOT_CANCELLED
        recipients = [] if reason else followup_recipients(followup)
        if not reason and not recipients:
            reason = SKIP_NO_RECIPIENTS
        if reason:
            reminder.skipped_reason = reason
            reminder.save(update_fields=["skipped_reason"])
            return 0
        reminder_emails_queue(reminder=reminder, followup=followup, recipients=recipients)
        reminder.sent_at = now
        reminder.save(update_fields=["sent_at"])
        return 1


def reminders_pending(*, now: dt.datetime | None = None):
    """Reminders not yet sent nor skipped, soonest first (for the ``pending_reminders`` command)."""
    return (
        Reminder.objects.filter(sent_at__isnull=True, skipped_reason="")
        .select_related("followup", "followup__agency", "followup__measure")
        .order_by("due_at", "pk")
    )
