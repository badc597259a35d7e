"""The e-mails of follow-up meetings: a reminder (with an invitation, METHOD:REQUEST) or a
cancellation notice (METHOD:CANCEL), one message per recipient, queued in the outbox.

Called only from ``measures.reminders.reminder_deliver`` inside its transaction, so the outbox rows
and the reminder's ``sent_at`` are committed together.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ita_portal.agencies.models import Membership
from ita_portal.ics import calendar_bytes, followup_event
from ita_portal.mail.render import render_email
from ita_portal.mail.services import email_queue
from ita_portal.thai import WEEKDAYS, digits, format_date
from measures.models import FollowUp, Reminder, ReminderKind


def meeting_when(followup: FollowUp, *, thai_digits: bool = True) -> str:
    """'วันจันทร์ที่ ๓๐ กันยายน ๒๕๖๗ เวลา ๐๙.๓๐–๑๒.๐๐ น.' in Bangkok time."""
    starts = timezone.localtime(followup.starts_at)
    text = f"วัน{WEEKDAYS[starts.weekday()]}ที่ {format_date(starts.date(), thai_digits=False)} เวลา {starts:%H.%M}"
    if followup.ends_at:
        ends = timezone.localtime(followup.ends_at)
        text += (
            f"–{ends:%H.%M}"
            if ends.date() == starts.date()
            else f" ถึง {format_date(ends.date(), thai_digits=False)} {ends:%H.%M}"
        )
    return digits(text + " น.", thai_digits)


def reminder_emails_queue(*, reminder: Reminder, followup: FollowUp, recipients: list[Membership]) -> int:
    """Queue one e-mail per recipient for ``reminder``; returns how many were queued."""
    from measures.reminders import followup_link

    cancelled = reminder.kind == ReminderKind.CANCELLATION
    name = "followup_cancelled" if cancelled else "followup_reminder"
    method = "CANCEL" if cancelled else "REQUEST"
    link = followup_link(followup)
    thai = followup.agency.use_thai_digits
    now = timezone.now()
    days_left = (timezone.localtime(followup.starts_at).date() - timezone.localtime(now).date()).days
    base = {
        "followup": followup,
        "measure": followup.measure,
        "agency": followup.agency,
        "when": meeting_when(followup, thai_digits=thai),
        "number": digits(followup.number, thai),
        "fiscal_year": digits(followup.fiscal_year, thai),
        "lead_days": digits(reminder.lead_days, thai),
        "days_left": digits(max(days_left, 0), thai),
        "is_today": days_left <= 0,
        "link": link,
    }
    queued = 0
    # The due moment in the key: a reminder re-armed by a move is a new message, a retry is not.
    stamp = int(reminder.due_at.timestamp())
    for member in recipients:
        address = member.user.email.strip()
        subject, text, html = render_email(name, {**base, "member": member})
        event = followup_event(
            followup, url=link, attendees=[(address, member.full_name)], cancelled=cancelled, stamp=now.astimezone(dt.UTC)
        )
        ics = calendar_bytes([event], method=method).decode()
        email = email_queue(
            recipients=[address],
            subject=subject,
            text=text,
            html=html,
            attachments=[{"filename": "invite.ics", "content_type": "text/calendar", "method": method, "content": ics}],
            dedupe_key=f"followup:{reminder.pk}:{stamp}:{address.lower()}"[:255],
        )
        queued += email is not None
    return queued
