"""The beat schedule, created by code (never by hand in the admin) after every ``migrate``.

Periodic tasks only *sweep* the database, so nothing sits in the broker for weeks and a worker
that was down catches up on its next run. Crontab times are Asia/Bangkok, like CELERY_TIMEZONE.
"""

from __future__ import annotations

import json

from django.db import DEFAULT_DB_ALIAS

SWEEP_NAME = "ITA: ส่งการแจ้งเตือนการกำกับติดตาม (ทุก 5 นาที)"
RETRY_NAME = "ITA: ส่งอีเมลที่รอส่งซ้ำ (ทุก 1 นาที)"
DIGEST_NAME = "ITA: สรุปรายสัปดาห์ถึงผู้อำนวยการ (วันจันทร์ 07:00)"
RENDER_RETRY_NAME = "ITA: ส่ง PDF ที่รอคิวหรือค้างเข้าคิวอีกครั้ง (ทุก 1 นาที)"
# Entries an older release created under another name; removed so they do not run twice.
OBSOLETE_NAMES = ("ITA: สร้าง PDF ที่ค้างอีกครั้ง (ทุก 5 นาที)",)


def beat_schedule_ensure(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Create or repair the periodic tasks (idempotent)."""
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    every_5, _ = IntervalSchedule.objects.using(using).get_or_create(every=5, period=IntervalSchedule.MINUTES)
    every_1, _ = IntervalSchedule.objects.using(using).get_or_create(every=1, period=IntervalSchedule.MINUTES)
    monday_7, _ = CrontabSchedule.objects.using(using).get_or_create(
        minute="0", hour="7", day_of_week="1", day_of_month="*", month_of_year="*", timezone="Asia/Bangkok"
    )
    for name, task, schedule in (
        (SWEEP_NAME, "measures.reminders_sweep", {"interval": every_5, "crontab": None}),
        (RETRY_NAME, "mail.outbox_retry_due", {"interval": every_1, "crontab": None}),
        (DIGEST_NAME, "measures.director_digest", {"interval": None, "crontab": monday_7}),
        # Every minute: a render requested while the broker was down starts within a minute of its return.
        (RENDER_RETRY_NAME, "reports.renditions_requeue", {"interval": every_1, "crontab": None}),
    ):
        PeriodicTask.objects.using(using).update_or_create(
            name=name, defaults={"task": task, "enabled": True, "args": json.dumps([]), "kwargs": json.dumps({}), **schedule}
        )
    PeriodicTask.objects.using(using).filter(name__in=OBSOLETE_NAMES).delete()


def beat_schedule_ensure_after_migrate(sender=None, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    beat_schedule_ensure(using=using)
