"""Celery tasks of the outbox: thin wrappers that take ids and call the services."""

from __future__ import annotations

from celery import shared_task
from django.core.exceptions import ImproperlyConfigured

from ita_portal.mail.models import OutboxStatus
from ita_portal.mail.services import outbox_retry_due, outbox_send


@shared_task(name="mail.outbox_send", ignore_result=True)
def outbox_send_task(email_id: int) -> str | None:
    email = outbox_send(email_id=email_id)
    return email.status if email else None


@shared_task(name="mail.outbox_send_many", ignore_result=True)
def outbox_send_many_task(email_ids: list[int]) -> int:
    """Send a batch of outbox rows queued together; returns how many were sent.

    Each row is claimed and sent on its own (``outbox_send``), so a row another worker has, or a
    worker that dies half-way, is handled as for single sends: an unsent row stays ready or goes
    stale and the retry sweep takes it. A row that fails does not stop the rest of the batch.
    """
    sent, config_error = 0, None
    for pk in email_ids:
        try:
            email = outbox_send(email_id=pk)
        except ImproperlyConfigured as exc:
            config_error = exc
            continue
        sent += bool(email and email.status == OutboxStatus.SENT)
    if config_error:
        raise config_error
    return sent


@shared_task(name="mail.outbox_retry_due", ignore_result=True)
def outbox_retry_due_task() -> int:
    return outbox_retry_due()
