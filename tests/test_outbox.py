"""The e-mail outbox (eager Celery): queued after commit, back-off and failure, the admin with
"ส่งอีกครั้ง", loud failure without real e-mail settings, the test-mail command, the beat schedule."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
import time_machine
from celery import current_app
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from ita_portal.mail.models import OutboxEmail, OutboxStatus
from ita_portal.mail.schedule import RETRY_NAME, beat_schedule_ensure
from ita_portal.mail.services import email_queue, outbox_resend, outbox_retry_due, outbox_send, retry_delay
from measures.portal import DIGEST_NAME, SWEEP_NAME
from tests.conftest import assert_status
from tests.factories import bkk

pytestmark = pytest.mark.django_db

FAILING = "tests.test_outbox.FailingBackend"


class FailingBackend(BaseEmailBackend):
    """An SMTP relay that refuses every message with a temporary error."""

    def send_messages(self, messages):
        raise smtplib.SMTPSenderRefused(451, b"4.3.0 Try again later", "noreply@ita-portal.local")


def queue(**kwargs) -> OutboxEmail:
    fields = {"recipients": ["a@example.go.th"], "subject": "เรื่องทดสอบ", "text": "เนื้อความ", **kwargs}
    with transaction.atomic():
        return email_queue(**fields)


def test_queued_mail_is_sent_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email = queue(html="<p>เนื้อความ</p>")
        assert mail.outbox == []  # nothing leaves before the transaction commits
    assert len(callbacks) == 1
    email.refresh_from_db()
    assert email.status == OutboxStatus.SENT and email.attempts == 1 and email.sent_at
    (message,) = mail.outbox
    assert message.subject == "เรื่องทดสอบ" and message.to == ["a@example.go.th"]
    assert message.alternatives[0] == ("<p>เนื้อความ</p>", "text/html")


def test_rolled_back_transaction_leaves_no_mail(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            email_queue(recipients=["a@example.go.th"], subject="ไม่ควรส่ง", text="x")
            raise RuntimeError("rollback")
    assert OutboxEmail.objects.count() == 0 and mail.outbox == []


def test_validation_and_dedupe():
    with pytest.raises(ValidationError, match="ผู้รับ"):
        queue(recipients=["", " "])
    with pytest.raises(ValidationError):
        queue(recipients=["not-an-address"])
    with pytest.raises(ValidationError, match="ชื่อเรื่อง"):
        queue(subject="   ")
    first = queue(recipients=["a@example.go.th", "A@example.go.th"], dedupe_key="k1")
    assert first.recipients == ["a@example.go.th"]
    assert queue(dedupe_key="k1") is None
    assert OutboxEmail.objects.count() == 1


def test_dedupe_key_queued_by_a_racing_run_counts_as_already_queued(monkeypatch, django_capture_on_commit_callbacks):
    """Another run commits the same key between our check and our INSERT: no IntegrityError, the
    caller's transaction goes on and queues its next message."""
    queue(dedupe_key="digest:2569-W47:7")
    import ita_portal.mail.services as mail_services

    monkeypatch.setattr(mail_services, "_dedupe_key_queued", lambda key: False)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        assert email_queue(recipients=["a@example.go.th"], subject="ซ้ำ", text="x", dedupe_key="digest:2569-W47:7") is None
        other = email_queue(recipients=["b@example.go.th"], subject="ถัดไป", text="y", dedupe_key="digest:2569-W47:8")
    assert other is not None
    assert sorted(OutboxEmail.objects.values_list("dedupe_key", flat=True)) == ["digest:2569-W47:7", "digest:2569-W47:8"]
    assert [m.subject for m in mail.outbox] == ["ถัดไป"]


def test_smtp_failure_backs_off_then_ends_failed(settings):
    settings.EMAIL_BACKEND = FAILING
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_RETRY_BASE_SECONDS = 120
    start = bkk(2024, 6, 13, 8)
    with time_machine.travel(start, tick=False):
        email = queue()
        email = outbox_send(email_id=email.pk)
    assert email.status == OutboxStatus.READY and email.attempts == 1
    assert email.next_attempt_at == start + dt.timedelta(seconds=120)
    assert "SMTPSenderRefused" in email.last_error and "451" in email.last_error
    assert outbox_retry_due(now=start + dt.timedelta(seconds=119)) == 0  # not due yet: no attempt
    assert OutboxEmail.objects.get(pk=email.pk).attempts == 1
    outbox_retry_due(now=start + dt.timedelta(seconds=121))
    email.refresh_from_db()
    assert email.attempts == 2 and email.next_attempt_at == start + dt.timedelta(seconds=121 + 240)
    outbox_retry_due(now=start + dt.timedelta(seconds=121 + 241))
    email.refresh_from_db()
    assert email.status == OutboxStatus.FAILED and email.attempts == 3
    outbox_retry_due(now=start + dt.timedelta(days=1))
    assert OutboxEmail.objects.get(pk=email.pk).attempts == 3  # failed rows wait for a human
    assert retry_delay(1) == dt.timedelta(seconds=120) and retry_delay(30) == dt.timedelta(hours=6)


