"""Report lifecycle: create, edit (new version once approved), and the sign-off transitions.

The allowed moves are one explicit map, :data:`TRANSITIONS`. Every move locks the report row,
checks the map and the actor's right, and adds a :class:`ReportEvent` with the SHA-256 of the PDF
it concerned: the PDF the director reviewed for submit / return / approve, the frozen approved PDF
for publish / revoke.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ita_portal import thai
from ita_portal.agencies import selectors as access
from ita_portal.agencies.models import Agency
from reports import selectors
from reports.documents import build_source, kind_for
from reports.documents.kind import SEED_FIELDS
from reports.models import (
    Decision,
    DocumentSequence,
    Rendition,
    Report,
    ReportAction,
    ReportEvent,
    ReportKind,
    ReportState,
    ReviewOutcome,
)
from reports.services import routing
from reports.services.notify import notify_event

S = ReportState

#: action → (states it may start from, state it leads to). Nothing else moves a report.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    ReportAction.SUBMIT: (frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED),
    ReportAction.FORWARD: (frozenset({S.SUBMITTED}), S.SUBMITTED),
    ReportAction.RETURN: (frozenset({S.SUBMITTED}), S.RETURNED),
    ReportAction.APPROVE: (frozenset({S.SUBMITTED}), S.APPROVED),
    ReportAction.PUBLISH: (frozenset({S.APPROVED, S.REVOKED}), S.PUBLISHED),
    ReportAction.REVOKE: (frozenset({S.PUBLISHED}), S.REVOKED),
}

#: Actions that need the director's right (can_approve); the others need a writer's right, except
#: the chain's own moves (forward, and return while a reviewer holds the memo): only that reviewer.
DIRECTOR_ACTIONS = frozenset({ReportAction.RETURN, ReportAction.APPROVE, ReportAction.PUBLISH, ReportAction.REVOKE})
CHAIN_ACTIONS = frozenset({ReportAction.FORWARD, ReportAction.RETURN})

#: Fields staff edit in the browser.
EDITABLE_FIELDS = (
    "quarter",
    "division",
    "department_line",
    "doc_date",
    "subject",
    "addressee",
    "body",
    "proposals",
    "closing",
    "signer_name",
    "signer_position",
    "title",
    "intro",
    "use_thai_digits",
    "attachment_digits",
    "doc_prefix",
    "oit_item_key",
    # What the seeds print beyond memo and table (the form shows each only for its kinds).
    *SEED_FIELDS,
)

#: States in which an edit starts a new version instead of changing the signed document.
FROZEN_STATES = frozenset({S.APPROVED, S.PUBLISHED, S.REVOKED})


def allowed_actions(report: Report) -> list[str]:
    """Actions the map allows from the report's state (rights are checked separately)."""
    return [action for action, (sources, _target) in TRANSITIONS.items() if report.state in sources]


def actions_for(report: Report, actor) -> list[str]:
    """The actions ``actor`` may take on ``report`` now: the map's, narrowed by rights and the chain
    (only the pending reviewer forwards; the director approves once the chain is through)."""
    out = []
    pending = routing.current_step(report)
    for action in allowed_actions(report):
        if action == ReportAction.FORWARD:
            ok = pending is not None and pending.reviewer_id == actor.pk
        elif action == ReportAction.APPROVE:
            ok = pending is None and access.can_approve(actor, report.agency)
        else:
            ok = _allowed(report, action, actor)
        if ok:
            out.append(action)
    return out


def log_event(report: Report, *, action: str, actor, from_state: str, note: str = "", pdf_sha256: str = "") -> ReportEvent:
    return ReportEvent.objects.create(
        report=report, action=action, from_state=from_state, to_state=report.state, actor=actor, note=note, pdf_sha256=pdf_sha256
    )


def _validate(report: Report) -> None:
    errors = {}
    for field, message in (
        ("subject", _("กรุณาระบุเรื่อง")),
        ("addressee", _("กรุณาระบุผู้รับ (เรียน)")),
        ("body", _("กรุณาระบุเนื้อความของบันทึก")),
    ):
        if not str(getattr(report, field) or "").strip():
            errors[field] = message
    needs_quarter = kind_for(report.kind).needs_quarter
    if needs_quarter and report.quarter not in (1, 2, 3, 4):
        errors["quarter"] = _("รายงานรายไตรมาสต้องระบุไตรมาส ๑–๔")
    if not needs_quarter and report.quarter is not None and report.quarter not in (1, 2, 3, 4):
        errors["quarter"] = _("ไตรมาสต้องเป็น ๑–๔")
    if report.division_id and report.division.agency_id != report.agency_id:
        errors["division"] = _("กลุ่มงานต้องอยู่ในหน่วยงานเดียวกับรายงาน")
    if errors:
        raise ValidationError(errors)


