"""Writes of the OIT workspace. Views, admin actions and commands call these (keyword-only).

Status flow: not started → in progress (automatically on the first evidence) → ready for review
→ checked (a member who may write records ``checked_by``) → published. Going back to "in
progress" clears the check and the publication.

Who publishes follows how reports are signed off (``reports.services.signoff``): staff prepare,
send for review and check; only a director (the policy's ``approve``, the right that signs
reports) publishes, and not a row they checked themselves unless the agency allows self-approval
(``Agency.allow_self_approval``, as for a director approving a report they drafted). So the item
the agency gives ITAS has always been seen by two people, the second one a director.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Item, ItemKind
from ita_portal.agencies import selectors as access
from ita_portal.agencies.models import Agency, Division, Membership
from measures import services as evidence_services
from oit.models import OitEntry, OitEvidence, OitStatus


def _check_item(agency: Agency, item: Item) -> None:
    if item.kind != ItemKind.OIT:
        raise ValidationError(_("ข้อ %(code)s ไม่ใช่ข้อ OIT") % {"code": item.code})


@transaction.atomic
def oit_entry_for(*, agency: Agency, item: Item) -> OitEntry:
    """The agency's row for ``item`` (created "not started" the first time it is needed)."""
    _check_item(agency, item)
    entry, _created = OitEntry.objects.get_or_create(
        agency=agency, item=item, defaults={"fiscal_year": item.framework.fiscal_year}
    )
    return entry


@transaction.atomic
def oit_entry_assign(
    *,
    entry: OitEntry,
    division: Division | None = None,
    responsible: Membership | None = None,
    due_date: dt.date | None = None,
    note: str = "",
) -> OitEntry:
    """Set who prepares the item (a division and a member of this agency), its due date and a note."""
    if division is not None and division.agency_id != entry.agency_id:
        raise ValidationError({"division": _("กลุ่มงานนี้ไม่ใช่ของหน่วยงานนี้")})
    if responsible is not None and responsible.agency_id != entry.agency_id:
        raise ValidationError({"responsible": _("ผู้รับผิดชอบต้องเป็นสมาชิกของหน่วยงานนี้")})
    entry.division, entry.responsible, entry.due_date, entry.note = division, responsible, due_date, note or ""
    entry.full_clean()
    entry.save()
    return entry


def _started(entry: OitEntry) -> None:
    if entry.status == OitStatus.NOT_STARTED:
        entry.status = OitStatus.IN_PROGRESS
        entry.save(update_fields=["status", "updated_at"])


@transaction.atomic
def oit_evidence_add(
    *, entry: OitEntry, user=None, upload=None, url: str = "", title: str = "", is_public: bool = False
) -> OitEvidence:
    """Add a file (``upload``) or a link (``url``) to a row, through the measures' evidence services."""
    if upload is not None:
        evidence = evidence_services.evidence_add_file(agency=entry.agency, upload=upload, title=title, user=user)
    elif url:
        evidence = evidence_services.evidence_add_link(agency=entry.agency, url=url, title=title, user=user)
    else:
        raise ValidationError(_("กรุณาเลือกไฟล์หรือกรอกลิงก์"))
    attachment = OitEvidence.objects.create(entry=entry, evidence=evidence, is_public=is_public)
    _started(entry)
    return attachment


@transaction.atomic
def oit_evidence_set_public(*, attachment: OitEvidence, is_public: bool) -> OitEvidence:
    """Show (or hide) one file or link on the public item page."""
    attachment.is_public = is_public
    attachment.save(update_fields=["is_public"])
    return attachment


@transaction.atomic
def oit_evidence_remove(*, attachment: OitEvidence) -> None:
    """Remove a row's evidence; its file leaves storage once the transaction commits."""
    evidence_services.evidence_delete(evidence=attachment.evidence)


