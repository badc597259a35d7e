"""Reminders and the outbox against a REAL Redis broker, REAL Celery workers (subprocesses), a real
PostgreSQL database and a real (fake) SMTP server: exactly once under concurrency, a worker killed
between claiming and sending, SMTP retries ending as failed, and a worker without e-mail settings.

Needs DATABASE_URL=postgres://… and REDIS_URL; under CI=true a missing one is a failure.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
import warnings
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.db import connection, connections, transaction
from django.utils import timezone
from icalendar import Calendar

from ita_portal.celery import app as celery_app
from ita_portal.mail.models import OutboxEmail, OutboxStatus
from ita_portal.mail.services import email_queue
from measures.models import Reminder
from measures.reminders import followup_recipients
from measures.services.reminders import reminders_recompute, reminders_sweep
from tests.factories_reminders import meeting_with_people
from tests.fake_smtp import FakeSMTP

ROOT = Path(__file__).resolve().parent.parent


def db_url() -> str:
    d = connection.settings_dict
    auth = quote(d["USER"]) + (":" + quote(d["PASSWORD"]) if d["PASSWORD"] else "")
    return f"postgres://{auth}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"


def wait_for(condition, *, timeout: float = 45, what: str = "condition", log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    detail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    pytest.fail(f"timed out waiting for {what}\n{detail}")


class Live:
    """Start real workers on a private queue; send them tasks through Redis."""

    def __init__(self, redis_url: str, tmp_path: Path):
        self.redis_url = redis_url
        self.tmp_path = tmp_path
        self.queue = f"ita-test-{uuid.uuid4().hex[:10]}"
        self.smtp = FakeSMTP().start()
        self.procs: list[subprocess.Popen] = []
        self.logs: list[Path] = []

    def start_worker(self, name: str, **env) -> subprocess.Popen:
        log = self.tmp_path / f"{name}.log"
        full_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
            "DATABASE_URL": db_url(),
            "REDIS_URL": self.redis_url,
            "EMAIL_URL": self.smtp.url,
            "ITA_TEST_QUEUE": self.queue,
            "ITA_VAR_DIR": str(self.tmp_path),
            "DEBUG": "0",
            **env,
        }
        cmd = [sys.executable, "-m", "celery", "-A", "ita_portal", "worker", "--pool=solo", "-Q", self.queue]
        cmd += ["-n", f"{name}.{self.queue}@%h", "--loglevel=INFO", "--without-gossip", "--without-mingle"]
        with log.open("wb") as out:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        self.logs.append(log)
        wait_for(lambda: "ready." in log.read_text(errors="replace") or proc.poll() is not None, what=f"{name} ready", log=log)
        assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
        return proc

    def send(self, task: str, *args) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # AlwaysEagerIgnored: sending to the real broker is the point
            celery_app.send_task(task, args=list(args), queue=self.queue)

    def kill(self, proc: subprocess.Popen) -> None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(5)
        self.smtp.stop()
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_delete(self.queue)


@pytest.fixture
def live(require_postgres, redis_url, transactional_db, tmp_path):
    live = Live(redis_url, tmp_path)
    yield live
    live.stop()
    connections.close_all()


def due_meetings(count: int) -> list:
    """``count`` meetings in two days whose 1-day reminder is due now (two recipients each)."""
    now = timezone.now()
    meetings = []
    for _ in range(count):
        f = meeting_with_people(starts_at=now + dt.timedelta(days=2, hours=3))
        reminders_recompute(followup=f)
        meetings.append(f)
    # Due now whatever today is: on a weekend or holiday in Bangkok the 1-day moment moves back to
    # the last working day, which may be past already, and recompute marks it skipped as too late.
    Reminder.objects.filter(followup__in=meetings, lead_days=1).update(due_at=now - dt.timedelta(minutes=1), skipped_reason="")
    return meetings


def assert_each_recipient_got_exactly_one(meetings, smtp: FakeSMTP) -> None:
    expected = Counter(m.user.email for f in meetings for m in followup_recipients(f))
    got = Counter(r for msg in smtp.received for r in msg.recipients)
    assert got == expected
    assert set(expected.values()) == {1}


pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_two_workers_sweeping_at_once_send_each_reminder_once(live):
    meetings = due_meetings(30)
    live.start_worker("w1")
    live.start_worker("w2")
    live.send("measures.reminders_sweep")
    live.send("measures.reminders_sweep")
    wait_for(lambda: Reminder.objects.filter(followup__in=meetings, sent_at__isnull=False).count() == 30, what="30 sent")
    wait_for(lambda: OutboxEmail.objects.filter(status=OutboxStatus.SENT).count() == 60, what="60 e-mails sent")
    time.sleep(1.5)  # anything duplicated would arrive now
    assert OutboxEmail.objects.count() == 60
    assert len(live.smtp.received) == 60
    assert_each_recipient_got_exactly_one(meetings, live.smtp)
    # The invitation survived SMTP: parse it back from the received message.
    message = live.smtp.received[0].message
    (ics,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert ics.get_param("method") == "REQUEST"
    event = Calendar.from_ical(ics.get_payload(decode=True)).walk("VEVENT")[0]
    assert str(event["UID"]) in {str(f.uid) for f in meetings}
    assert str(message["Subject"]).strip().startswith(("อีก ๒ วัน:", "อีก ๓ วัน:"))


def test_concurrent_sweeps_in_threads_claim_each_row_once(require_postgres, transactional_db):
    meetings = due_meetings(40)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def run() -> None:
        try:
            barrier.wait()
            results.append(reminders_sweep(batch_size=7))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert sum(results) == 40
    assert Reminder.objects.filter(followup__in=meetings, sent_at__isnull=False).count() == 40
    keys = list(OutboxEmail.objects.values_list("dedupe_key", flat=True))
    assert len(keys) == 80 == len(set(keys))


def test_worker_killed_between_claim_and_send_neither_loses_nor_duplicates(live):
    (meeting,) = due_meetings(1)
    reminder = Reminder.objects.get(followup=meeting, lead_days=1)
    # Hold the meeting's row lock: the worker claims the reminder, then blocks before queueing mail.
    d = connection.settings_dict
    blocker = psycopg2.connect(dbname=d["NAME"], user=d["USER"], password=d["PASSWORD"], host=d["HOST"], port=d["PORT"])
    try:
        with blocker.cursor() as cur:
            cur.execute("SELECT id FROM measures_followup WHERE id = %s FOR UPDATE", [meeting.pk])
            victim = live.start_worker("victim", ITA_TEST_CLAIM_STALE_SECONDS="3")
            live.send("measures.reminders_sweep")
            wait_for(lambda: Reminder.objects.filter(pk=reminder.pk, claimed_at__isnull=False).exists(), what="claim")

            def worker_blocked() -> bool:
                cur.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                return cur.fetchone()[0] > 0

            wait_for(worker_blocked, what="the worker waiting on the meeting lock")
            live.kill(victim)  # SIGKILL between claiming and sending
        blocker.rollback()
    finally:
        blocker.close()
    reminder.refresh_from_db()
    assert reminder.claimed_at is not None and reminder.sent_at is None  # claimed, not lost, not sent
    assert OutboxEmail.objects.count() == 0 and live.smtp.received == []

    live.start_worker("rescuer", ITA_TEST_CLAIM_STALE_SECONDS="3")
    time.sleep(3.2)  # the dead worker's claim goes stale
    live.send("measures.reminders_sweep")
    wait_for(lambda: Reminder.objects.filter(pk=reminder.pk, sent_at__isnull=False).exists(), what="sent after rescue")
    wait_for(lambda: len(live.smtp.received) >= 2, what="2 e-mails")
    live.send("measures.reminders_sweep")  # another sweep later finds nothing to send
    time.sleep(2)
    assert OutboxEmail.objects.count() == 2
    assert_each_recipient_got_exactly_one([meeting], live.smtp)


def test_smtp_failures_are_retried_with_backoff_and_end_as_failed(live):
    live.smtp.fail_next = 2
    with transaction.atomic():
        recovers = email_queue(recipients=["a@example.go.th"], subject="ทดสอบส่งซ้ำ", text="ก", send_after_commit=False)
    live.start_worker("w1")  # OUTBOX_RETRY_BASE_SECONDS=1, OUTBOX_MAX_ATTEMPTS=3
    live.send("mail.outbox_send", recovers.pk)

    # Act as beat: the retry sweep runs every second instead of every minute.
    def retried_until(pk: int, status: str) -> bool:
        live.send("mail.outbox_retry_due")
        time.sleep(0.5)
        return OutboxEmail.objects.get(pk=pk).status == status

    wait_for(lambda: retried_until(recovers.pk, OutboxStatus.SENT), what="sent after two failures")
    recovers.refresh_from_db()
    assert recovers.attempts == 3 and recovers.last_error == ""
    assert len(live.smtp.received) == 1 and live.smtp.received[0].recipients == ["a@example.go.th"]

    live.smtp.always_fail = True
    with transaction.atomic():
        doomed = email_queue(recipients=["b@example.go.th"], subject="ทดสอบล้มเหลว", text="ข", send_after_commit=False)
    live.send("mail.outbox_send", doomed.pk)
    first_failure = wait_for(
        lambda: OutboxEmail.objects.filter(pk=doomed.pk, attempts=1, status=OutboxStatus.READY).first(), what="1st failure"
    )
    assert first_failure.next_attempt_at > timezone.now() - dt.timedelta(seconds=1)  # backed off, not hammering
    wait_for(lambda: retried_until(doomed.pk, OutboxStatus.FAILED), what="failed")
    doomed.refresh_from_db()
    assert doomed.attempts == 3
    assert "451" in doomed.last_error and "SMTP" in doomed.last_error
    live.send("mail.outbox_retry_due")
    time.sleep(1)
    doomed.refresh_from_db()
    assert doomed.attempts == 3 and doomed.status == OutboxStatus.FAILED  # failed rows are left for a human


@pytest.mark.django_db(transaction=False)
def test_worker_without_email_settings_refuses_to_start(tmp_path):
    """A production worker (DEBUG off) with no EMAIL_URL would write mail to files: it must not start."""
    env = {k: v for k, v in os.environ.items() if k not in ("EMAIL_URL", "REDIS_URL", "DATABASE_URL", "DEBUG")}
    env.update(DJANGO_SETTINGS_MODULE="ita_portal.settings", ITA_VAR_DIR=str(tmp_path), DEBUG="0")
    (tmp_path / "celery" / "queue").mkdir(parents=True)
    (tmp_path / "celery" / "processed").mkdir(parents=True)
    result = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "ita_portal", "worker", "--pool=solo", "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=90,
    )
    output = (result.stdout + result.stderr).decode(errors="replace")
    assert result.returncode != 0, output[-2000:]
    assert "EMAIL_URL" in output and "ไม่ได้ตั้งค่าการส่งอีเมล" in output