def report_defaults(*, agency: Agency, year: int, kind: str, actor, quarter: int | None = None) -> dict:
    """Sensible Thai defaults of a new report of ``kind`` (memo header, body, proposals, signer)."""
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("ไม่รู้จักประเภทเอกสารนี้")})
    membership = selectors.signer_membership(agency=agency, user=actor)
    division = membership.division if membership and membership.division_id else None
    document = kind_for(kind)
    values = document.defaults(agency=agency, year=year, division_name=division.name if division else "", quarter=quarter)
    values.update(
        {
            "division": division,
            "addressee": agency.head_title or _("ผู้อำนวยการ"),
            "signer_name": membership.full_name if membership else "",
            "signer_position": membership.position_title if membership else "",
            "use_thai_digits": agency.use_thai_digits,
            "attachment_digits": agency.attachment_digits,
            "oit_item_key": document.default_oit_key,
            "quarter": quarter,
        }
    )
    return values


@transaction.atomic
def report_create(*, agency: Agency, year: int, kind: str, actor, data: dict | None = None) -> Report:
    """Start a draft report of ``kind`` for ``agency`` and fiscal ``year``, filled with Thai defaults
    overridden by ``data``. Needs a writer's right on the agency."""
    if not access.can_write(actor, agency):
        raise PermissionDenied
    if not 2500 <= int(year) <= 2700:
        raise ValidationError({"fiscal_year": _("ปีงบประมาณต้องเป็นปีพุทธศักราช")})
    data = dict(data or {})
    values = report_defaults(agency=agency, year=year, kind=kind, actor=actor, quarter=data.get("quarter"))
    values.update({k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    report = Report(agency=agency, fiscal_year=year, kind=kind, created_by=actor, state=S.DRAFT, **values)
    _validate(report)
    report.save()
    log_event(report, action=ReportAction.CREATE, actor=actor, from_state="")
    return report


@transaction.atomic
def report_update(*, report: Report, actor, data: dict) -> Report:
    """Change the memo/attachment texts of a report.

    Draft and returned reports change in place. An approved, published or revoked report is never
    changed: a new draft version (same series, version + 1, ``previous`` = this one) is created
    with the changes, its approval, number and date cleared. A submitted report cannot be edited until
    the director returns it. Returns the report that now holds the changes.
    """
    if not access.can_write(actor, report.agency):
        raise PermissionDenied
    report = Report.objects.select_for_update().get(pk=report.pk)
    if Report.objects.filter(series=report.series, version__gt=report.version).exists():
        raise ValidationError(_("มีฉบับใหม่กว่านี้แล้ว กรุณาแก้ไขฉบับล่าสุด"))
    if report.state == S.SUBMITTED:
        raise ValidationError(_("รายงานอยู่ระหว่างการพิจารณาของผู้บริหาร แก้ไขได้เมื่อถูกส่งกลับ"))
    changes = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    if report.state in FROZEN_STATES:
        # The new version gets its own number and date when approved: never carry the signed ones
        # over (the edit form sends the old date back unchanged; only a different date is kept).
        if changes.get("doc_date") == report.doc_date:
            changes.pop("doc_date", None)
        new = Report(
            agency=report.agency,
            fiscal_year=report.fiscal_year,
            kind=report.kind,
            series=report.series,
            version=report.version + 1,
            previous=report,
            state=S.DRAFT,
            created_by=actor,
            **{f: getattr(report, f) for f in EDITABLE_FIELDS if f != "doc_date"},
        )
        for key, value in changes.items():
            setattr(new, key, value)
        _validate(new)
        new.save()
        log_event(
            new, action=ReportAction.NEW_VERSION, actor=actor, from_state="", note=_("แก้ไขจากฉบับที่ %(v)s") % {"v": report.version}
        )
        return new
    for key, value in changes.items():
        setattr(report, key, value)
    _validate(report)
    report.save()
    log_event(report, action=ReportAction.EDIT, actor=actor, from_state=report.state)
    return report


def next_document_number(*, agency: Agency, year: int) -> int:
    """Take the next running number of the agency's year. Must run inside the approving transaction:
    the sequence row stays locked (SELECT … FOR UPDATE) until it commits, so no number is given twice."""
    DocumentSequence.objects.get_or_create(agency=agency, fiscal_year=year)
    seq = DocumentSequence.objects.select_for_update().get(agency=agency, fiscal_year=year)
    seq.last_number += 1
    seq.save(update_fields=["last_number"])
    return seq.last_number


def reviewed_sha(report: Report) -> str:
    rendition = selectors.latest_rendition(report, done_only=True)
    return rendition.sha256 if rendition else ""


def _allowed(report: Report, action: str, actor) -> bool:
    agency = report.agency
    if action == ReportAction.FORWARD:
        return access.can_read(actor, agency)  # the service then checks it is the pending reviewer
    if action == ReportAction.RETURN:
        return routing.may_return(report, actor)
    return access.can_approve(actor, agency) if action in DIRECTOR_ACTIONS else access.can_write(actor, agency)


def move(*, report: Report, action: str, actor) -> tuple[Report, str]:
    """Lock, check rights and the transition map; returns the locked report and its old state."""
    locked = Report.objects.select_for_update().select_related("agency").get(pk=report.pk)
    if not _allowed(locked, action, actor):
        raise PermissionDenied
    sources, target = TRANSITIONS[action]
    if locked.state not in sources:
        raise ValidationError(
            _("ไม่สามารถ%(action)sรายงานที่มีสถานะ “%(state)s” ได้")
            % {"action": ReportAction(action).label, "state": ReportState(locked.state).label}
        )
    old = locked.state
    locked.state = target
    return locked, old


@transaction.atomic
def report_submit(*, report: Report, actor, note: str = "") -> Report:
    """Send a draft (or returned) report on its way: to the first person of the agency's chain for
    its kind, or directly to the director when there is none. Starts a new review round."""
    locked, old = move(report=report, action=ReportAction.SUBMIT, actor=actor)
    _validate(locked)
    routing.review_round_start(locked)
    locked.save(update_fields=["state", "review_round", "pending_review", "updated_at"])
    event = log_event(locked, action=ReportAction.SUBMIT, actor=actor, from_state=old, note=note, pdf_sha256=reviewed_sha(locked))
    notify_event(report=locked, event=event)
    return locked


@transaction.atomic
def report_return(*, report: Report, actor, note: str) -> Report:
    """Whoever holds a submitted report (the pending reviewer of the chain, or the director at its
    end) sends it back to the drafter; the note says what to change."""
    if not (note or "").strip():
        raise ValidationError({"note": _("กรุณาระบุเหตุผลหรือสิ่งที่ต้องแก้ไขเมื่อส่งกลับ")})
    locked, old = move(report=report, action=ReportAction.RETURN, actor=actor)
    step = routing.current_step(locked)
    if step is not None:
        routing.step_close(step, outcome=ReviewOutcome.RETURN, note=note)
    locked.pending_review = None
    locked.save(update_fields=["state", "pending_review", "updated_at"])
    event = log_event(
        locked, action=ReportAction.RETURN, actor=actor, from_state=old, note=note.strip(), pdf_sha256=reviewed_sha(locked)
    )
    notify_event(report=locked, event=event)
    return locked


def _drafted_by(report: Report, actor) -> bool:
    if report.created_by_id == actor.pk:
        return True
    return report.events.filter(action=ReportAction.SUBMIT, actor=actor).exists()


class PastYearConfirmationNeeded(ValidationError):
    """Approving a document of a fiscal year already over needs the approver's explicit yes."""


def is_past_year(report: Report, today=None) -> bool:
    """Whether the report's fiscal year ended before today (approving it deserves a second look)."""
    return report.fiscal_year < thai.fiscal_year_of(today or timezone.localdate())


@transaction.atomic
def report_approve(
    *,
    report: Report,
    actor,
    decision: str = Decision.PERMIT,
    note: str = "",
    endorsed_on=None,
    confirm_past_year: bool = True,
) -> Report:
    """The director approves a submitted report.

    Refused when the director drafted or submitted it, unless the agency allows self-approval.
    Assigns the document number from the agency's yearly sequence (if it has none) and the date
    (if empty), prints the endorsement block dated ``endorsed_on`` (default today; never before
    the memo's date), and freezes the approved PDF: a final Rendition with the source data taken
    now, rendered by the Celery task after commit. A report of a fiscal year already over is only
    approved with ``confirm_past_year`` (the approve page asks first; :class:`PastYearConfirmationNeeded`).
    """
    if decision not in (Decision.ACKNOWLEDGE, Decision.PERMIT, Decision.APPROVE):
        raise ValidationError({"decision": _("คำสั่งการสำหรับการอนุมัติต้องเป็น ทราบ อนุญาต หรืออนุมัติ")})
    locked, old = move(report=report, action=ReportAction.APPROVE, actor=actor)
    if is_past_year(locked) and not confirm_past_year:
        raise PastYearConfirmationNeeded(
            _("รายงานนี้เป็นของปีงบประมาณ พ.ศ. %(year)s ซึ่งสิ้นสุดแล้ว กรุณายืนยันการอนุมัติอีกครั้ง")
            % {"year": thai.digits(locked.fiscal_year, locked.agency.use_thai_digits)}
        )
    step = routing.current_step(locked)
    if step is not None:
        raise ValidationError(_("รายงานยังอยู่ระหว่างการพิจารณาของ %(name)s ตามลำดับชั้น") % {"name": step.reviewer_name})
    if _drafted_by(locked, actor) and not locked.agency.allow_self_approval:
        raise ValidationError(_("ผู้อนุมัติต้องไม่ใช่ผู้จัดทำหรือผู้เสนอรายงานนี้ (หน่วยงานไม่อนุญาตให้อนุมัติเอกสารของตนเอง)"))
    now = timezone.now()
    if locked.doc_number is None:
        locked.doc_number = next_document_number(agency=locked.agency, year=locked.fiscal_year)
    endorsed_on = endorsed_on or timezone.localdate()
    if locked.doc_date is None:
        locked.doc_date = min(endorsed_on, timezone.localdate())
    if endorsed_on < locked.doc_date:
        raise ValidationError(
            {
                "endorsed_on": _("วันที่สั่งการต้องไม่ก่อนวันที่ของบันทึกข้อความ (%(date)s)")
                % {"date": thai.format_date(locked.doc_date, thai_digits=True)}
            }
        )
    locked.endorsed_on = endorsed_on
    membership = selectors.signer_membership(agency=locked.agency, user=actor)
    locked.approver_name = membership.full_name if membership else (actor.get_full_name() or actor.get_username())
    locked.approver_position = (membership.position_title if membership else "") or locked.agency.head_title
    locked.decision = decision
    locked.decision_note = (note or "").strip()
    locked.approved_by = actor
    locked.approved_at = now
    locked.save()
    event = log_event(
        locked,
        action=ReportAction.APPROVE,
        actor=actor,
        from_state=old,
        note=locked.decision_note,
        pdf_sha256=reviewed_sha(locked),
    )
    from reports.services.renditions import rendition_freeze

    rendition_freeze(report=locked, actor=actor)
    notify_event(report=locked, event=event)
    return locked


def _final_done(report: Report) -> Rendition:
    final = selectors.final_rendition(report)
    if final is None or final.status != "done":
        raise ValidationError(_("ไฟล์ PDF ฉบับอนุมัติยังสร้างไม่เสร็จ กรุณารอสักครู่แล้วลองใหม่"))
    return final


@transaction.atomic
def report_publish(*, report: Report, actor, note: str = "") -> Report:
    """Put an approved report's frozen PDF on the agency's public page."""
    locked, old = move(report=report, action=ReportAction.PUBLISH, actor=actor)
    final = _final_done(locked)
    locked.published_at = timezone.now()
    locked.save(update_fields=["state", "published_at", "updated_at"])
    event = log_event(locked, action=ReportAction.PUBLISH, actor=actor, from_state=old, note=note, pdf_sha256=final.sha256)
    notify_event(report=locked, event=event)
    return locked


@transaction.atomic
def report_revoke(*, report: Report, actor, note: str = "") -> Report:
    """Take a published report off the public page (its frozen PDF and trail stay)."""
    locked, old = move(report=report, action=ReportAction.REVOKE, actor=actor)
    final = selectors.final_rendition(locked)
    locked.save(update_fields=["state", "updated_at"])
    log_event(
        locked, action=ReportAction.REVOKE, actor=actor, from_state=old, note=note, pdf_sha256=final.sha256 if final else ""
    )
    return locked


def report_source(report: Report) -> dict:
    """The data the report's PDF would print now (what a new rendition is made from)."""
    return build_source(report)
