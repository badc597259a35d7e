"""Workflow notifications delivered by a REAL Celery worker through REAL Redis to a (fake) SMTP
server: each one exactly once, with its link, and retried after an SMTP failure.

Needs DATABASE_URL=postgres://… and REDIS_URL; under CI=true a missing one is a failure.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
from django.db import transaction

from ita_portal.celery import app as celery_app
from ita_portal.mail.line import line_channel_set
from ita_portal.mail.models import OutboxEmail, OutboxStatus
from reports import services
from reports.models import ReportKind
from reports.services.notify import notify_event
from tests.factories import AgencyFactory, MembershipFactory, UserFactory
from tests.fake_line import FakeLine
from tests.test_celery_worker import live, wait_for  # noqa: F401 - the fixture

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fake_line():
    fake = FakeLine().start()
    yield fake
    fake.stop()


@pytest.fixture
def to_worker(live, fake_line):  # noqa: F811 - the imported fixture
    """Send tasks queued after commit to the live worker's queue instead of running them eagerly;
    the worker pushes LINE messages to the fake LINE API."""
    conf = celery_app.conf
    before = {"task_always_eager": conf.task_always_eager, "task_default_queue": conf.task_default_queue}
    conf.update(task_always_eager=False, task_default_queue=live.queue)
    live.start_worker("notify", LINE_API_BASE=fake_line.url)
    live.line = fake_line
    yield live
    conf.update(**before)


def _people():
    agency = AgencyFactory(code="N0001")
    staff = MembershipFactory(agency=agency, user=UserFactory(username="n_staff", email="staff@n.test")).user
    director = MembershipFactory(agency=agency, role="director", user=UserFactory(username="n_dir", email="dir@n.test")).user
    return agency, staff, director


def test_each_notification_is_delivered_once_by_the_worker(to_worker):
    agency, staff, director = _people()
    report = services.report_create(agency=agency, year=2567, kind=ReportKind.CALENDAR, actor=staff)
    report = services.report_submit(report=report, actor=staff)
    report = services.report_return(report=report, actor=director, note="แก้ไขตาราง")
    wait_for(lambda: len(to_worker.smtp.received) >= 2, what="2 notifications", log=to_worker.logs[0])
    # Notifying the same events again (a retried request, a second worker) adds nothing.
    with transaction.atomic():
        for event in report.events.all():
            notify_event(report=report, event=event)
    time.sleep(1.5)  # a duplicate would arrive now
    got = Counter((r, m.message["Subject"].split(":")[0].strip()) for m in to_worker.smtp.received for r in m.recipients)
    assert got == Counter({("dir@n.test", "รอการพิจารณาของท่าน"): 1, ("staff@n.test", "ส่งกลับแก้ไข"): 1})
    body = to_worker.smtp.received[-1].message.get_body(("plain",)).get_content()
    assert "แก้ไขตาราง" in body and f"/reports/a/{agency.pk}/2567/{report.pk}/" in body
    assert OutboxEmail.objects.filter(status=OutboxStatus.SENT).count() == 2


def test_a_notification_refused_by_smtp_is_retried_and_sent_once(to_worker):
    agency, staff, _director = _people()
    to_worker.smtp.fail_next = 1
    report = services.report_create(agency=agency, year=2567, kind=ReportKind.CALENDAR, actor=staff)
    services.report_submit(report=report, actor=staff)
    row = wait_for(lambda: OutboxEmail.objects.filter(attempts=1, status=OutboxStatus.READY).first(), what="1st failure")
    assert "451" in row.last_error

    def retried() -> bool:
        to_worker.send("mail.outbox_retry_due")
        time.sleep(0.5)
        return OutboxEmail.objects.get(pk=row.pk).status == OutboxStatus.SENT

    wait_for(retried, what="sent after the failure")
    time.sleep(1)
    assert [m.recipients for m in to_worker.smtp.received] == [["dir@n.test"]]


def test_line_pushes_reach_the_fake_api_once_and_are_retried(to_worker):
    agency, staff, director = _people()
    line_channel_set(agency=agency, actor=director, token="token-for-worker-test", group_id="C" + "a" * 32)
    to_worker.line.fail_next = 1
    report = services.report_create(agency=agency, year=2567, kind=ReportKind.CALENDAR, actor=staff)
    services.report_submit(report=report, actor=staff)
    row = wait_for(
        lambda: OutboxEmail.objects.filter(channel="line", attempts=1, status=OutboxStatus.READY).first(), what="LINE failure"
    )
    assert "LINE API 500" in row.last_error

    def retried() -> bool:
        to_worker.send("mail.outbox_retry_due")
        time.sleep(0.5)
        return OutboxEmail.objects.get(pk=row.pk).status == OutboxStatus.SENT

    wait_for(retried, what="LINE push sent after the failure")
    services.report_return(report=report, actor=director, note="แก้ไข")
    wait_for(lambda: len(to_worker.line.pushes) == 2, what="second push")
    time.sleep(1.5)
    assert [p.to for p in to_worker.line.pushes] == ["C" + "a" * 32] * 2
    assert to_worker.line.pushes[0].token == "token-for-worker-test"
    assert to_worker.line.pushes[1].texts[0].startswith("ส่งกลับแก้ไข:")
