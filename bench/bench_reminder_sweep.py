"""Benchmark: the reminder sweep over 100,000 follow-up meetings on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ita_bench_rem .venv/bin/python bench/bench_reminder_sweep.py

Builds (once per database, bulk) 500 agencies, each with a measure and two people with e-mail, and
100,000 meetings spread over a year around now, with their 7- and 1-day reminders (200,000 rows):
past moments already sent, future ones pending — what a live portal looks like. Then it times:

1. a sweep when nothing is due (the every-5-minutes case: one indexed look-up over 200,000 rows);
2. a sweep when 200 reminders are due at once (claim + 400 outbox e-mails with .ics, committed,
   and their 400 send tasks handed to the broker after commit).

It prints the seconds, the CPU time of the busy sweep in this process (what the machine's load
does not inflate), its number of SQL queries (a fixed number per batch of up to 500 reminders, not
per reminder) and the query plan of the due look-up, and exits non-zero if the sweep that finds
nothing exceeds the target (≤ 1 s), the busy sweep takes more than TARGET_BUSY_CPU seconds of CPU
or issues more than MAX_BUSY_QUERIES queries, or a correctness check fails. ``BENCH_PROFILE=1``
prints a profile of the busy sweep. Broker messages go to a
temporary folder (filesystem transport), never to a real queue; no e-mail leaves the machine.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-key-not-a-secret-" + "x" * 30)  # settings refuse none with DEBUG off
_var = Path(tempfile.mkdtemp(prefix="ita-bench-rem-"))
for sub in ("celery/queue", "celery/processed", "mail"):
    (_var / sub).mkdir(parents=True)
os.environ["ITA_VAR_DIR"] = str(_var)
os.environ.pop("REDIS_URL", None)
os.environ["EMAIL_URL"] = "locmem://"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from ita_portal.agencies.models import Agency, Membership, Role  # noqa: E402
from ita_portal.mail.models import OutboxEmail  # noqa: E402
from measures.models import FollowUp, Measure, Reminder, ReminderKind  # noqa: E402
from measures.reminders import reminder_due_at  # noqa: E402
from measures.services.reminders import _due_unsent, reminders_sweep  # noqa: E402

MEETINGS = int(os.environ.get("BENCH_MEETINGS", "100000"))
AGENCIES = 500
DUE_NOW = 200
TARGET_SECONDS = 1.0
MAX_BUSY_QUERIES = 20
#: CPU seconds of this process for the busy sweep (building 400 e-mails with .ics, queueing them).
TARGET_BUSY_CPU = 0.7


def build(now: dt.datetime) -> None:
    if FollowUp.objects.filter(agency__code__startswith="RBENCH-").count() >= MEETINGS:
        return
    print(f"building {MEETINGS:,} meetings (once per database)…", flush=True)
    Agency.objects.bulk_create(
        Agency(code=f"RBENCH-{n:04d}", name=f"หน่วยงานทดสอบการแจ้งเตือนที่ {n}", path="") for n in range(AGENCIES)
    )
    agencies = list(Agency.objects.filter(code__startswith="RBENCH-").order_by("pk"))
    Agency.objects.filter(code__startswith="RBENCH-").update(path="/")
    User = get_user_model()
    User.objects.bulk_create(
        User(username=f"rbench-{a.pk}-{i}", email=f"rbench-{a.pk}-{i}@example.go.th") for a in agencies for i in range(2)
    )
    users = {u.username: u for u in User.objects.filter(username__startswith="rbench-")}
    Membership.objects.bulk_create(
        Membership(user=users[f"rbench-{a.pk}-{i}"], agency=a, role=Role.STAFF, first_name_th=f"ทดสอบ{i}", last_name_th="ใจดี")
        for a in agencies
        for i in range(2)
    )
    Measure.objects.bulk_create(Measure(agency=a, fiscal_year=2567, title=f"มาตรการทดสอบ {a.code}") for a in agencies)
    measures = {m.agency_id: m for m in Measure.objects.filter(agency__in=agencies)}
    through = Measure.responsible_people.through
    through.objects.bulk_create(
        through(measure_id=measures[m.agency_id].pk, membership_id=m.pk) for m in Membership.objects.filter(agency__in=agencies)
    )
    step = dt.timedelta(days=365) / MEETINGS
    start = now - dt.timedelta(days=182)
    batch = []
    for n in range(MEETINGS):
        agency = agencies[n % AGENCIES]
        starts = (start + step * n).replace(second=0, microsecond=0)
        batch.append(FollowUp(agency=agency, fiscal_year=2567, measure=measures[agency.pk], number=n % 50 + 1, starts_at=starts))
        if len(batch) == 10000:
            FollowUp.objects.bulk_create(batch)
            batch = []
    FollowUp.objects.bulk_create(batch)
    rows = []
    for pk, starts in FollowUp.objects.filter(agency__in=agencies).values_list("pk", "starts_at").iterator(chunk_size=10000):
        for lead in (7, 1):
            due = reminder_due_at(starts, lead)
            rows.append(
                Reminder(
                    followup_id=pk, kind=ReminderKind.REMINDER, lead_days=lead, due_at=due, sent_at=due if due <= now else None
                )
            )
        if len(rows) >= 20000:
            Reminder.objects.bulk_create(rows)
            rows = []
    Reminder.objects.bulk_create(rows)
    with connection.cursor() as cur:
        cur.execute("ANALYZE measures_reminder; ANALYZE measures_followup")


def arm(now: dt.datetime) -> list[int]:
    """Make exactly DUE_NOW reminders due and unsent (of meetings still ahead); everything else past is sent."""
    Reminder.objects.filter(followup__agency__code__startswith="RBENCH-", sent_at__isnull=True, due_at__lte=now).update(
        sent_at=now
    )
    ids = list(
        Reminder.objects.filter(followup__agency__code__startswith="RBENCH-", followup__starts_at__gt=now + dt.timedelta(hours=2))
        .order_by("followup__starts_at")
        .values_list("pk", flat=True)[:DUE_NOW]
    )
    Reminder.objects.filter(pk__in=ids).update(
        due_at=now - dt.timedelta(minutes=3), sent_at=None, skipped_reason="", claimed_at=None, claim_token=None
    )
    OutboxEmail.objects.all().delete()
    return ids


def main() -> int:
    if connection.vendor != "postgresql":
        print("warning: DATABASE_URL is not PostgreSQL; the target is about PostgreSQL", file=sys.stderr)
    call_command("migrate", verbosity=0)
    now = timezone.now()
    build(now)
    ids = arm(now)
    total = Reminder.objects.count()
    pending = Reminder.objects.filter(sent_at__isnull=True, skipped_reason="").count()
    print(f"{FollowUp.objects.count():,} meetings, {total:,} reminders ({pending:,} unsent, {len(ids)} due now)")

    if connection.vendor == "postgresql":
        sql, params = _due_unsent(now).order_by("due_at", "pk").values("pk")[:500].query.sql_with_params()
        with connection.cursor() as cur:
            cur.execute("EXPLAIN ANALYZE " + sql, params)
            print("plan of the due look-up:")
            for (line,) in cur.fetchall():
                print("   ", line)

    reverse("admin:index")  # a running worker has loaded the URLconf after its first e-mail
    profile = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
    with CaptureQueriesContext(connection) as queries:
        t0, c0 = time.perf_counter(), time.process_time()
        if profile:
            profile.enable()
        sent = reminders_sweep(now=now)
        if profile:
            profile.disable()
        busy, busy_cpu = time.perf_counter() - t0, time.process_time() - c0
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
    emails = OutboxEmail.objects.count()
    t0 = time.perf_counter()
    again = reminders_sweep(now=now + dt.timedelta(minutes=5))
    idle = time.perf_counter() - t0
    busy_queries = len(queries.captured_queries)
    print(
        f"sweep with {len(ids)} due: {busy_cpu:.3f} s CPU ({busy:.3f} s wall), {busy_queries} SQL queries "
        f"({sent} reminders sent, {emails} outbox e-mails queued)"
    )
    print(f"sweep with nothing due over {MEETINGS:,} meetings: {idle:.3f} s (target ≤ {TARGET_SECONDS:.1f} s)")
    counts_ok = sent == len(ids) and emails == 2 * len(ids) and again == 0
    print(f"busy sweep CPU: {busy_cpu:.3f} s (target ≤ {TARGET_BUSY_CPU:.1f} s)")
    ok = counts_ok and idle <= TARGET_SECONDS and busy_queries <= MAX_BUSY_QUERIES and busy_cpu <= TARGET_BUSY_CPU
    if not ok:
        problem = (
            "wrong counts"
            if not counts_ok
            else "too slow"
            if idle > TARGET_SECONDS
            else "too many queries"
            if busy_queries > MAX_BUSY_QUERIES
            else "busy sweep above its CPU target"
        )
        print("FAILED: " + problem, file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
