"""Celery tasks of the OIT workspace: the reminder sweep (schedule: registered from oit/portal.py)."""

from __future__ import annotations

from celery import shared_task

from oit.reminders import oit_reminders_sweep


@shared_task(name="oit.reminders_sweep", ignore_result=True)
def oit_reminders_sweep_task() -> int:
    return oit_reminders_sweep()
