"""Outbox services: queue an e-mail after commit, send it once, retry with back-off, send again.

LINE pushes are rows of the same outbox (``ita_portal.mail.line`` writes them); sending dispatches
on the row's channel, everything else (claim, retry, failure, admin) is shared.

The outbox is what makes mail reliable: a message is a row written in the same transaction as the
change that caused it, a Celery task sends it after commit, SMTP failures are retried with growing
delays and end as ``failed`` with the error shown in the admin. A process whose e-mail settings
would silently write files instead of sending fails loudly (``mail_config_error``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from email.mime.text import MIMEText
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from ita_portal.mail.models import OutboxChannel, OutboxEmail, OutboxStatus

logger = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 6
DEFAULT_RETRY_BASE_SECONDS = 120
# A row left in ``sending`` this long is taken over: its worker died mid-send (kill -9, host lost).
# Longer than the slowest live send (EMAIL_TIMEOUT 30 s per SMTP step: connect, TLS, AUTH, MAIL,
# RCPT, DATA), short enough that a crash delays a reminder by minutes, not a quarter of an hour.
DEFAULT_SENDING_STALE_SECONDS = 5 * 60
# Back-ends that do not deliver anything: fine while developing, a silent loss in production.
NON_DELIVERING_BACKENDS = {
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_attempts() -> int:
    return _setting("OUTBOX_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)


def retry_delay(attempts: int) -> dt.timedelta:
    """Back-off after the ``attempts``-th failure: base, 2×base, 4×base … (at most 6 hours)."""
    base = _setting("OUTBOX_RETRY_BASE_SECONDS", DEFAULT_RETRY_BASE_SECONDS)
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def mail_config_error() -> str:
    """A Thai explanation when this process cannot really deliver e-mail, else ''."""
    if settings.DEBUG:
        return ""
    if settings.EMAIL_BACKEND in NON_DELIVERING_BACKENDS:
        return (
            "ไม่ได้ตั้งค่าการส่งอีเมล (EMAIL_URL) สำหรับระบบที่ใช้งานจริง: "
            f"EMAIL_BACKEND={settings.EMAIL_BACKEND} จะไม่ส่งอีเมลออกไปจริง ตั้ง EMAIL_URL=smtp://… ให้ worker"
        )
    return ""


def mail_config_check_worker(sender=None, **kwargs) -> None:
    """Celery ``worker_init``: refuse to start a worker that would drop mail silently."""
    problem = mail_config_error()
    if problem:
        logger.critical(problem)
        # SystemExit passes through Celery's signal dispatcher (it only catches Exception).
        raise SystemExit(problem)


def _clean_recipients(recipients: Iterable[str]) -> list[str]:
    cleaned = []
    for address in recipients:
        address = (address or "").strip()
        if not address:
            continue
        validate_email(address)
        if address.lower() not in {a.lower() for a in cleaned}:
            cleaned.append(address)
    if not cleaned:
        raise ValidationError("ต้องมีผู้รับอย่างน้อยหนึ่งคน")
    return cleaned


def _send_after_commit(email_id: int) -> None:
    from ita_portal.mail.tasks import outbox_send_task

    def enqueue() -> None:
        try:
            outbox_send_task.delay(email_id)
        except Exception:
            # The broker is down: the row stays ready and the retry sweep (every minute) sends it.
            logger.exception("could not queue outbox e-mail %s; the retry sweep will send it", email_id)

    transaction.on_commit(enqueue)


#: Outbox rows per broker message when many are queued together (a busy reminder sweep queues
#: hundreds): publishing is most of the cost of queueing, and a batch is still small enough to be
#: shared out between workers.
SEND_BATCH = 50


def _send_many_after_commit(email_ids: list[int]) -> None:
    """Queue the sending of ``email_ids`` after commit: one broker message per SEND_BATCH rows."""
    from ita_portal.mail.tasks import outbox_send_many_task

    def enqueue() -> None:
        try:
            with outbox_send_many_task.app.producer_or_acquire() as producer:
                for start in range(0, len(email_ids), SEND_BATCH):
                    batch = email_ids[start : start + SEND_BATCH]
                    try:
                        outbox_send_many_task.apply_async((batch,), producer=producer)
                    except Exception:
                        # As in _send_after_commit: the rows stay ready for the retry sweep.
                        logger.exception("could not queue outbox e-mails %s; the retry sweep will send them", batch)
        except Exception:
            # No broker connection at all: the rows stay ready and the retry sweep (every minute) sends them.
            logger.exception("could not queue %s outbox e-mails; the retry sweep will send them", len(email_ids))

    if email_ids:
        transaction.on_commit(enqueue)


def _clean_message(
    *, recipients: Iterable[str], subject: str, text: str, html: str, attachments: Iterable[dict], dedupe_key: str | None
) -> OutboxEmail:
    """An unsaved outbox row, validated (Thai ValidationError on a bad subject, address or attachment)."""
    subject = " ".join(subject.split())
    if not subject:
        raise ValidationError("ต้องมีชื่อเรื่องอีเมล")
    to = _clean_recipients(recipients)
    attachments = [dict(a) for a in attachments]
    for a in attachments:
        if not a.get("filename") or not a.get("content_type") or "content" not in a:
            raise ValidationError("ไฟล์แนบต้องมีชื่อไฟล์ ชนิด และเนื้อหา")
    return OutboxEmail(
        recipients=to,
        subject=subject[:998],
        text=text,
        html=html,
        attachments=attachments,
        dedupe_key=dedupe_key or None,
        next_attempt_at=timezone.now(),
    )


def email_queue_many(*, messages: Iterable[dict]) -> list[OutboxEmail]:
    """Write many outbox rows in one INSERT and send them after the surrounding transaction commits.

    ``messages``: dicts with the keyword arguments of ``email_queue`` (``recipients``, ``subject``,
    ``text``, optional ``html``, ``attachments``, ``dedupe_key``). Messages whose ``dedupe_key`` is
    already queued (or repeated in ``messages``) are left out, found with one query; returns the
    rows written. A row with the same key committed by someone else in the meantime makes the
    INSERT fail on the unique key (IntegrityError) and the caller's transaction roll back: a
    duplicate is never sent twice. The rows go to the broker after commit in batches (``SEND_BATCH``).
    """
    rows = [
        _clean_message(
            recipients=m["recipients"],
            subject=m["subject"],
            text=m["text"],
            html=m.get("html", ""),
            attachments=m.get("attachments", ()),
            dedupe_key=m.get("dedupe_key"),
        )
        for m in messages
    ]
    return outbox_rows_insert(rows)


def outbox_rows_insert(rows: list[OutboxEmail]) -> list[OutboxEmail]:
    """Insert unsaved outbox rows (e-mail or LINE) whose dedupe key is not queued yet, in one INSERT,
    and send them after commit; see ``email_queue_many``."""
    keys = [r.dedupe_key for r in rows if r.dedupe_key]
    with transaction.atomic(savepoint=False):
        seen = set(OutboxEmail.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)) if keys else set()
        fresh = []
        for r in rows:
            if r.dedupe_key:
                if r.dedupe_key in seen:
                    continue
                seen.add(r.dedupe_key)
            fresh.append(r)
        created = OutboxEmail.objects.bulk_create(fresh, batch_size=500)
        _send_many_after_commit([r.pk for r in created])
    return created


def email_queue(
    *,
    recipients: Iterable[str],
    subject: str,
    text: str,
    html: str = "",
    attachments: Iterable[dict] = (),
    dedupe_key: str | None = None,
    send_after_commit: bool = True,
) -> OutboxEmail | None:
    """Write an outbox row and send it after the surrounding transaction commits.

    ``attachments``: dicts with ``filename``, ``content_type``, ``content`` (text) and for
    calendars ``method`` (REQUEST/CANCEL). With a ``dedupe_key`` already queued, nothing is added
    and None is returned. ``send_after_commit=False`` leaves sending to the caller (the
    ``send_test_email`` command sends in the foreground to show the result).
    """
    email = _clean_message(
        recipients=recipients, subject=subject, text=text, html=html, attachments=attachments, dedupe_key=dedupe_key
    )
    with transaction.atomic(savepoint=False):
        if dedupe_key and _dedupe_key_queued(dedupe_key):
            return None
        if dedupe_key:
            # Another run may commit the same key between the check and the INSERT: the unique
            # index decides, and the savepoint keeps the caller's transaction usable.
            try:
                with transaction.atomic():
                    email.save(force_insert=True)
            except IntegrityError:
                return None  # dedupe_key is the row's only unique field besides its id
        else:
            email.save(force_insert=True)
        if send_after_commit:
            _send_after_commit(email.pk)
    return email


def _dedupe_key_queued(key: str) -> bool:
    return OutboxEmail.objects.filter(dedupe_key=key).exists()


def outbox_message_id(email: OutboxEmail) -> str:
    """The Message-ID of ``email``: the same on every attempt, so a copy sent again after a crash
    (the SMTP server took it, the worker died before recording it) is recognisable as a repeat.
    The row's id and creation time make it unique per database; the domain is the sender's."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "ita-portal.local"
    return f"<ita-outbox-{email.pk}.{email.created_at:%Y%m%d%H%M%S%f}@{domain}>"


