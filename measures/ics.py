"""Calendar feeds (iCalendar subscriptions) of follow-up meetings: per agency and per user.

Events come from the portal's one VEVENT builder (``ita_portal.ics.followup_event``) so a meeting
has the same UID (``FollowUp.uid``) and SEQUENCE in a feed as in the e-mailed invitations. Feed
times are written as Asia/Bangkok local times with a VTIMEZONE block, so a calendar shows
"09:30" for a meeting typed as 09:30 even where the app ignores UTC conversion.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from icalendar import Calendar

from ita_portal.agencies import selectors
from ita_portal.agencies.models import Agency
from ita_portal.ics import PRODID, followup_event
from measures.models import CalendarFeedToken, FollowUp, FollowUpStatus
from measures.reminders import followup_link

BANGKOK = ZoneInfo("Asia/Bangkok")
# A feed carries meetings from a year back onwards; older ones only weigh the download.
FEED_PAST_DAYS = 400


def _window(qs: QuerySet[FollowUp], fiscal_year: int | None = None) -> QuerySet[FollowUp]:
    """The subscription's rolling window, or every meeting of one fiscal year (the downloaded file)."""
    if fiscal_year is not None:
        qs = qs.filter(fiscal_year=fiscal_year)
    else:
        qs = qs.filter(starts_at__gte=timezone.now() - dt.timedelta(days=FEED_PAST_DAYS))
    return qs.select_related("measure", "agency").order_by("starts_at", "pk")


def feed_for_token(token: str) -> CalendarFeedToken:
    """The feed behind a secret URL, if its owner may still read it (404 otherwise).

    Calendar apps cannot log in, so the token is the key; a feed of someone who left, or of an
    agency the owner no longer sees, answers 404 like an unknown token.
    """
    feed = CalendarFeedToken.objects.select_related("user", "agency").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    if feed.agency is not None and not selectors.can_read(feed.user, feed.agency):
        raise Http404
    return feed


def agency_feed_meetings(*, user, agency: Agency, fiscal_year: int | None = None) -> QuerySet[FollowUp]:
    return _window(selectors.scope_queryset(FollowUp.objects.filter(agency=agency), user), fiscal_year)


def user_feed_meetings(*, user, fiscal_year: int | None = None) -> QuerySet[FollowUp]:
    """The user's own meetings: attendee, named on the measure, or their division is responsible."""
    memberships = selectors.memberships_of(user)
    ids = [m.pk for m in memberships]
    divisions = [m.division_id for m in memberships if m.division_id]
    q = Q(attendees__in=ids) | Q(measure__responsible_people__in=ids)
    if divisions:
        q |= Q(responsible_divisions__in=divisions) | Q(measure__responsible_divisions__in=divisions)
    pks = selectors.scope_queryset(FollowUp.objects.filter(q), user).values("pk")
    return _window(FollowUp.objects.filter(pk__in=pks), fiscal_year)


def feed_bytes(meetings, *, name: str) -> bytes:
    """A VCALENDAR of ``meetings`` with Bangkok-local times and its VTIMEZONE."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Bangkok")
    stamp = timezone.now()
    for meeting in meetings:
        event = followup_event(
            meeting, url=followup_link(meeting), cancelled=meeting.status == FollowUpStatus.CANCELLED, stamp=stamp
        )
        for key, moment in (
            ("dtstart", meeting.starts_at),
            ("dtend", meeting.ends_at or meeting.starts_at + dt.timedelta(hours=1)),
        ):
            del event[key]
            event.add(key, moment.astimezone(BANGKOK))
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
