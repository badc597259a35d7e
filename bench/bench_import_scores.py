"""Benchmark: import a national score file (8,317 agencies × (10 indicators + 43 OIT items)).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ita_bench_scores .venv/bin/python bench/bench_import_scores.py

Builds a 2567 framework and 8,317 agencies in the database named by ``DATABASE_URL`` (migrating it
first; PostgreSQL is the target, SQLite works but is not what the figure is about), writes the
national file in the long layout (≈ 440,000 rows, Windows-874 like ITAS exports), then runs the
same service the ``import_scores`` command and the web import use:

1. the first import (inserts), 2. the same file again (updates — must not duplicate), 3. the file
with its very last row broken (must write nothing). It prints rows/s, seconds and peak memory
(``ru_maxrss``) and exits non-zero if the target (≤ 30 s) or a correctness check fails.

Then the web path of a large file, as the Celery worker runs it (``indicators.services.import_jobs``;
the tasks are called in this process, the broker is left out): 4. the upload request (store and
queue, no parsing — must take well under a second), 5. the worker's check for the preview, and
6. the confirm request plus the worker's commit (checked again, then written all or nothing).
"""

from __future__ import annotations

import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-key-not-a-secret-" + "x" * 30)  # settings refuse none with DEBUG off

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from indicators import tasks  # noqa: E402
from indicators.importing import ScoreScope  # noqa: E402
from indicators.models import (  # noqa: E402
    Assessment,
    Assessor,
    Framework,
    ImportStatus,
    Indicator,
    IndicatorScore,
    Item,
    ItemKind,
    ItemResult,
)
from indicators.services import (  # noqa: E402
    score_import_check,
    score_import_commit,
    score_import_commit_run,
    score_import_start,
    scores_import,
)
from ita_portal.agencies.models import Agency  # noqa: E402

AGENCIES = int(os.environ.get("BENCH_AGENCIES", "8317"))
YEAR = 2567
TARGET_SECONDS = 30.0
INDICATORS = [
    ("การปฏิบัติหน้าที่", "IIT"),
    ("การใช้งบประมาณ", "IIT"),
    ("การใช้อำนาจ", "IIT"),
    ("การใช้ทรัพย์สินของราชการ", "IIT"),
    ("การแก้ไขปัญหาการทุจริต", "IIT"),
    ("คุณภาพการดำเนินงาน", "EIT"),
    ("ประสิทธิภาพการสื่อสาร", "EIT"),
    ("การปรับปรุงระบบการทำงาน", "EIT"),
    ("การเปิดเผยข้อมูล", "OIT"),
    ("การป้องกันการทุจริต", "OIT"),
]


def build_world() -> Framework:
    """The catalogue and the agencies, created once per database (bulk, a few seconds)."""
    assessor, _ = Assessor.objects.get_or_create(code="nacc-ita", defaults={"name": "สำนักงาน ป.ป.ช. (ITA)"})
    framework, created = Framework.objects.get_or_create(fiscal_year=YEAR, assessor=assessor, defaults={"name": f"ITA {YEAR}"})
    if created:
        indicators = Indicator.objects.bulk_create(
            Indicator(framework=framework, number=n, name=name, instrument=inst, stable_key=f"ind-{n}")
            for n, (name, inst) in enumerate(INDICATORS, start=1)
        )
        Item.objects.bulk_create(
            Item(
                framework=framework,
                indicator=indicators[8 if n <= 33 else 9],
                kind=ItemKind.OIT,
                number=n,
                title=f"ข้อ O{n}",
                stable_key=f"o-{n}",
            )
            for n in range(1, 44)
        )
    root, _ = Agency.objects.get_or_create(code="BENCH-ROOT", defaults={"name": "สำนักงาน ป.ป.ช. (ทดสอบประสิทธิภาพ)"})
    have = Agency.objects.filter(code__startswith="BENCH-").count() - 1
    if have < AGENCIES:
        Agency.objects.bulk_create(
            Agency(code=f"BENCH-{n:05d}", name=f"หน่วยงานทดสอบประสิทธิภาพที่ {n}", parent=root, path="")
            for n in range(have + 1, AGENCIES + 1)
        )
        with connection.cursor() as cursor:
            table = Agency._meta.db_table
            cursor.execute(f"UPDATE {table} SET path = %s || id || '/' WHERE parent_id = %s", [root.path, root.pk])
    return framework