def _build_message(email: OutboxEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(email.recipients),
        headers={"Message-ID": outbox_message_id(email)},
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    for a in email.attachments:
        maintype, _, subtype = a["content_type"].partition("/")
        if maintype == "text":
            part = MIMEText(a["content"], subtype, "utf-8")
            if a.get("method"):
                part.set_param("method", a["method"])
            part.add_header("Content-Disposition", "attachment", filename=a["filename"])
            message.attach(part)
        else:
            message.attach(a["filename"], a["content"], a["content_type"])
    return message


def _deliver(email: OutboxEmail) -> None:
    """Hand one row to its channel: SMTP for e-mail, the LINE Messaging API for LINE."""
    if email.channel == OutboxChannel.LINE:
        from ita_portal.mail.line import line_push

        line_push(email)
    else:
        _build_message(email).send(fail_silently=False)


def outbox_send(*, email_id: int, now: dt.datetime | None = None) -> OutboxEmail | None:
    """Send one outbox row if it is due; returns the row, or None when another worker has it.

    The row is claimed with a conditional UPDATE (ready and due, or ``sending`` for longer than
    the stale timeout because a worker died mid-send). A failure is recorded with its error and
    retried after ``retry_delay``; after ``OUTBOX_MAX_ATTEMPTS`` attempts the row is ``failed``.
    Raises ImproperlyConfigured (after marking the row failed) when e-mail is not configured.
    """
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=_setting("OUTBOX_SENDING_STALE_SECONDS", DEFAULT_SENDING_STALE_SECONDS))
    claimed = (
        OutboxEmail.objects.filter(pk=email_id)
        .filter(Q(status=OutboxStatus.READY, next_attempt_at__lte=now) | Q(status=OutboxStatus.SENDING, claimed_at__lt=stale))
        .update(status=OutboxStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    email = OutboxEmail.objects.get(pk=email_id)
    problem = mail_config_error() if email.channel == OutboxChannel.EMAIL else ""
    if problem:
        email.status, email.last_error = OutboxStatus.FAILED, problem
        email.save(update_fields=["status", "last_error"])
        raise ImproperlyConfigured(problem)
    try:
        _deliver(email)
    except Exception as exc:
        email.last_error = f"{type(exc).__name__}: {exc}"[:4000]
        if email.attempts >= max_attempts():
            email.status = OutboxStatus.FAILED
            logger.error("outbox e-mail %s failed for good after %s attempts: %s", email.pk, email.attempts, email.last_error)
        else:
            email.status = OutboxStatus.READY
            email.next_attempt_at = now + retry_delay(email.attempts)
            logger.warning("outbox e-mail %s attempt %s failed: %s", email.pk, email.attempts, email.last_error)
        email.save(update_fields=["status", "last_error", "next_attempt_at"])
        return email
    email.status, email.sent_at, email.last_error = OutboxStatus.SENT, timezone.now(), ""
    email.save(update_fields=["status", "sent_at", "last_error"])
    return email


def outbox_retry_due(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Send the rows whose next attempt is due (and rows stuck in ``sending``); returns how many were sent."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=_setting("OUTBOX_SENDING_STALE_SECONDS", DEFAULT_SENDING_STALE_SECONDS))
    ids = list(
        OutboxEmail.objects.filter(
            Q(status=OutboxStatus.READY, next_attempt_at__lte=now) | Q(status=OutboxStatus.SENDING, claimed_at__lt=stale)
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in ids:
        email = outbox_send(email_id=pk, now=now)
        sent += bool(email and email.status == OutboxStatus.SENT)
    return sent


def outbox_resend(*, email_id: int) -> OutboxEmail:
    """Admin "ส่งอีกครั้ง": put a failed (or sent) row back in the queue with fresh attempts."""
    with transaction.atomic():
        email = OutboxEmail.objects.select_for_update().get(pk=email_id)
        if email.status not in (OutboxStatus.FAILED, OutboxStatus.SENT):
            raise ValidationError("ส่งอีกครั้งได้เฉพาะอีเมลที่ส่งไม่สำเร็จหรือส่งแล้ว")
        email.status, email.attempts, email.next_attempt_at, email.claimed_at = OutboxStatus.READY, 0, timezone.now(), None
        email.save(update_fields=["status", "attempts", "next_attempt_at", "claimed_at"])
        _send_after_commit(email.pk)
    return email