def test_row_stuck_in_sending_is_taken_over_after_the_stale_timeout(settings):
    email = queue()
    OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxStatus.SENDING, claimed_at=bkk(2024, 6, 13, 8), attempts=1)
    assert outbox_send(email_id=email.pk, now=bkk(2024, 6, 13, 8, 4)) is None  # someone is sending it
    sent = outbox_send(email_id=email.pk, now=bkk(2024, 6, 13, 8, 6))  # 5 minutes: taken over
    assert sent.status == OutboxStatus.SENT and sent.attempts == 2 and len(mail.outbox) == 1


class CrashAfterHandOff(BaseEmailBackend):
    """The SMTP server has the message, then the worker dies before recording it (kill -9)."""

    def send_messages(self, messages):
        mail.outbox.extend(messages)
        raise KeyboardInterrupt  # not an Exception: nothing in outbox_send catches it


def test_a_repeat_after_a_crash_carries_the_same_message_id(settings):
    """Exactly once ends at the SMTP hand-off: a crash after it sends again, recognisably."""
    email = queue(subject="ประชุมติดตาม ครั้งที่ ๑")
    settings.EMAIL_BACKEND = "tests.test_outbox.CrashAfterHandOff"
    crash = timezone.now()
    with pytest.raises(KeyboardInterrupt):
        outbox_send(email_id=email.pk, now=crash)
    assert OutboxEmail.objects.get(pk=email.pk).status == OutboxStatus.SENDING
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_retry_due(now=crash + dt.timedelta(minutes=4)) == 0  # maybe still sending: wait
    assert outbox_retry_due(now=crash + dt.timedelta(minutes=6)) == 1
    outbox_send(email_id=queue(subject="ประชุมติดตาม ครั้งที่ ๒").pk)
    first, repeat, second = (m.message()["Message-ID"] for m in mail.outbox)
    assert first == repeat  # the receiver (and a test) can drop the repeat
    assert first != second
    assert first.startswith(f"<ita-outbox-{email.pk}.") and first.endswith("@ita-portal.local>")


def test_sent_mail_is_not_sent_twice():
    email = queue()
    outbox_send(email_id=email.pk)
    assert outbox_send(email_id=email.pk) is None
    assert len(mail.outbox) == 1


def test_non_delivering_backend_in_production_fails_loudly(settings):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    email = queue()
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        outbox_send(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutboxStatus.FAILED and "ไม่ได้ตั้งค่าการส่งอีเมล" in email.last_error
    settings.DEBUG = True  # developing: writing files is what make run wants
    settings.EMAIL_FILE_PATH = "/tmp/ita-mail-test"
    outbox_resend(email_id=email.pk)
    assert outbox_send(email_id=email.pk).status == OutboxStatus.SENT


def test_admin_lists_errors_and_send_again_action(world, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = FAILING
    settings.OUTBOX_MAX_ATTEMPTS = 1
    failed = outbox_send(email_id=queue(subject="ส่งไม่ผ่าน").pk)
    waiting = queue(subject="ยังรอส่ง")
    assert failed.status == OutboxStatus.FAILED
    url = reverse("admin:mail_outboxemail_changelist")
    assert_status(world, url, {"anonymous": 302, "staff_a": 302, "director_a": 302, "superuser": 200})
    supervisor = world.client_for("supervisor").get(url)
    assert supervisor.status_code in (302, 403)  # the outbox holds every agency's mail: superusers only
    client = world.client_for("superuser")
    page = client.get(url).content.decode()
    assert "ส่งไม่ผ่าน" in page and "SMTPSenderRefused" in page and "ส่งไม่สำเร็จ" in page
    assert "ส่งอีกครั้ง" in page

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "send_again", "_selected_action": [failed.pk, waiting.pk]}, follow=True)
    body = response.content.decode()
    assert "ส่งอีกครั้ง 1 ฉบับ" in body and "1 ฉบับยังรอส่งหรือกำลังส่งอยู่" in body
    failed.refresh_from_db()
    assert failed.status == OutboxStatus.SENT and failed.attempts == 1
    assert [m.subject for m in mail.outbox] == ["ส่งไม่ผ่าน"]