def national_file(path: Path, broken_last_row: bool = False) -> int:
    """Write the long-layout file; returns its number of data rows."""
    rng = random.Random(2567)
    rows = 0
    with path.open("w", encoding="cp874", newline="") as f:
        f.write("รหัสหน่วยงาน,ปีงบประมาณ,ตัวชี้วัดที่,ข้อ,คะแนน,ผล\r\n")
        for n in range(1, AGENCIES + 1):
            code = f"BENCH-{n:05d}"
            for ind in range(1, 11):
                f.write(f"{code},{YEAR},{ind},,{rng.uniform(60, 100):.2f},\r\n")
                rows += 1
            for item in range(1, 44):
                f.write(f"{code},{YEAR},,O{item},,{'มี' if rng.random() < 0.9 else 'ไม่มี'}\r\n")
                rows += 1
        if broken_last_row:
            f.write(f"BENCH-{AGENCIES:05d},{YEAR},9,,เก้าสิบ,\r\n")
            rows += 1
    return rows


def counts(framework: Framework) -> tuple[int, int, int]:
    return (
        Assessment.objects.filter(framework=framework).count(),
        IndicatorScore.objects.filter(assessment__framework=framework).count(),
        ItemResult.objects.filter(assessment__framework=framework).count(),
    )


def run(label: str, content: bytes, rows: int) -> tuple[float, bool]:
    started = time.perf_counter()
    outcome = scores_import(content=content, filename="national.csv", scope=ScoreScope(everything=True))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label:<28} {rows:>8} rows  {seconds:6.1f} s  {rows / seconds:>9,.0f} rows/s  peak RSS {peak:,.0f} MB")
    return seconds, outcome.committed


def main() -> int:
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    framework = build_world()
    Assessment.objects.filter(framework=framework).delete()
    tmp = Path(os.environ.get("TMPDIR", "/tmp")) / "ita_bench_national.csv"
    rows = national_file(tmp)
    content = tmp.read_bytes()
    print(f"file: {tmp} ({len(content) / 1e6:.1f} MB, Windows-874, long layout, {AGENCIES} agencies)")
    ok = True
    first, committed = run("first import (insert)", content, rows)
    expected = (AGENCIES, AGENCIES * 10, AGENCIES * 43)
    ok &= committed and counts(framework) == expected
    second, committed = run("re-import (update)", content, rows)
    ok &= committed and counts(framework) == expected
    rows_bad = national_file(tmp, broken_last_row=True)
    before = list(
        IndicatorScore.objects.filter(assessment__framework=framework).order_by("pk").values_list("score", flat=True)[:50]
    )
    _bad, committed = run("bad last row (rejected)", tmp.read_bytes(), rows_bad)
    after = list(
        IndicatorScore.objects.filter(assessment__framework=framework).order_by("pk").values_list("score", flat=True)[:50]
    )
    ok &= not committed and before == after and counts(framework) == expected
    graded = Assessment.objects.filter(framework=framework, grade__in=["AA", "A", "B", "C", "D"]).count()
    ok &= graded == AGENCIES
    ok &= web_path(framework, content, rows)
    worst = max(first, second)
    print(f"result: {'OK' if ok else 'FAILED'}; slowest import {worst:.1f} s (target ≤ {TARGET_SECONDS:.0f} s)")
    return 0 if ok and worst <= TARGET_SECONDS else 1


def web_path(framework: Framework, content: bytes, rows: int) -> bool:
    """Upload → worker check → confirm → worker commit, timed step by step (tasks called inline)."""
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="bench-root", defaults={"is_superuser": True, "is_staff": True})
    root = Agency.objects.get(code="BENCH-ROOT")
    sent = []
    tasks.check_score_import.delay = tasks.commit_score_import.delay = sent.append  # the broker: a list
    Assessment.objects.filter(framework=framework).delete()
    with connection.cursor() as cursor:  # a first import again, into tables as clean as the first run's
        for model in (Assessment, IndicatorScore, ItemResult):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")

    def timed(label: str, step, *, request: bool):
        started = time.perf_counter()
        value = step()
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        where = "web request" if request else "worker"
        print(f"{label:<28} {rows:>8} rows  {seconds:6.2f} s  ({where})  peak RSS {peak:,.0f} MB")
        return value, seconds

    batch, upload_s = timed(
        "upload (store + queue)",
        lambda: score_import_start(agency=root, fiscal_year=YEAR, filename="national.csv", content=content, user=user),
        request=True,
    )
    ok = batch.status == ImportStatus.CHECKING and sent == [batch.pk]
    batch, _check_s = timed("worker check (preview)", lambda: score_import_check(batch_id=batch.pk), request=False)
    ok &= batch.status == ImportStatus.READY and batch.row_count == rows
    _outcome, confirm_s = timed("confirm (queue)", lambda: score_import_commit(batch=batch, user=user), request=True)
    batch, _commit_s = timed("worker commit", lambda: score_import_commit_run(batch_id=batch.pk), request=False)
    ok &= batch.status == ImportStatus.COMMITTED and counts(framework) == (AGENCIES, AGENCIES * 10, AGENCIES * 43)
    ok &= upload_s < 5 and confirm_s < 5
    print(f"web path: {'OK' if ok else 'FAILED'} (the web requests parse nothing)")
    return ok


if __name__ == "__main__":
    sys.exit(main())
