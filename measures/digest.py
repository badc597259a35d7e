"""Weekly digest to each director (Monday 07:00 Bangkok): measures that are overdue or have had no
progress report for 30 days, and the follow-up meetings of the coming seven days.

Measures of the current and the previous fiscal year count (an unfinished measure of last year is
still the director's business in October). An agency with nothing to report gets no e-mail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from ita_portal.agencies.models import Agency, Membership, Role
from ita_portal.mail.render import render_email
from ita_portal.mail.services import email_queue
from ita_portal.thai import digits, fiscal_year_of, format_date
from measures.models import FollowUp, FollowUpStatus, Measure, MeasureStatus

STALE_PROGRESS_DAYS = 30


@dataclass
class AgencyDigest:
    agency: Agency
    overdue: list = field(default_factory=list)
    stale: list = field(default_factory=list)
    meetings: list = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.overdue or self.stale or self.meetings)


def agency_digest(*, agency: Agency, now: dt.datetime) -> AgencyDigest:
    """What a director of ``agency`` should look at this week (read only)."""
    today = timezone.localdate(now)
    since = today - dt.timedelta(days=STALE_PROGRESS_DAYS)
    open_measures = (
        Measure.objects.filter(agency=agency, fiscal_year__gte=fiscal_year_of(today) - 1)
        .exclude(status__in=[MeasureStatus.DONE, MeasureStatus.NOT_DONE])
        .annotate(last_progress=Max("progress_updates__reported_on"))
        .order_by("fiscal_year", "order", "pk")
    )
    overdue = list(open_measures.filter(end_date__lt=today))
    overdue_ids = {m.pk for m in overdue}
    stale = [
        m
        for m in open_measures.filter(
            Q(last_progress__lt=since)
            | Q(last_progress__isnull=True, start_date__lte=since)
            | Q(last_progress__isnull=True, start_date__isnull=True, created_at__lt=now - dt.timedelta(days=STALE_PROGRESS_DAYS))
        )
        if m.pk not in overdue_ids
    ]
    meetings = list(
        FollowUp.objects.filter(
            agency=agency, status=FollowUpStatus.SCHEDULED, starts_at__gte=now, starts_at__lt=now + dt.timedelta(days=7)
        )
        .select_related("measure")
        .order_by("starts_at")
    )
    return AgencyDigest(agency=agency, overdue=overdue, stale=stale, meetings=meetings)


def director_digest_send_all(*, now: dt.datetime | None = None) -> int:
    """Queue this week's digest for every director with an e-mail address; returns how many were queued.

    Idempotent per ISO week: a second run (beat fired twice, a retry) queues nothing new.
    """
    from measures.reminder_mail import meeting_when
    from measures.reminders import followup_link, measure_link

    now = now or timezone.now()
    iso = timezone.localdate(now).isocalendar()
    week = f"{iso.year}-W{iso.week:02d}"
    directors = (
        Membership.objects.filter(role=Role.DIRECTOR, is_active=True, user__is_active=True, agency__is_active=True)
        .exclude(user__email="")
        .select_related("agency", "user")
        .order_by("agency_id", "pk")
    )
    digests: dict[int, AgencyDigest] = {}
    queued = 0
    for member in directors:
        if member.agency_id not in digests:
            digests[member.agency_id] = agency_digest(agency=member.agency, now=now)
        digest = digests[member.agency_id]
        if digest.is_empty:
            continue
        thai = member.agency.use_thai_digits
        context = {
            "member": member,
            "agency": member.agency,
            "today": format_date(timezone.localdate(now), thai_digits=thai),
            "overdue": [(m, format_date(m.end_date, thai_digits=thai), measure_link(m)) for m in digest.overdue],
            "stale": [
                (m, format_date(m.last_progress, thai_digits=thai) if m.last_progress else "", measure_link(m))
                for m in digest.stale
            ],
            "meetings": [(f, meeting_when(f, thai_digits=thai), followup_link(f)) for f in digest.meetings],
            "stale_days": digits(STALE_PROGRESS_DAYS, thai),
            "counts": {k: digits(len(getattr(digest, k)), thai) for k in ("overdue", "stale", "meetings")},
        }
        subject, text, html = render_email("director_digest", context)
        with transaction.atomic():
            email = email_queue(
                recipients=[member.user.email], subject=subject, text=text, html=html, dedupe_key=f"digest:{week}:{member.pk}"
            )
        queued += email is not None
    return queued
