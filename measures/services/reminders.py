"""Writers of the Reminder rows: recompute a meeting's reminders, and the sweep that sends them once.

Design (DESIGN.md §5, summarised in ``measures.reminders``): each meeting stores its reminder
moments; a periodic sweep claims due rows with a conditional UPDATE and sends each one by
inserting its outbox e-mails and setting ``sent_at`` in one transaction, so a reminder is never
queued twice and a worker that died leaves it claimable again after the stale timeout.
``reminders_recompute`` is called by the follow-up services whenever a meeting is created, moved,
cancelled or held. When reminders are due, who receives them and what the e-mails say are reads
in ``measures.reminders`` and ``measures.reminder_mail``.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ita_portal.agencies.working_days import days_off
from ita_portal.mail.line import line_queue_many
from ita_portal.mail.services import email_queue_many
from measures.models import FollowUp, FollowUpStatus, Reminder, ReminderKind
from measures.reminders import (
    DEFAULT_LEAD_DAYS,
    SKIP_CANCELLED,
    SKIP_HELD,
    SKIP_LATE,
    SKIP_NO_RECIPIENTS,
    SKIP_NOT_BEFORE_MEETING,
    SKIP_NOT_CANCELLED,
    SKIP_PAST,
    claim_stale_seconds,
    followup_link,
    followups_recipients,
    reminder_due_at,
)

logger = logging.getLogger(__name__)


def _line_channels(followups) -> dict:
    """Enabled LINE channels of the meetings' agencies, read from the join already made (no query)."""
    channels = {}
    for f in followups:
        channel = getattr(f.agency, "line_channel", None)
        if channel is not None and channel.enabled:
            channels[f.agency_id] = channel
    return channels


def _lead_days(followup: FollowUp) -> list[int]:
    days = followup.agency.lead_days()
    return days if days else list(DEFAULT_LEAD_DAYS)


def _unclaim(reminder: Reminder) -> None:
    reminder.claimed_at = None
    reminder.claim_token = None


def reminders_recompute(*, followup: FollowUp, now: dt.datetime | None = None) -> None:
    """Create or update the Reminder rows of ``followup`` from its current time and status.

    - scheduled: one reminder per agency lead day (``Agency.lead_days()``, default 7 and 1) at
      08:00 Bangkok, moved to the previous working day when it falls on a weekend, a Thai public
      holiday or an agency day off. A moved meeting gets new moments; a moment that moved into the future is
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
        meeting_day = timezone.localtime(followup.starts_at).date()
        off = days_off(followup.agency, meeting_day - dt.timedelta(days=max(wanted)), meeting_day)
        for lead in wanted:
            due = reminder_due_at(followup.starts_at, lead, off)
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
            .select_related("agency", "agency__line_channel", "measure")
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
        messages, sent_ids, line_messages = [], [], []
        for r in reminders:
            if not reasons[r.pk] and not recipients[r.followup_id]:
                reasons[r.pk] = SKIP_NO_RECIPIENTS
            if reasons[r.pk]:
                continue
            followup = followups[r.followup_id]
            mine_messages = reminder_messages(reminder=r, followup=followup, recipients=recipients[r.followup_id])
            messages += mine_messages
            sent_ids.append(r.pk)
            if mine_messages:
                # The agency's LINE group (when configured) gets the reminder once, not once per person.
                text = f"{mine_messages[0]['subject']}\n{followup_link(followup)}"
                line_messages.append({"agency_id": followup.agency_id, "text": text, "dedupe_key": f"reminder:{r.pk}:line"})
        email_queue_many(messages=messages)
        line_queue_many(messages=line_messages, channels=_line_channels(followups.values()))
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
