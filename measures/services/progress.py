"""Progress updates (ความก้าวหน้า / ผลการดำเนินการ) and their evidence files and links.

A measure's status follows its latest progress update (by report date, then by entry order).
Evidence files are checked by content (``measures.uploads``), hashed (SHA-256) and stored under
a random name; they are served only by the access-checked download view.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from ita_portal.service_fields import apply_fields
from measures.models import Evidence, EvidenceKind, Measure, MeasureStatus, ProgressUpdate
from measures.uploads import sha256_of, validate_upload

PROGRESS_FIELDS = frozenset({"percent_complete", "result_summary", "outcome", "budget_spent", "obstacles", "suggestions"})


def _measure_status_follow(measure: Measure) -> None:
    latest = measure.progress_updates.order_by("-reported_on", "-pk").values_list("status", flat=True).first()
    status = latest or MeasureStatus.NOT_STARTED
    if measure.status != status:
        measure.status = status
        measure.save(update_fields=["status", "updated_at"])


def _set_fields(progress: ProgressUpdate, fields: dict) -> None:
    """``apply_fields`` plus the rule that an empty amount spent is zero."""
    apply_fields(progress, fields, PROGRESS_FIELDS, "progress")
    if progress.budget_spent is None:
        progress.budget_spent = Decimal("0")


@transaction.atomic
def progress_record(
    *, measure: Measure, reported_on: dt.date, status: str, user=None, links: list[tuple[str, str]] = (), files=(), **fields
) -> ProgressUpdate:
    """Record a progress report; ``files`` (uploads) and ``links`` ((url, title) pairs) become its evidence."""
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    progress = ProgressUpdate(measure=measure, reported_on=reported_on, status=status, recorded_by=user)
    _set_fields(progress, fields)
    progress.full_clean()
    progress.save()
    for upload in files:
        evidence_add_file(measure=measure, upload=upload, progress=progress, user=user)
    for url, title in links:
        evidence_add_link(measure=measure, url=url, title=title, progress=progress, user=user)
    _measure_status_follow(measure)
    return progress


@transaction.atomic
def progress_update(*, progress: ProgressUpdate, reported_on: dt.date, status: str, **fields) -> ProgressUpdate:
    """Correct a progress report; the measure's status follows the latest report again."""
    progress = ProgressUpdate.objects.select_for_update().get(pk=progress.pk)
    progress.reported_on = reported_on
    progress.status = status
    _set_fields(progress, fields)
    progress.full_clean()
    progress.save()
    _measure_status_follow(progress.measure)
    return progress


@transaction.atomic
def progress_delete(*, progress: ProgressUpdate) -> None:
    """Delete a progress report (its evidence stays on the measure)."""
    measure = progress.measure
    progress.delete()
    _measure_status_follow(measure)


def _owner(measure: Measure | None, agency, progress: ProgressUpdate | None):
    """The agency an evidence row belongs to: its measure's, or the one given (OIT evidence)."""
    if measure is None and agency is None:
        raise ValidationError(_("หลักฐานต้องเป็นของมาตรการหรือของหน่วยงาน"))
    if progress is not None and (measure is None or progress.measure_id != measure.pk):
        raise ValidationError(_("รายงานความก้าวหน้านี้ไม่ใช่ของมาตรการนี้"))
    if measure is not None and agency is not None and measure.agency_id != agency.pk:
        raise ValidationError(_("มาตรการนี้ไม่ใช่ของหน่วยงานนี้"))
    return measure.agency if measure is not None else agency


@transaction.atomic
def evidence_add_file(
    *,
    upload: UploadedFile,
    measure: Measure | None = None,
    agency=None,
    title: str = "",
    progress: ProgressUpdate | None = None,
    user=None,
) -> Evidence:
    """Store an evidence file after checking its size and real type; records its SHA-256.

    The one upload path of the portal: a measure's evidence (``measure``) or an OIT workspace
    row's (``agency`` only; ``oit`` links the row to it).
    """
    owner = _owner(measure, agency, progress)
    sniffed = validate_upload(upload)
    original = os.path.basename(upload.name or "")[:255] or f"evidence.{sniffed.extension}"
    evidence = Evidence(
        agency=owner,
        measure=measure,
        progress=progress,
        kind=EvidenceKind.FILE,
        title=(title or original)[:255],
        original_name=original,
        content_type=sniffed.content_type,
        size=upload.size,
        sha256=sha256_of(upload),
        uploaded_by=user,
    )
    # The stored name's extension is the detected one, never the uploaded name's.
    evidence.file.save(f"evidence.{sniffed.extension}", upload, save=False)
    try:
        evidence.full_clean()
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    return evidence


@transaction.atomic
def evidence_add_link(
    *,
    url: str,
    measure: Measure | None = None,
    agency=None,
    title: str = "",
    progress: ProgressUpdate | None = None,
    user=None,
) -> Evidence:
    """Attach a link (e.g. the page on the agency's website where the document is published)."""
    owner = _owner(measure, agency, progress)
    url = (url or "").strip()
    evidence = Evidence(
        agency=owner,
        measure=measure,
        progress=progress,
        kind=EvidenceKind.LINK,
        url=url,
        title=(title or url)[:255],
        uploaded_by=user,
    )
    evidence.full_clean()
    evidence.save()
    return evidence


@transaction.atomic
def evidence_copy(*, evidence: Evidence, agency, user=None) -> Evidence:
    """A new evidence row of ``agency`` with the same link or a copy of the same file.

    The file is copied (a new stored name) so deleting either row never removes the other's
    file; the copy keeps the original name, type and SHA-256 (same bytes).
    """
    if evidence.agency_id != agency.pk:
        raise ValidationError(_("หลักฐานนี้ไม่ใช่ของหน่วยงานนี้"))
    if evidence.kind == EvidenceKind.LINK:
        return evidence_add_link(agency=agency, url=evidence.url, title=evidence.title, user=user)
    copy = Evidence(
        agency=agency,
        kind=EvidenceKind.FILE,
        title=evidence.title,
        original_name=evidence.original_name,
        content_type=evidence.content_type,
        size=evidence.size,
        sha256=evidence.sha256,
        uploaded_by=user,
    )
    ext = evidence.file.name.rsplit(".", 1)[-1] if "." in evidence.file.name else "bin"
    with evidence.file.open("rb") as handle:
        copy.file.save(f"evidence.{ext}", File(handle), save=False)
    try:
        copy.full_clean()
        copy.save()
    except Exception:
        copy.file.delete(save=False)
        raise
    return copy


def _delete_file(evidence: Evidence) -> None:
    if evidence.file:
        name, storage = evidence.file.name, evidence.file.storage
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def evidence_delete(*, evidence: Evidence) -> None:
    """Remove an evidence row; its file is deleted from storage once the transaction commits."""
    _delete_file(evidence)
    evidence.delete()
