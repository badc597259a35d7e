"""A broker outage degrades, never lies: with the Redis broker DOWN, a PDF request and a director's
approval are committed and the page says the PDF waits for the queue (no HTTP 500); when Redis is
back, beat's sweep queues the waiting renders at once. Pages keep working on the Redis cache and
cached sessions meanwhile.

The test starts its own redis-server on a free 127.0.0.1 port, stops it and starts it again.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.urls import reverse
from django.utils import timezone

from ita_portal.celery import app as celery_app
from ita_portal.mail.schedule import beat_schedule_ensure
from reports import services
from reports.models import Rendition, RenditionStatus, ReportKind, ReportState
from reports.portal import RENDER_RETRY_NAME
from reports.views import queue_down_text
from tests.conftest import in_ci

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A private redis-server (no persistence) that a test can stop and start again on one port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        cmd = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url)
        for _ in range(100):
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        pytest.fail("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def queued(self, queue: str) -> list[dict]:
        """The task messages waiting in ``queue`` (kombu keeps a Redis list per queue)."""
        client = redis.Redis.from_url(self.url)
        return [json.loads(raw) for raw in client.lrange(queue, 0, -1)]


@pytest.fixture
def broker(settings):
    if not shutil.which("redis-server"):
        if in_ci():
            pytest.fail("redis-server is missing: CI must run the broker outage test")
        pytest.skip("redis-server is not installed")
    server = RedisServer()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "ita_portal.cache.DegradingRedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    saved = {k: celery_app.conf[k] for k in ("broker_url", "task_always_eager", "task_publish_retry_policy")}
    celery_app.conf.update(
        broker_url=server.url,
        task_always_eager=False,
        broker_connection_timeout=1,
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5},
    )
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    yield server
    server.stop()
    celery_app.conf.update(saved)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _url(name: str, report, **extra) -> str:
    return reverse(
        f"reports:{name}", kwargs={"agency_id": report.agency_id, "year": report.fiscal_year, "pk": report.pk, **extra}
    )


def _messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_outage_commits_says_so_and_the_sweep_requeues_when_redis_returns(world, broker):
    staff, director = world.client_for("staff_a"), world.client_for("director_a")
    report = services.report_create(
        agency=world.agency_a, year=2567, kind=ReportKind.CALENDAR, actor=world.users["staff_a"], data={}
    )
    assert staff.get(_url("detail", report)).status_code == 200  # session and cache on the live Redis
    services.report_submit(report=report, actor=world.users["staff_a"])

    broker.stop()  # ---- Redis (broker, cache, cached sessions) is down ----
    started = time.monotonic()
    response = staff.post(_url("render", report), follow=True)
    request_seconds = time.monotonic() - started
    assert response.status_code == 200, response.content[:500]
    assert queue_down_text() in _messages_of(response)
    review = report.renditions.get(is_final=False)
    assert review.status == RenditionStatus.PENDING and review.queued_at is None  # committed, not queued
    assert "ไฟล์ PDF จะถูกสร้างเมื่อคิวงานกลับมาทำงาน" in response.content.decode()
    assert request_seconds < 10  # failing fast, not hanging on the broker

    response = director.post(
        _url("action", report, action="approve"), {"decision": "อนุญาต", "confirm_past_year": "1"}, follow=True
    )
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED and report.doc_number  # the approval happened ...
    assert queue_down_text() in _messages_of(response)  # ... and the page says the PDF is waiting
    final = report.renditions.get(is_final=True)
    assert final.status == RenditionStatus.PENDING and final.queued_at is None

    # Nothing is sent while the broker is still down; the sweep says so and keeps the rows waiting.
    Rendition.objects.update(created_at=timezone.now() - dt.timedelta(seconds=30))
    assert services.renditions_requeue() == 0
    assert Rendition.objects.filter(queued_at__isnull=True).count() == 2

    broker.start()  # ---- Redis is back (empty: it keeps nothing across restarts) ----
    assert services.renditions_requeue() == 2  # what beat runs every minute
    queued = broker.queued("pdf")
    assert sorted(m["headers"]["argsrepr"] for m in queued) == sorted(f"({r.pk},)" for r in (review, final))
    assert all(m["headers"]["task"] == "reports.render_rendition" for m in queued)
    assert not Rendition.objects.filter(queued_at__isnull=True).exists()
    assert services.renditions_requeue() == 0  # queued once, not on every sweep
    assert len(broker.queued("pdf")) == 2


def test_the_requeue_sweep_runs_every_minute():
    from django_celery_beat.models import PeriodicTask

    beat_schedule_ensure()
    task = PeriodicTask.objects.get(name=RENDER_RETRY_NAME)
    assert task.task == "reports.renditions_requeue" and task.enabled
    assert (task.interval.every, task.interval.period) == (1, "minutes")
    assert not PeriodicTask.objects.filter(name__contains="ทุก 5 นาที", task__startswith="reports.").exists()
