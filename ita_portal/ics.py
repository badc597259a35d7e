"""One iCalendar builder for the whole portal: e-mail invitations (METHOD:REQUEST / CANCEL) and
the calendar feeds of ``measures/ics.py`` build their VEVENTs here, so a meeting has the same UID
(``FollowUp.uid``) and SEQUENCE everywhere and calendar apps update it instead of adding a copy.

Times are written in UTC (``…Z``): every calendar app shows them in the reader's own zone, and no
VTIMEZONE block is needed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//ITA Portal//Follow-up meetings//TH"
DEFAULT_DURATION = dt.timedelta(hours=1)


def followup_event(
    followup,
    *,
    url: str = "",
    organizer: str | None = None,
    attendees: Iterable[tuple[str, str]] = (),
    cancelled: bool = False,
    stamp: dt.datetime | None = None,
) -> Event:
    """A VEVENT for a follow-up meeting.

    ``attendees``: (e-mail, display name) pairs. ``organizer`` defaults to DEFAULT_FROM_EMAIL
    (iTIP needs an ORGANIZER on REQUEST and CANCEL). ``cancelled`` sets STATUS:CANCELLED.
    """
    event = Event()
    event.add("uid", str(followup.uid))
    event.add("dtstamp", (stamp or timezone.now()).astimezone(dt.UTC))
    starts = followup.starts_at.astimezone(dt.UTC)
    ends = (followup.ends_at or followup.starts_at + DEFAULT_DURATION).astimezone(dt.UTC)
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("sequence", followup.sequence)
    summary = f"การกำกับติดตาม ครั้งที่ {followup.number}"
    if followup.title:
        summary += f" {followup.title}"
    elif followup.measure_id:
        summary += f" {followup.measure.title}"
    event.add("summary", summary)
    location = followup.place or followup.online_url
    if location:
        event.add("location", location)
    description = "\n\n".join(p for p in (followup.agenda, followup.online_url, url) if p)
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    name, address = parseaddr(organizer or settings.DEFAULT_FROM_EMAIL)
    org = vCalAddress(f"mailto:{address}")
    org.params["cn"] = vText(name or address)
    event.add("organizer", org)
    for address, display in attendees:
        event.add("attendee", attendee_address(address, display), encode=0)
    return event


def attendee_address(address: str, display: str = "") -> vCalAddress:
    """An invited participant as every portal invitation writes it (CN and REQ-PARTICIPANT)."""
    attendee = vCalAddress(f"mailto:{address}")
    attendee.params["cn"] = vText(display or address)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    return attendee


def calendar_bytes(events: Iterable[Event], *, method: str | None = None, name: str = "") -> bytes:
    """A VCALENDAR holding ``events``; ``method`` is REQUEST / CANCEL for e-mail, None for feeds."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(event)
    return cal.to_ical()
