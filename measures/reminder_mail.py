"""The e-mails of follow-up meetings: a reminder (with an invitation, METHOD:REQUEST) or a
cancellation notice (METHOD:CANCEL), one message per recipient, queued in the outbox.

``reminder_messages`` only builds the messages; ``measures.services.reminders.reminders_deliver`` queues a
whole batch of them with ``email_queue_many`` inside its transaction, so the outbox rows and the
reminders' ``sent_at`` are committed together.

A busy sweep sends hundreds of these, so the expensive parts are done once per reminder, not once
per recipient: the templates are rendered with a marker in place of the recipient's name (the only
per-recipient value in them) and the marker is replaced afterwards (HTML-escaped in the HTML part);
the invitation is serialised once with a stand-in attendee whose ATTENDEE line is swapped for each
recipient's (one icalendar content line, cached per person). Both give the same bytes as rendering per recipient (tested).
"""

from __future__ import annotations

import datetime as dt
import functools

from django.utils import timezone
from django.utils.html import escape
from icalendar.parser import Contentline

from ita_portal.agencies.models import Membership
from ita_portal.ics import attendee_address, calendar_bytes, followup_event
from ita_portal.mail.render import render_email
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


# The recipient's name while rendering: private-use characters, never in real text, kept as they
# are by HTML escaping and by the templates (they print ``member.full_name`` without filters).
NAME_MARK = "\ue000ITA-member-name\ue001"
STAND_IN = ("ita-attendee@invalid", "ita-attendee")


class _MarkedMember:
    full_name = NAME_MARK


@functools.lru_cache(maxsize=4096)
def _attendee_lines(address: str, display: str) -> bytes:
    """The folded ATTENDEE content line(s) ``followup_event`` writes for one attendee.

    The content line icalendar's ``Component.to_ical`` writes for the property, without building a
    component around it; cached, because the same people are invited to meeting after meeting and
    the stand-in is needed for every reminder.
    """
    attendee = attendee_address(address, display)
    return Contentline.from_parts("ATTENDEE", attendee.params, attendee, sorted=True).to_ical() + b"\r\n"


def reminder_messages(*, reminder: Reminder, followup: FollowUp, recipients: list[Membership]) -> list[dict]:
    """The e-mails of ``reminder``, one per recipient, as keyword dicts for ``email_queue_many``.

    Each carries a Thai subject, text and HTML body, the meeting as ``invite.ics`` (METHOD:REQUEST,
    or CANCEL for a cancellation notice) with the recipient as its attendee, and a dedupe key made
    of the reminder, its due moment and the address (a reminder re-armed by a move is a new
    message, a retry is not).
    """
    from measures.reminders import followup_link

    cancelled = reminder.kind == ReminderKind.CANCELLATION
    name = "followup_cancelled" if cancelled else "followup_reminder"
    method = "CANCEL" if cancelled else "REQUEST"
    link = followup_link(followup)
    thai = followup.agency.use_thai_digits
    now = timezone.now()
    days_left = (timezone.localtime(followup.starts_at).date() - timezone.localtime(now).date()).days
    context = {
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
        "member": _MarkedMember(),
    }
    subject, text, html = render_email(name, context)
    # Serialised once with a stand-in attendee whose lines are then swapped for each recipient's:
    # icalendar writes properties in a fixed order and folds each on its own, so this gives the
    # bytes of serialising per recipient. Should the stand-in not be found once, build per recipient.
    event = followup_event(followup, url=link, attendees=[STAND_IN], cancelled=cancelled, stamp=now.astimezone(dt.UTC))
    ics = calendar_bytes([event], method=method)
    stand_in = _attendee_lines(*STAND_IN)
    template = ics.split(stand_in) if ics.count(stand_in) == 1 else None
    stamp = int(reminder.due_at.timestamp())
    messages = []
    for member in recipients:
        address = member.user.email.strip()
        full_name = member.full_name
        if template:
            invite = _attendee_lines(address, full_name).join(template)
        else:
            attendee_event = followup_event(
                followup, url=link, attendees=[(address, full_name)], cancelled=cancelled, stamp=now.astimezone(dt.UTC)
            )
            invite = calendar_bytes([attendee_event], method=method)
        messages.append(
            {
                "recipients": [address],
                "subject": subject.replace(NAME_MARK, full_name),
                "text": text.replace(NAME_MARK, full_name),
                "html": html.replace(NAME_MARK, escape(full_name)),
                "attachments": [
                    {"filename": "invite.ics", "content_type": "text/calendar", "method": method, "content": invite.decode()}
                ],
                "dedupe_key": f"followup:{reminder.pk}:{stamp}:{address.lower()}"[:255],
            }
        )
    return messages
