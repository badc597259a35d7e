"""Celery tasks of measures: periodic sweeps that call services (schedule: ita_portal.mail.schedule)."""

from __future__ import annotations

from celery import shared_task

from measures.digest import director_digest_send_all
from measures.services.reminders import reminders_sweep


@shared_task(name="measures.reminders_sweep", ignore_result=True)
def reminders_sweep_task() -> int:
    return reminders_sweep()


@shared_task(name="measures.director_digest", ignore_result=True)
def director_digest_task() -> int:
    return director_digest_send_all()