def test_send_test_email_command(settings, capsys):
    call_command("send_test_email", "admin@example.go.th")
    assert "ส่งแล้ว" in capsys.readouterr().out
    (message,) = mail.outbox
    assert message.subject == "ทดสอบการส่งอีเมลจาก ITA Portal" and "send_test_email" in message.body
    settings.EMAIL_BACKEND = FAILING
    with pytest.raises(CommandError, match=r"ส่งไม่สำเร็จ.*451"):
        call_command("send_test_email", "admin@example.go.th")
    with pytest.raises(CommandError, match="ผู้รับ"):
        call_command("send_test_email", " ")
    call_command("send_test_email", "admin@example.go.th", "--queue")
    assert "เข้าคิวแล้ว" in capsys.readouterr().out


def test_beat_schedule_is_created_by_code_in_bangkok_time():
    # Created by the post_migrate handler when the test database was migrated.
    tasks = {t.name: t for t in PeriodicTask.objects.select_related("interval", "crontab")}
    assert tasks[SWEEP_NAME].task == "measures.reminders_sweep"
    assert (tasks[SWEEP_NAME].interval.every, tasks[SWEEP_NAME].interval.period) == (5, "minutes")
    assert tasks[RETRY_NAME].task == "mail.outbox_retry_due"
    assert (tasks[RETRY_NAME].interval.every, tasks[RETRY_NAME].interval.period) == (1, "minutes")
    digest = tasks[DIGEST_NAME].crontab
    assert tasks[DIGEST_NAME].task == "measures.director_digest"
    assert (digest.minute, digest.hour, digest.day_of_week, str(digest.timezone)) == ("0", "7", "1", "Asia/Bangkok")
    beat_schedule_ensure()  # idempotent
    assert PeriodicTask.objects.filter(name__in=[SWEEP_NAME, RETRY_NAME, DIGEST_NAME]).count() == 3
    # Beat, workers and the app agree on the zone.
    assert current_app.conf.timezone == django_settings.TIME_ZONE == "Asia/Bangkok"
    current_app.loader.import_default_modules()  # what a worker does at start: autodiscover tasks.py
    assert {"measures.reminders_sweep", "mail.outbox_retry_due", "measures.director_digest"} <= set(current_app.tasks)


def test_many_messages_go_to_the_broker_in_batches_and_are_all_sent(monkeypatch, django_capture_on_commit_callbacks):
    from ita_portal.mail import services as mail_services
    from ita_portal.mail.services import email_queue_many
    from ita_portal.mail.tasks import outbox_send_many_task

    published = []
    real = outbox_send_many_task.apply_async
    monkeypatch.setattr(outbox_send_many_task, "apply_async", lambda args, **kw: published.append(args[0]) or real(args, **kw))
    count = 2 * mail_services.SEND_BATCH + 3
    messages = [{"recipients": [f"p{n}@example.go.th"], "subject": f"เรื่อง {n}", "text": "x"} for n in range(count)]
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            rows = email_queue_many(messages=messages)
    assert [len(b) for b in published] == [mail_services.SEND_BATCH, mail_services.SEND_BATCH, 3]
    assert sorted(pk for b in published for pk in b) == sorted(r.pk for r in rows)
    assert OutboxEmail.objects.filter(status=OutboxStatus.SENT).count() == count
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"p{n}@example.go.th" for n in range(count))


def test_a_failing_row_does_not_stop_its_batch(monkeypatch, settings):
    from ita_portal.mail.tasks import outbox_send_many_task

    first, second = queue(recipients=["a@example.go.th"]), queue(recipients=["b@example.go.th"])
    mail.outbox.clear()
    OutboxEmail.objects.update(status=OutboxStatus.READY, attempts=0, sent_at=None)
    settings.EMAIL_BACKEND = FAILING
    assert outbox_send_many_task.run([first.pk, second.pk]) == 0
    assert set(OutboxEmail.objects.values_list("attempts", flat=True)) == {1}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_send_many_task.run([first.pk, second.pk]) == 0  # not due yet: backed off
    OutboxEmail.objects.update(next_attempt_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    assert outbox_send_many_task.run([first.pk, second.pk]) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.go.th", "b@example.go.th"]
