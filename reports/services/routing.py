"""The routing chain (เสนอตามลำดับชั้น): who a memo passes through between its drafter and the director.

Each agency sets, per report kind, an ordered list of members (the head of the division, a deputy …);
with none the memo goes directly to the director, as before. Submitting starts a new *round*: the
chain is copied into :class:`ReviewStep` rows (names and positions as printed), and the report's
``pending_review`` points at the step holding it. The person there forwards it with a short note
(เกษียณหนังสือ) or returns it; after the last step it waits for the director. Nobody else may act.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ita_portal.agencies import selectors as access
from ita_portal.agencies.models import Agency, Membership
from reports.models import (
    Report,
    ReportAction,
    ReportKind,
    ReviewOutcome,
    ReviewStep,
    RoutingStep,
)


def routing_chain(*, agency: Agency, kind: str) -> list[RoutingStep]:
    """The agency's chain for ``kind``, in order (empty: directly to the director)."""
    return list(
        RoutingStep.objects.filter(agency=agency, kind=kind, reviewer__is_active=True)
        .select_related("reviewer", "reviewer__user")
        .order_by("order")
    )


@transaction.atomic
def routing_chain_set(*, agency: Agency, kind: str, reviewers: list[Membership], actor) -> list[RoutingStep]:
    """Replace the agency's chain for ``kind`` with ``reviewers`` in order. Needs the director's right.

    Reviewers must be active members of the agency, each once; directors of the agency are not
    steps (the memo reaches them at the end anyway). Memos already on their way keep their round.
    """
    if not access.can_approve(actor, agency):
        raise PermissionDenied
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("ไม่รู้จักประเภทเอกสารนี้")})
    seen: set[int] = set()
    for member in reviewers:
        if member.agency_id != agency.pk or not member.is_active:
            raise ValidationError(_("ผู้พิจารณาต้องเป็นสมาชิกของหน่วยงานนี้"))
        if member.pk in seen:
            raise ValidationError(_("ระบุผู้พิจารณาคนเดียวกันซ้ำไม่ได้: %(name)s") % {"name": member.full_name})
        seen.add(member.pk)
    RoutingStep.objects.filter(agency=agency, kind=kind).delete()
    return [
        RoutingStep.objects.create(agency=agency, kind=kind, order=n, reviewer=member)
        for n, member in enumerate(reviewers, start=1)
    ]


def review_round_start(report: Report) -> ReviewStep | None:
    """Copy the chain into a new round of the (locked) report; returns the first step or None.

    Called by ``report_submit`` inside its transaction, before the report is saved.
    """
    report.review_round += 1
    steps = [
        ReviewStep.objects.create(
            report=report,
            round=report.review_round,
            order=step.order,
            reviewer=step.reviewer.user,
            reviewer_name=step.reviewer.full_name,
            reviewer_position=step.reviewer.position_title or (step.reviewer.division.name if step.reviewer.division_id else ""),
        )
        for step in routing_chain(agency=report.agency, kind=report.kind)
    ]
    report.pending_review = steps[0] if steps else None
    return report.pending_review


def current_step(report: Report) -> ReviewStep | None:
    """The step holding a submitted report now, or None when it waits for the director.

    Only submitted reports have a pending step (returning clears it), so the state is not looked at:
    the services call this on a report whose state they are already changing."""
    if not report.pending_review_id:
        return None
    return ReviewStep.objects.select_related("reviewer").get(pk=report.pending_review_id)


def round_steps(report: Report) -> list[ReviewStep]:
    """The steps of the report's latest round, in order (what the memo prints as notes)."""
    if not report.review_round:
        return []
    return list(report.review_steps.filter(round=report.review_round).order_by("order"))


def may_return(report: Report, actor) -> bool:
    """Whoever holds the memo may return it: the pending reviewer, or the director at the end."""
    step = current_step(report)
    if step is not None:
        return step.reviewer_id == actor.pk
    return access.can_approve(actor, report.agency)


def step_close(step: ReviewStep, *, outcome: str, note: str) -> None:
    step.outcome, step.note, step.done_at = outcome, (note or "").strip(), timezone.now()
    step.save(update_fields=["outcome", "note", "done_at"])


@transaction.atomic
def report_forward(*, report: Report, actor, note: str = "") -> Report:
    """The reviewer holding a submitted memo passes it on with an optional note (เกษียณหนังสือ).

    The memo goes to the next step of the round, or to the director after the last one. Only the
    person at the pending step may forward (PermissionDenied for anyone else).
    """
    from reports.services.signoff import log_event, move, reviewed_sha

    locked, old = move(report=report, action=ReportAction.FORWARD, actor=actor)
    step = current_step(locked)
    if step is None:
        raise ValidationError(_("รายงานนี้รอการพิจารณาของผู้บริหารแล้ว ไม่มีขั้นตอนให้เสนอต่อ"))
    if step.reviewer_id != actor.pk:
        raise PermissionDenied
    step_close(step, outcome=ReviewOutcome.FORWARD, note=note)
    following = locked.review_steps.filter(round=locked.review_round, order__gt=step.order).order_by("order").first()
    locked.pending_review = following
    locked.save(update_fields=["state", "pending_review", "updated_at"])
    event = log_event(
        locked, action=ReportAction.FORWARD, actor=actor, from_state=old, note=step.note, pdf_sha256=reviewed_sha(locked)
    )
    from reports.services.notify import notify_event

    notify_event(report=locked, event=event)
    return locked