@transaction.atomic
def oit_status_set(*, entry: OitEntry, status: str) -> OitEntry:
    """Move a row to "not started", "in progress" or "ready for review" (publishing: ``oit_publish``)."""
    if status not in (OitStatus.NOT_STARTED, OitStatus.IN_PROGRESS, OitStatus.READY):
        raise ValidationError(_("เปลี่ยนเป็นสถานะนี้โดยตรงไม่ได้"))
    if status == OitStatus.READY and not entry.attachments.exists():
        raise ValidationError(_("ยังไม่มีหลักฐานในข้อนี้ จึงส่งตรวจไม่ได้"))
    entry.status = status
    entry.checked_by, entry.checked_at, entry.published_at = None, None, None
    entry.save()
    return entry


@transaction.atomic
def oit_check(*, entry: OitEntry, user) -> OitEntry:
    """Record that ``user`` checked a row that is ready for review."""
    if entry.status != OitStatus.READY:
        raise ValidationError(_("ตรวจได้เฉพาะข้อที่พร้อมให้ตรวจ"))
    entry.checked_by, entry.checked_at = user, timezone.now()
    entry.save(update_fields=["checked_by", "checked_at", "updated_at"])
    return entry


@transaction.atomic
def oit_publish(*, entry: OitEntry, user) -> OitEntry:
    """A director publishes a checked row: its evidence marked public appears on the public item page.

    Refused (Thai ``ValidationError``) for anyone without the director's right, and for the
    director who checked the row, unless the agency allows self-approval.
    """
    entry = OitEntry.objects.select_for_update().select_related("agency").get(pk=entry.pk)
    if entry.status != OitStatus.READY or entry.checked_by_id is None:
        raise ValidationError(_("ต้องตรวจข้อนี้ก่อนเผยแพร่"))
    if not access.can_approve(user, entry.agency):
        raise ValidationError(_("ผู้อำนวยการเท่านั้นที่เผยแพร่ข้อ OIT ได้ เจ้าหน้าที่ส่งตรวจและบันทึกการตรวจได้"))
    if entry.checked_by_id == user.pk and not entry.agency.allow_self_approval:
        raise ValidationError(_("ผู้เผยแพร่ต้องไม่ใช่ผู้ตรวจข้อนี้ (หน่วยงานไม่อนุญาตให้อนุมัติงานที่ตนตรวจเอง)"))
    entry.status, entry.published_at = OitStatus.PUBLISHED, timezone.now()
    entry.save(update_fields=["status", "published_at", "updated_at"])
    return entry


def previous_entry(entry: OitEntry) -> OitEntry | None:
    """The agency's latest earlier row for the same item (same stable key, or one it absorbed)."""
    keys = [entry.item.stable_key, *entry.item.absorbs]
    return (
        OitEntry.objects.filter(agency=entry.agency, fiscal_year__lt=entry.fiscal_year, item__stable_key__in=keys)
        .order_by("-fiscal_year")
        .first()
    )


@transaction.atomic
def oit_reuse_last_year(*, entry: OitEntry, user=None) -> int:
    """Copy last year's evidence of the same stable key into this row, once ("use last year's as a start").

    Copies are not public (someone checks them again); returns how many were copied.
    """
    entry = OitEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.reused_from_id is not None:
        raise ValidationError(_("ข้อนี้ใช้หลักฐานของปีก่อนแล้ว"))
    previous = previous_entry(entry)
    if previous is None or not previous.attachments.exists():
        raise ValidationError(_("ไม่มีหลักฐานของข้อนี้ในปีก่อน"))
    count = 0
    for old in previous.attachments.select_related("evidence"):
        copy = evidence_services.evidence_copy(evidence=old.evidence, agency=entry.agency, user=user)
        OitEvidence.objects.create(entry=entry, evidence=copy, is_public=False)
        count += 1
    entry.reused_from = previous
    entry.save(update_fields=["reused_from", "updated_at"])
    _started(entry)
    return count
