"""O-items not ready before their due date remind their responsible person exactly once per
reminder moment (7 and 1 days before at 09:00 Bangkok), through the outbox."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from ita_portal.agencies.models import Membership
from ita_portal.mail.models import OutboxEmail
from oit import services
from oit.models import OitReminder
from oit.reminders import oit_reminders_sweep
from tests.factories import bkk, make_framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(world):
    user = world.users["staff_a"]
    user.email = "staff.a@example.go.th"
    user.save()
    fw = make_framework(2569, oit_items=3)
    row = services.oit_entry_for(agency=world.agency_a, item=fw.items.get(number=1))
    return services.oit_entry_assign(entry=row, responsible=Membership.objects.get(user=user), due_date=dt.date(2026, 3, 20))


def test_each_moment_once(entry):
    assert oit_reminders_sweep(now=bkk(2026, 3, 13, 8, 59)) == 0  # before 7 days ahead, 09:00
    assert oit_reminders_sweep(now=bkk(2026, 3, 13, 9, 0)) == 1
    assert oit_reminders_sweep(now=bkk(2026, 3, 13, 9, 5)) == 0
    assert oit_reminders_sweep(now=bkk(2026, 3, 19, 9, 0)) == 1  # the 1-day moment
    assert oit_reminders_sweep(now=bkk(2026, 3, 19, 12, 0)) == 0
    mails = list(OutboxEmail.objects.order_by("pk"))
    assert len(mails) == 2 and mails[0].recipients == ["staff.a@example.go.th"]
    assert "O1" in mails[0].subject and "ยังไม่พร้อม" in mails[0].subject
    assert f"/oit/a/{entry.agency_id}/2569/O1/" in mails[0].text


def test_ready_rows_are_not_reminded_and_a_new_due_date_gives_new_moments(entry):
    services.oit_evidence_add(entry=entry, url="https://www.example.go.th/ita/o1")
    services.oit_status_set(entry=entry, status="ready")
    assert oit_reminders_sweep(now=bkk(2026, 3, 19, 9, 0)) == 0
    assert OutboxEmail.objects.count() == 0
    services.oit_status_set(entry=entry, status="in_progress")
    entry.refresh_from_db()
    services.oit_entry_assign(entry=entry, responsible=entry.responsible, due_date=dt.date(2026, 3, 27))
    assert oit_reminders_sweep(now=bkk(2026, 3, 20, 9, 0)) == 1  # 7 days before the new date
    assert OitReminder.objects.filter(sent_at__isnull=False).count() == 1


def test_past_due_dates_send_nothing(entry):
    assert oit_reminders_sweep(now=bkk(2026, 3, 21, 9, 0)) == 0


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_once(world, require_postgres):
    user = world.users["staff_a"]
    user.email = "staff.a@example.go.th"
    user.save()
    fw = make_framework(2569, oit_items=3)
    for number in (1, 2, 3):
        row = services.oit_entry_for(agency=world.agency_a, item=fw.items.get(number=number))
        services.oit_entry_assign(entry=row, responsible=Membership.objects.get(user=user), due_date=dt.date(2026, 3, 20))
    results, now = [], bkk(2026, 3, 19, 9, 0)

    def run():
        try:
            results.append(oit_reminders_sweep(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Both moments (7 and 1 days) of three rows have come: six reminders, six e-mails, no duplicate.
    assert OutboxEmail.objects.count() == 6 and sum(results) == 6


def test_the_sweep_is_on_the_beat_schedule():
    from celery import current_app
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.select_related("interval").get(task="oit.reminders_sweep")
    assert task.enabled and (task.interval.every, task.interval.period) == (5, "minutes")
    current_app.loader.import_default_modules()
    assert "oit.reminders_sweep" in current_app.tasks


LINE_TOKEN = "line-token-OIT-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123"
LINE_GROUP = "C0123456789abcdef0123456789abcd01"


@pytest.fixture
def fake_line(settings):
    from tests.fake_line import FakeLine

    fake = FakeLine().start()
    settings.LINE_API_BASE = fake.url
    yield fake
    fake.stop()


def _sweep(capture, when):
    with capture(execute=True):
        return oit_reminders_sweep(now=when)


def test_line_group_gets_each_moment_once(world, entry, fake_line, django_capture_on_commit_callbacks):
    """The same channel, the same way as the measures' meeting reminders: one push per moment."""
    from ita_portal.mail.line import line_channel_set
    from ita_portal.mail.models import OutboxChannel, OutboxStatus

    line_channel_set(agency=world.agency_a, actor=world.users["director_a"], token=LINE_TOKEN, group_id=LINE_GROUP)
    capture = django_capture_on_commit_callbacks
    assert _sweep(capture, bkk(2026, 3, 13, 9, 0)) == 1
    assert _sweep(capture, bkk(2026, 3, 13, 9, 5)) == 0  # the same moment again: nothing
    assert _sweep(capture, bkk(2026, 3, 19, 9, 0)) == 1
    assert _sweep(capture, bkk(2026, 3, 19, 9, 30)) == 0
    assert [p.to for p in fake_line.pushes] == [LINE_GROUP, LINE_GROUP]
    first = fake_line.pushes[0]
    assert first.token == LINE_TOKEN
    assert "ข้อ O1 ยังไม่พร้อม" in first.texts[0] and f"/oit/a/{entry.agency_id}/2569/O1/" in first.texts[0]
    line_rows = OutboxEmail.objects.filter(channel=OutboxChannel.LINE)
    assert line_rows.count() == 2 and set(line_rows.values_list("status", flat=True)) == {OutboxStatus.SENT}
    assert OutboxEmail.objects.filter(channel=OutboxChannel.EMAIL).count() == 2


def test_line_alone_reminds_a_row_without_an_e_mail(world, entry, fake_line, django_capture_on_commit_callbacks):
    from ita_portal.mail.line import line_channel_set

    user = entry.responsible.user
    user.email = ""
    user.save()
    line_channel_set(agency=world.agency_a, actor=world.users["director_a"], token=LINE_TOKEN, group_id=LINE_GROUP)
    assert _sweep(django_capture_on_commit_callbacks, bkk(2026, 3, 13, 9, 0)) == 0  # no e-mail
    assert len(fake_line.pushes) == 1
    assert OitReminder.objects.get().sent_at is not None


def test_no_line_until_configured_and_none_for_ready_rows(world, entry, fake_line, django_capture_on_commit_callbacks):
    from ita_portal.mail.line import line_channel_set

    assert _sweep(django_capture_on_commit_callbacks, bkk(2026, 3, 13, 9, 0)) == 1
    assert fake_line.pushes == []
    line_channel_set(agency=world.agency_a, actor=world.users["director_a"], token=LINE_TOKEN, group_id=LINE_GROUP)
    services.oit_evidence_add(entry=entry, url="https://www.example.go.th/ita/o1")
    services.oit_status_set(entry=entry, status="ready")
    assert _sweep(django_capture_on_commit_callbacks, bkk(2026, 3, 19, 9, 0)) == 0
    assert fake_line.pushes == []
