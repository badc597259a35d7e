"""Large score files: checked, and committed, by the Celery worker with a progress bar.

A web request never parses a large file (issue 18, item 2). :func:`score_import_start` looks at
the upload's size and its row count (line breaks of a CSV, the declared dimension of an XLSX —
nothing is decoded or parsed): a small file is checked in the request as before
(:func:`~indicators.services.imports.import_batch_create`, the bytes in the row); a large one is
stored in the default storage (``ImportBatch.file``: ``MEDIA_ROOT/score-imports/`` or the private
bucket, like evidence files; never served) with its row ``checking``, and :func:`score_import_check` reads and checks it in the
worker (default queue), writing ``phase`` / ``progress_done`` / ``progress_total`` as it goes.
The page polls them (htmx) and then shows the same preview. The confirm button of a large file
queues :func:`score_import_commit_run`: the file is read and checked again, then written in one
transaction — all rows or none, as in the request.

The limits of ``indicators.importing.limits`` (bytes, decompressed size, characters, rows, cells)
are applied by the reader itself, before any row is parsed, in the worker as in the request.

A job whose task cannot be sent (broker down) or whose worker died (no heartbeat for
``STALE_AFTER``) is shown in Thai with a button that queues it again: the file is in the row, so
nothing is lost; a commit whose worker died has written nothing (its transaction rolled back).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from indicators.importing import ParsedScores, ScoreScope, parse_scores
from indicators.importing.limits import estimated_rows
from indicators.models import Assessor, ImportBatch, ImportPhase, ImportStatus
from indicators.selectors import can_load_scores
from indicators.services.imports import ImportOutcome, _write_parsed, import_batch_commit, import_batch_create

log = logging.getLogger(__name__)

#: A file above either threshold is checked and committed by the worker. 2,000 rows is about 38
#: agencies in the long layout (or 2,000 in the wide one) and takes well under a second to check;
#: 1 MB is about 20,000 long rows. A national file (440,801 rows, 12 MB) always goes to the worker.
LARGE_FILE_BYTES = 1024 * 1024
LARGE_FILE_ROWS = 2_000
#: A job whose worker has written no progress for this long is taken for dead (the page says so
#: and offers to queue it again; a new task may then take it over). Reading and checking write
#: progress every half second; the final write of a commit is one transaction that writes none
#: (a national file: 25–40 s), hence the margin. Two commits of one file never both write: the
#: second waits for the first's lock on the batch row and then finds it committed.
STALE_AFTER = dt.timedelta(minutes=5)
#: How often the worker writes its progress to the row (the page polls every second).
PROGRESS_WRITE_SECONDS = 0.5

RUNNING = (ImportStatus.CHECKING, ImportStatus.COMMITTING)


def is_large(content: bytes, filename: str = "") -> bool:
    """Whether a file goes to the worker: over ``LARGE_FILE_BYTES``, or over ``LARGE_FILE_ROWS``
    rows (an XLSX that does not declare its size counts as large)."""
    if len(content) > LARGE_FILE_BYTES:
        return True
    rows = estimated_rows(content, filename)
    return rows is None or rows > LARGE_FILE_ROWS


def _stale_before() -> dt.datetime:
    return timezone.now() - STALE_AFTER


def job_stalled(batch: ImportBatch) -> bool:
    """A checking/committing job that is not moving: never sent, or its worker went silent."""
    if batch.status not in RUNNING:
        return False
    last = batch.heartbeat_at or batch.queued_at
    return last is None or last < _stale_before()


def job_percent(batch: ImportBatch) -> int:
    """0–100 for the progress bar: reading, then checking, then (a commit) writing."""
    commit = batch.status == ImportStatus.COMMITTING
    spans = {ImportPhase.READ: (0, 30 if commit else 45), ImportPhase.CHECK: (30 if commit else 45, 70 if commit else 99)}
    if batch.phase == ImportPhase.WRITE:
        return 85
    start, end = spans.get(batch.phase, (0, 0))
    if not batch.phase:
        return 0
    total = batch.progress_total or 0
    fraction = min(batch.progress_done / total, 1) if total else 0
    return int(start + (end - start) * fraction)


# --- queueing -----------------------------------------------------------------------------------


def _send(task, batch_id: int) -> bool:
    """Send a task now; False (logged) when the broker cannot take it."""
    try:
        task.delay(batch_id)
    except (KombuOperationalError, RedisError, OSError):
        log.warning("score import %s: the task queue is unreachable", batch_id, exc_info=True)
        return False
    return True


def _queue(batch: ImportBatch, *, commit: bool) -> None:
    """After commit, send the check (or commit) task and stamp ``queued_at``; when the broker is
    down, say so on the row in Thai — a check becomes ``failed`` (check again later), a commit goes
    back to ``ready`` (confirm again later). Nothing was written, the file is kept."""
    from indicators import tasks

    def send() -> None:
        task = tasks.commit_score_import if commit else tasks.check_score_import
        if _send(task, batch.pk):
            ImportBatch.objects.filter(pk=batch.pk, status__in=RUNNING).update(queued_at=timezone.now())
            return
        message = _("คิวงานเบื้องหลังยังไม่พร้อม ไฟล์ถูกเก็บไว้แล้ว ไม่มีข้อมูลใดถูกบันทึก กรุณาลองอีกครั้งในภายหลัง")
        back = ImportStatus.READY if commit else ImportStatus.FAILED
        ImportBatch.objects.filter(pk=batch.pk, status__in=RUNNING).update(status=back, job_error=message, phase="")

    transaction.on_commit(send)


# --- the web side -------------------------------------------------------------------------------


def score_import_start(
    *, agency, fiscal_year: int, filename: str, content: bytes, user, assessor_code: str | None = None
) -> ImportBatch:
    """Take an uploaded file: a small one is checked now, a large one is kept and queued."""
    if not can_load_scores(user, agency):
        raise PermissionDenied
    if not is_large(content, filename):
        return import_batch_create(
            agency=agency, fiscal_year=fiscal_year, filename=filename, content=content, user=user, assessor_code=assessor_code
        )
    with transaction.atomic():
        batch = ImportBatch(
            agency=agency,
            fiscal_year=fiscal_year,
            assessor=Assessor.objects.filter(code=assessor_code).first() if assessor_code else None,
            filename=filename[:255],
            status=ImportStatus.CHECKING,
            progress_total=estimated_rows(content, filename) or 0,
            uploaded_by=user,
        )
        batch.file.save(filename, ContentFile(content), save=False)  # the private storage, a random name
        batch.save()
        _queue(batch, commit=False)
    return batch


@contextmanager
def _locked(batch: ImportBatch):
    """The batch row locked in a transaction, without waiting: a worker writing the file holds the
    lock for its whole transaction, and a web request must not hang behind it."""
    try:
        with transaction.atomic():
            yield ImportBatch.objects.select_for_update(nowait=True).get(pk=batch.pk)
    except DatabaseError as exc:
        raise ValidationError(_("ไฟล์นี้กำลังนำเข้าอยู่ กรุณารอสักครู่")) from exc


def score_import_commit(*, batch: ImportBatch, user) -> ImportOutcome:
    """Confirm a previewed file: a small one is written now; a large one is queued for the worker
    (``outcome.queued``). A stalled commit may be confirmed again."""
    if not can_load_scores(user, batch.agency):
        raise PermissionDenied
    if not batch.file:  # a small file, checked in the request: written in the request
        return import_batch_commit(batch=batch, user=user)
    with _locked(batch) as locked:
        if not (locked.status == ImportStatus.READY or (locked.status == ImportStatus.COMMITTING and job_stalled(locked))):
            raise ValidationError(_("ไฟล์นี้นำเข้าแล้ว มีข้อผิดพลาด หรือกำลังนำเข้าอยู่ ไม่สามารถยืนยันได้"))
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportStatus.COMMITTING,
            committed_by=user,
            phase="",
            progress_done=0,
            job_error="",
            queued_at=None,
            heartbeat_at=None,
        )
        _queue(locked, commit=True)
    return ImportOutcome(parsed=ParsedScores(), committed=False, queued=True)


def score_import_retry(*, batch: ImportBatch, user) -> ImportBatch:
    """Queue again a check that failed or stalled (broker down, worker died), or a stalled commit."""
    if not can_load_scores(user, batch.agency):
        raise PermissionDenied
    if batch.status == ImportStatus.COMMITTING:
        score_import_commit(batch=batch, user=user)
        batch.refresh_from_db()
        return batch
    with _locked(batch) as locked:
        if not (locked.status == ImportStatus.FAILED or (locked.status == ImportStatus.CHECKING and job_stalled(locked))):
            raise ValidationError(_("ไฟล์นี้ตรวจเสร็จแล้วหรือกำลังตรวจอยู่"))
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportStatus.CHECKING, phase="", progress_done=0, job_error="", queued_at=None, heartbeat_at=None
        )
        _queue(locked, commit=False)
    batch.refresh_from_db()
    return batch


# --- the worker side ----------------------------------------------------------------------------


def _claim(batch_id: int, status: str) -> bool:
    """Take a queued job (or one whose worker went silent) atomically; False if another worker
    has it or it is no longer waiting (done, refused, or queued again)."""
    now = timezone.now()
    silent = Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - STALE_AFTER)
    return bool(
        ImportBatch.objects.filter(silent, pk=batch_id, status=status).update(
            heartbeat_at=now, phase=ImportPhase.READ, progress_done=0, job_error=""
        )
    )


class _ProgressWriter:
    """``parse_scores``'s progress callback: writes phase and rows to the row every half second."""

    def __init__(self, batch: ImportBatch):
        self.batch_id = batch.pk
        self.estimate = batch.progress_total
        self.last = 0.0

    def __call__(self, phase: str, done: int, total: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_WRITE_SECONDS and done != total:
            return
        self.last = now
        total = total or max(self.estimate, done)
        ImportBatch.objects.filter(pk=self.batch_id).update(
            phase=phase, progress_done=done, progress_total=total, heartbeat_at=timezone.now()
        )


def _scope(user, batch: ImportBatch) -> ScoreScope:
    return ScoreScope.for_user(user, batch.agency) if user is not None else ScoreScope()


def _parse(batch: ImportBatch, user) -> ParsedScores:
    return parse_scores(
        batch.read_content(),
        filename=batch.filename,
        fiscal_year=batch.fiscal_year,
        assessor_code=batch.assessor.code if batch.assessor else None,
        scope=_scope(user, batch),
        progress=_ProgressWriter(batch),
    )


def _errors(parsed: ParsedScores) -> list[dict]:
    return [{"row": e.row, "message": e.message} for e in parsed.errors]


def score_import_check(*, batch_id: int) -> ImportBatch:
    """Read and check a queued file for its preview (the worker); nothing but the row is written."""
    if not _claim(batch_id, ImportStatus.CHECKING):
        return ImportBatch.objects.get(pk=batch_id)
    batch = ImportBatch.objects.select_related("agency", "assessor", "uploaded_by").get(pk=batch_id)
    try:
        parsed = _parse(batch, batch.uploaded_by)
    except Exception:
        log.exception("score import %s: the check failed", batch_id)
        ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.CHECKING).update(
            status=ImportStatus.FAILED, phase="", job_error=_("ตรวจไฟล์ไม่สำเร็จเนื่องจากข้อผิดพลาดของระบบ กรุณาลองตรวจอีกครั้ง")
        )
        return ImportBatch.objects.get(pk=batch_id)
    frameworks = list(parsed.frameworks.values())
    ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.CHECKING).update(
        assessor=frameworks[0].assessor if frameworks else batch.assessor,
        status=ImportStatus.READY if parsed.ok else ImportStatus.INVALID,
        layout=parsed.layout,
        encoding=parsed.encoding,
        row_count=parsed.row_count,
        error_count=parsed.error_count,
        errors=_errors(parsed),
        summary=parsed.summary(),
        phase="",
        progress_done=parsed.row_count,
        progress_total=parsed.row_count,
        heartbeat_at=timezone.now(),
    )
    return ImportBatch.objects.get(pk=batch_id)


