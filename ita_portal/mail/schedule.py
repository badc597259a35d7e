"""The beat schedule, created by code (never by hand in the admin) after every ``migrate``.

Periodic tasks only *sweep* the database, so nothing sits in the broker for weeks and a worker
that was down catches up on its next run. Crontab times are Asia/Bangkok, like CELERY_TIMEZONE.

This app sits below the others: it names only its own task; the apps above add theirs from their
``AppConfig.ready()`` through ``periodic_task_register``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS

RETRY_NAME = "ITA: ส่งอีเมลที่รอส่งซ้ำ (ทุก 1 นาที)"
CRONTAB_TIMEZONE = "Asia/Bangkok"


@dataclass(frozen=True)
class PeriodicEntry:
    """One periodic task: every ``every_minutes`` minutes, or at a ``crontab``
    (``minute``/``hour``/``day_of_week``/``day_of_month``/``month_of_year``, missing ones ``*``)."""

    name: str
    task: str
    every_minutes: int | None = None
    crontab: dict[str, str] | None = None


ENTRIES: list[PeriodicEntry] = [PeriodicEntry(RETRY_NAME, "mail.outbox_retry_due", every_minutes=1)]


def periodic_task_register(entry: PeriodicEntry) -> None:
    """Add an app's periodic task to the schedule ``beat_schedule_ensure`` writes (idempotent)."""
    if entry not in ENTRIES:
        ENTRIES.append(entry)


# Entries an older release created under another name; an app lists them through
# ``periodic_task_retire`` and they are removed, so a renamed task does not run twice.
OBSOLETE_NAMES: set[str] = set()


def periodic_task_retire(name: str) -> None:
    """Remove a periodic task an older release created (by its name) the next time the schedule is written."""
    OBSOLETE_NAMES.add(name)


def beat_schedule_ensure(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Create or repair the periodic tasks (idempotent)."""
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    for entry in ENTRIES:
        if entry.every_minutes is not None:
            interval, _ = IntervalSchedule.objects.using(using).get_or_create(
                every=entry.every_minutes, period=IntervalSchedule.MINUTES
            )
            schedule = {"interval": interval, "crontab": None}
        else:
            fields = {"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
            crontab, _ = CrontabSchedule.objects.using(using).get_or_create(
                **{**fields, **(entry.crontab or {})}, timezone=CRONTAB_TIMEZONE
            )
            schedule = {"interval": None, "crontab": crontab}
        PeriodicTask.objects.using(using).update_or_create(
            name=entry.name,
            defaults={"task": entry.task, "enabled": True, "args": json.dumps([]), "kwargs": json.dumps({}), **schedule},
        )
    PeriodicTask.objects.using(using).filter(name__in=OBSOLETE_NAMES).delete()


def beat_schedule_ensure_after_migrate(sender=None, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    beat_schedule_ensure(using=using)
