"""Renditions: PDFs made from a report's source data, in a Celery task, with progress.

- :func:`rendition_request` snapshots the source data now and queues the render after commit.
- :func:`rendition_freeze` does the same for the approved PDF (``is_final``), once per report.
- :func:`rendition_render` claims a pending rendition with a conditional UPDATE (two workers never
  render the same row), renders through :func:`reports.pdf.render_pdf`, stores file, SHA-256,
  size and pages. A finished final rendition is never rendered again; it is signed (PAdES, the
  agency's key, :mod:`reports.signing`) before it is hashed.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import threading
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from ita_portal.agencies import selectors as access
from reports.documents import build_source
from reports.models import Rendition, RenditionStatus, Report, ReportState
from reports.rendering import render_source_pdf, sha256_hex

log = logging.getLogger(__name__)

#: WeasyPrint reports "Step 1 … Step 7" on this logger; step 5 repeats per laid-out page.
PROGRESS_LOGGER = "weasyprint.progress"
_STEP_RE = re.compile(r"^Step (\d)")
_STEP_PERCENT = {1: 5, 2: 10, 3: 20, 4: 30, 5: 40, 6: 85, 7: 95}


def _enqueue(rendition_id: int) -> bool:
    """Send the render task now; False (logged) when the broker cannot take it.

    The rendition row is committed either way and stays ``pending`` with ``queued_at`` empty, which
    the page shows truthfully and :func:`renditions_requeue` (beat, every minute) queues again.
    """
    from reports.tasks import render_rendition

    try:
        render_rendition.delay(rendition_id)
    except (KombuOperationalError, RedisError, OSError):
        log.warning("rendition %s: the task queue is unreachable; beat queues it when it is back", rendition_id, exc_info=True)
        return False
    Rendition.objects.filter(pk=rendition_id, queued_at__isnull=True).update(queued_at=timezone.now())
    return True


def _queue(rendition: Rendition) -> None:
    """Queue the render after commit; ``rendition.queued`` then tells the view whether it was."""
    rendition.queued = None

    def enqueue() -> None:
        rendition.queued = _enqueue(rendition.pk)

    transaction.on_commit(enqueue)


@transaction.atomic
def rendition_request(*, report: Report, actor) -> Rendition:
    """Ask for a PDF of the report as it is now (a review copy; the approved one is frozen)."""
    if not access.can_write(actor, report.agency):
        raise PermissionDenied
    if report.state in (ReportState.APPROVED, ReportState.PUBLISHED, ReportState.REVOKED):
        raise ValidationError(_("รายงานที่อนุมัติแล้วใช้ไฟล์ PDF ฉบับที่ตรึงไว้ หากต้องการแก้ไขให้สร้างฉบับใหม่"))
    rendition = Rendition.objects.create(report=report, source_data=build_source(report), requested_by=actor)
    _queue(rendition)
    return rendition


def rendition_freeze(*, report: Report, actor) -> Rendition:
    """Snapshot the approved report and queue its final PDF (called inside report_approve)."""
    if report.renditions.filter(is_final=True).exists():
        raise ValidationError(_("รายงานฉบับนี้มีไฟล์ PDF ฉบับอนุมัติแล้ว"))
    rendition = Rendition.objects.create(report=report, source_data=build_source(report), requested_by=actor, is_final=True)
    _queue(rendition)
    return rendition


class _ProgressHandler(logging.Handler):
    """Turns WeasyPrint's progress log of *this* thread into the rendition's progress column."""

    def __init__(self, rendition_id: int):
        super().__init__(level=logging.INFO)
        self.rendition_id = rendition_id
        self.thread = threading.get_ident()
        self.last = 0
        self.last_write = 0.0
        self.pages = 0

    def emit(self, record: logging.LogRecord) -> None:
        if threading.get_ident() != self.thread:
            return
        match = _STEP_RE.match(record.getMessage())
        if not match:
            return
        step = int(match.group(1))
        percent = _STEP_PERCENT.get(step, self.last)
        if step == 5:
            self.pages += 1
            percent = min(80, 40 + self.pages * 2)
        now = time.monotonic()
        if percent > self.last and (now - self.last_write > 0.3 or step >= 6):
            self.last, self.last_write = percent, now
            Rendition.objects.filter(pk=self.rendition_id).update(progress=percent)


#: A render still "rendering" after this long belongs to a worker that died (tasks are acked late,
#: so Celery hands the task to another worker, which must be able to take the row over).
RENDER_STALE_AFTER = dt.timedelta(minutes=10)


def _claimable() -> Q:
    stale = timezone.now() - RENDER_STALE_AFTER
    return (
        Q(status=RenditionStatus.PENDING)
        | Q(status=RenditionStatus.FAILED)
        | Q(status=RenditionStatus.RENDERING, started_at__lt=stale)
        | Q(status=RenditionStatus.RENDERING, started_at__isnull=True)
    )


def _claim(rendition_id: int) -> bool:
    """Move pending, failed or stale-rendering → rendering atomically; False if another worker has it
    or it is done."""
    return bool(
        Rendition.objects.filter(pk=rendition_id)
        .filter(_claimable())
        .update(status=RenditionStatus.RENDERING, progress=1, error="", started_at=timezone.now())
    )


def rendition_retry(*, rendition: Rendition, actor=None) -> Rendition:
    """Queue again a PDF that failed or whose worker died mid-render (the frozen final one included:
    its stored source data is rendered, nothing is re-gathered). A finished PDF is never re-rendered."""
    if actor is not None and not access.can_write(actor, rendition.report.agency):
        raise PermissionDenied
    if not Rendition.objects.filter(pk=rendition.pk).filter(_claimable()).exists():
        raise ValidationError(_("ไฟล์ PDF นี้สร้างเสร็จแล้วหรือกำลังสร้างอยู่"))
    Rendition.objects.filter(pk=rendition.pk).update(status=RenditionStatus.PENDING, progress=0, error="", queued_at=None)
    rendition.refresh_from_db()
    _queue(rendition)
    return rendition


#: A pending render whose task was sent this long ago and never started is sent again: its message
#: was lost (a Redis restarted without persistence). Two sends are harmless: the claim is atomic.
REQUEUE_QUEUED_AFTER = dt.timedelta(minutes=3)
#: A row just created is queued by its own request's on_commit; the sweep leaves it alone meanwhile.
REQUEUE_GRACE = dt.timedelta(seconds=5)


def renditions_requeue() -> int:
    """Queue again what is waiting for the broker (beat runs this every minute); returns how many.

    - pending renders whose task could not be sent (the broker was down: ``queued_at`` is empty), or
      whose task was sent long ago and never started;
    - renders whose worker died mid-way (``rendering`` for longer than ``RENDER_STALE_AFTER``).

    Failed renders are not retried automatically (a broken document would fail every time); the
    admin's "สร้าง PDF อีกครั้ง" action retries them after the cause is fixed.
    """
    now = timezone.now()
    count = 0
    waiting = Rendition.objects.filter(status=RenditionStatus.PENDING, created_at__lt=now - REQUEUE_GRACE).filter(
        Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_QUEUED_AFTER)
    )
    for pk in waiting.values_list("pk", flat=True):
        if not _enqueue(pk):
            return count  # the broker is still down: the next sweep tries again
        Rendition.objects.filter(pk=pk).update(queued_at=timezone.now())
        count += 1
    stale = Rendition.objects.filter(_claimable(), status=RenditionStatus.RENDERING).select_related("report")
    for rendition in stale:
        rendition_retry(rendition=rendition)
        count += 1
    return count


def rendition_render(*, rendition_id: int) -> Rendition:
    """Render one queued rendition from its stored source data and store the PDF and its hash."""
    if not _claim(rendition_id):
        return Rendition.objects.get(pk=rendition_id)
    rendition = Rendition.objects.select_related("report").get(pk=rendition_id)
    handler = _ProgressHandler(rendition_id)
    logger = logging.getLogger(PROGRESS_LOGGER)
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        data = render_source_pdf(rendition.source_data)
        if rendition.is_final:
            data = _sign_final(rendition, data)
    except Exception as exc:
        log.exception("rendition %s failed", rendition_id)
        Rendition.objects.filter(pk=rendition_id).update(status=RenditionStatus.FAILED, error=str(exc)[:2000], progress=0)
        rendition.refresh_from_db()
        return rendition
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    from pypdf import PdfReader

    with transaction.atomic():
        rendition = Rendition.objects.select_for_update().get(pk=rendition_id)
        if rendition.status != RenditionStatus.RENDERING:
            return rendition
        rendition.sha256 = sha256_hex(data)
        rendition.size = len(data)
        rendition.pages = len(PdfReader(io.BytesIO(data)).pages)
        rendition.file.save(f"{rendition.sha256[:16]}.pdf", ContentFile(data), save=False)
        rendition.status = RenditionStatus.DONE
        rendition.progress = 100
        rendition.finished_at = timezone.now()
        rendition.save()
    return rendition


def _sign_final(rendition: Rendition, data: bytes) -> bytes:
    """The approved PDF with the agency's PAdES signature naming the approver and the decision;
    the frozen SHA-256 is of these signed bytes."""
    from reports.signing import pdf_sign

    report = rendition.report
    endorsement = (rendition.source_data.get("memo") or {}).get("endorsement") or {}
    reason = f"{endorsement.get('decision') or report.decision}: {report.subject}"[:250]
    return pdf_sign(data, agency=report.agency, signer_name=report.approver_name, reason=reason)