def score_import_commit_run(*, batch_id: int) -> ImportBatch:
    """Write a confirmed large file (the worker): checked again, then every row or none."""
    if not _claim(batch_id, ImportStatus.COMMITTING):
        return ImportBatch.objects.get(pk=batch_id)
    batch = ImportBatch.objects.select_related("agency", "assessor", "committed_by").get(pk=batch_id)
    user = batch.committed_by
    try:
        parsed = _parse(batch, user)
        if not parsed.ok:
            ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.COMMITTING).update(
                status=ImportStatus.INVALID,
                phase="",
                error_count=parsed.error_count,
                errors=_errors(parsed),
                job_error=_("ไม่ได้นำเข้า: ข้อมูลเปลี่ยนไปหลังการตรวจ พบข้อผิดพลาด"),
            )
            return ImportBatch.objects.get(pk=batch_id)
        _ProgressWriter(batch)(ImportPhase.WRITE, parsed.row_count, parsed.row_count, force=True)
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch_id)
            if locked.status != ImportStatus.COMMITTING:
                return locked
            count = _write_parsed(parsed, user)
            locked.status = ImportStatus.COMMITTED
            locked.committed_at = timezone.now()
            locked.phase = ""
            locked.summary = {**locked.summary, "committed_assessments": count}
            locked.save(update_fields=["status", "committed_at", "phase", "summary"])
    except Exception:
        log.exception("score import %s: the commit failed", batch_id)
        ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.COMMITTING).update(
            status=ImportStatus.READY,
            phase="",
            job_error=_("นำเข้าไม่สำเร็จเนื่องจากข้อผิดพลาดของระบบ ไม่มีข้อมูลใดถูกบันทึก กรุณากดยืนยันอีกครั้ง"),
        )
    return ImportBatch.objects.get(pk=batch_id)
