"""Reminders of O-items not ready before their due date, through the outbox (``ita_portal.mail``).

Moments: each of the agency's ``reminder_lead_days`` (e.g. 7 and 1) before a row's due date, at
09:00 Asia/Bangkok. The sweep (every few minutes, beat entry "oit.reminders_sweep") writes the
moments that have come, claims them with one conditional UPDATE (of two concurrent sweeps
exactly one claims a row), and queues one e-mail per moment to the row's responsible person
with a dedupe key: exactly once per moment. When the agency has a LINE channel
(``ita_portal.mail.line``), the moment also goes to its LINE group once, through the same outbox
and in the same transaction, as the measures' meeting reminders do.
"""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ita_portal.mail.line import line_queue_many
from ita_portal.mail.services import email_queue_many
from ita_portal.thai import format_date
from oit.models import OitEntry, OitReminder, OitStatus

BANGKOK = ZoneInfo("Asia/Bangkok")
SEND_AT = dt.time(9, 0)
STALE = dt.timedelta(minutes=15)
OPEN = (OitStatus.NOT_STARTED, OitStatus.IN_PROGRESS)
LOOKAHEAD = dt.timedelta(days=90)


def moment(due_date: dt.date, lead_days: int) -> dt.datetime:
    """When the reminder ``lead_days`` before ``due_date`` is due (09:00 Bangkok)."""
    return dt.datetime.combine(due_date - dt.timedelta(days=lead_days), SEND_AT, tzinfo=BANGKOK)


def _write_due_moments(now: dt.datetime) -> None:
    """Insert the moments that have come for open rows whose due date is today or later."""
    today = now.astimezone(BANGKOK).date()
    # No agency warns more than LOOKAHEAD days ahead; later due dates have no moment yet.
    entries = OitEntry.objects.filter(status__in=OPEN, due_date__gte=today, due_date__lte=today + LOOKAHEAD).select_related(
        "agency"
    )
    rows = []
    for entry in entries.iterator(chunk_size=2000):
        for lead in entry.agency.lead_days():
            if moment(entry.due_date, lead) <= now:
                rows.append(OitReminder(entry=entry, due_date=entry.due_date, lead_days=lead))
    OitReminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)


def _claimable(now: dt.datetime):
    return OitReminder.objects.filter(sent_at__isnull=True, skipped_reason="").filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE)
    )


def _link(entry: OitEntry) -> str:
    path = reverse("oit:item", kwargs={"agency_id": entry.agency_id, "year": entry.fiscal_year, "code": entry.item.code})
    return settings.SITE_URL + path


def _subject(entry: OitEntry) -> str:
    return f"แจ้งเตือน: ข้อ {entry.item.code} ยังไม่พร้อม กำหนดส่ง {format_date(entry.due_date, thai_digits=False)}"


def _message(reminder: OitReminder) -> dict | None:
    entry = reminder.entry
    user = entry.responsible.user if entry.responsible_id else None
    if user is None or not user.email:
        return None
    due = format_date(entry.due_date, thai_digits=False)
    return {
        "recipients": [user.email],
        "subject": _subject(entry),
        "text": (
            f"ข้อ {entry.item.code} {entry.item.title} ของ {entry.agency.name} ปีงบประมาณ {entry.fiscal_year}\n"
            f"ยังไม่พร้อมให้ตรวจ (สถานะ: {entry.get_status_display()}) กำหนดส่ง {due}\n\n{_link(entry)}\n"
        ),
        "dedupe_key": f"oit-reminder-{reminder.pk}",
    }


def _line_message(reminder: OitReminder) -> dict | None:
    """The moment for the agency's LINE group (once per moment, not once per person), or None
    when the agency has no enabled channel (read from the join already made: no query)."""
    entry = reminder.entry
    channel = getattr(entry.agency, "line_channel", None)
    if channel is None or not channel.enabled:
        return None
    who = ""
    if entry.responsible_id:
        who = f"\nผู้รับผิดชอบ: {entry.responsible.full_name or entry.responsible.user.get_username()}"
    text = f"{_subject(entry)}\n{entry.item.title}{who}\n{_link(entry)}"
    return {"agency_id": entry.agency_id, "text": text, "dedupe_key": f"oit-reminder-{reminder.pk}:line"}


def oit_reminders_sweep(*, now: dt.datetime | None = None) -> int:
    """Send every reminder moment that has come, exactly once; returns how many e-mails were queued
    (the LINE pushes of the same moments are queued beside them)."""
    now = now or timezone.now()
    _write_due_moments(now)
    token = uuid.uuid4()
    ids = list(_claimable(now).values_list("pk", flat=True)[:5000])
    if not ids:
        return 0
    _claimable(now).filter(pk__in=ids).update(claimed_at=now, claim_token=token)
    with transaction.atomic():
        mine = list(
            OitReminder.objects.select_for_update(of=("self",))
            .filter(claim_token=token, sent_at__isnull=True)
            .select_related("entry__agency__line_channel", "entry__item", "entry__responsible__user")
        )
        messages, line_messages, sent, skipped = [], [], [], []
        channels = {}
        for reminder in mine:
            message = line = None
            if reminder.entry.status in OPEN and reminder.entry.due_date == reminder.due_date:
                message, line = _message(reminder), _line_message(reminder)
            (sent if message or line else skipped).append(reminder.pk)
            if message:
                messages.append(message)
            if line:
                line_messages.append(line)
                channels[reminder.entry.agency_id] = reminder.entry.agency.line_channel
        queued = email_queue_many(messages=messages)
        if line_messages:
            line_queue_many(messages=line_messages, channels=channels)
        OitReminder.objects.filter(pk__in=sent).update(sent_at=now)
        OitReminder.objects.filter(pk__in=skipped).update(skipped_reason="ready-or-no-recipient")
    return len(queued)
