"""Workflow notifications: who is told what when a report moves, through the mail outbox.

The next person in the chain (or the director at its end) when a memo reaches them; the drafter
when it is returned (with the note) or approved; the agency's members when it is published. Each
message is an outbox row written in the same transaction as the move, keyed by the event and the
recipient, so it is sent exactly once (and retried by the outbox) even if the service runs twice.
When the agency has set up LINE, the event also goes to its LINE group (one outbox row per event).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from ita_portal.agencies import selectors as access
from ita_portal.agencies.models import Membership
from ita_portal.mail.line import line_queue_many
from ita_portal.mail.render import render_email
from ita_portal.mail.services import email_queue_many
from reports.models import Report, ReportAction, ReportEvent

#: Events that tell someone something, and the e-mail template's wording of them.
NOTIFIED = frozenset({ReportAction.SUBMIT, ReportAction.FORWARD, ReportAction.RETURN, ReportAction.APPROVE, ReportAction.PUBLISH})


def report_link(report: Report) -> str:
    """Absolute link to the report's staff page (SITE_URL + its URL)."""
    kwargs = {"agency_id": report.agency_id, "year": report.fiscal_year, "pk": report.pk}
    return settings.SITE_URL + reverse("reports:detail", kwargs=kwargs)


def _drafters(report: Report) -> list:
    """The report's creator and whoever submitted it (they are told of returns and approvals)."""
    ids = [report.created_by_id] if report.created_by_id else []
    ids += list(report.events.filter(action=ReportAction.SUBMIT).values_list("actor_id", flat=True))
    return list(get_user_model().objects.filter(pk__in=[i for i in ids if i], is_active=True))


def recipients_for(*, report: Report, event: ReportEvent) -> list:
    """Users to tell about ``event`` (see the module docstring); the actor is never told of their own act."""
    if event.action in (ReportAction.SUBMIT, ReportAction.FORWARD):
        if report.pending_review_id:
            users = [report.pending_review.reviewer]
        else:
            signers = access.roles_granting(access.Action.APPROVE)
            members = Membership.objects.filter(agency=report.agency, role__in=signers, is_active=True).select_related("user")
            users = [m.user for m in members]
    elif event.action in (ReportAction.RETURN, ReportAction.APPROVE):
        users = _drafters(report)
    elif event.action == ReportAction.PUBLISH:
        members = Membership.objects.filter(agency=report.agency, is_active=True).select_related("user")
        users = [m.user for m in members]
    else:
        users = []
    seen, out = set(), []
    for user in users:
        if user.pk != event.actor_id and user.is_active and user.pk not in seen:
            seen.add(user.pk)
            out.append(user)
    return out


def notify_context(*, report: Report, event: ReportEvent) -> dict:
    actor_member = Membership.objects.filter(agency=report.agency, user_id=event.actor_id).first()
    return {
        "report": report,
        "event": event,
        "action": event.action,
        "actor_name": actor_member.full_name if actor_member else (event.actor.get_full_name() or event.actor.get_username()),
        "waiting_for": report.pending_review.reviewer_name if report.pending_review_id else "",
        "link": report_link(report),
        "agency": report.agency,
    }


def notify_event(*, report: Report, event: ReportEvent) -> int:
    """Queue the notifications of ``event`` (inside the moving transaction); returns how many rows."""
    if event.action not in NOTIFIED:
        return 0
    context = notify_context(report=report, event=event)
    subject, text, html = render_email("report_event", context)
    messages = [
        {
            "recipients": [user.email],
            "subject": subject,
            "text": text,
            "html": html,
            "dedupe_key": f"report-event:{event.pk}:u{user.pk}",
        }
        for user in recipients_for(report=report, event=event)
        if user.email
    ]
    created = email_queue_many(messages=messages)
    line_text = f"{subject}\n{context['link']}" + (f"\n{event.note}" if event.note else "")
    line = line_queue_many(
        messages=[{"agency_id": report.agency_id, "text": line_text, "dedupe_key": f"report-event:{event.pk}:line"}]
    )
    return len(created) + len(line)
