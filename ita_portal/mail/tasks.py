"""Celery tasks of the outbox: thin wrappers that take ids and call the services."""

from __future__ import annotations

from celery import shared_task

from ita_portal.mail.services import outbox_retry_due, outbox_send


@shared_task(name="mail.outbox_send", ignore_result=True)
def outbox_send_task(email_id: int) -> str | None:
    email = outbox_send(email_id=email_id)
    return email.status if email else None


@shared_task(name="mail.outbox_retry_due", ignore_result=True)
def outbox_retry_due_task() -> int:
    return outbox_retry_due()
