"""Large score files are checked and committed by the Celery worker, never parsed in the web request
(issue 18, item 2): the page shows the portal's progress bar (rows checked / total, htmx polling)
and then the same preview; the confirm button's commit of a large file runs in the worker too, all
rows or none; a queue that is down or a worker that died is a Thai message with a button to queue
the job again, never a 500 and never a lost file."""

from __future__ import annotations

import datetime as dt
import io
import re
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError
from openpyxl import Workbook

from indicators import tasks
from indicators.importing import checker, limits
from indicators.models import Assessment, ImportBatch, ImportStatus, IndicatorScore, ItemResult
from indicators.services import import_jobs, imports
from ita_portal.agencies.models import Agency
from ita_portal.celery import app as celery_app
from tests.conftest import assert_status
from tests.factories import AgencyFactory, make_framework
from tests.test_celery_worker import live, wait_for  # noqa: F401 - the fixture

YEAR = 2565
ITEMS = 40  # 10 indicators + 40 items = 50 rows per agency in the long layout
AGENCIES = 45  # 2,250 rows: over LARGE_FILE_ROWS (2,000), far under 1 MB


@pytest.fixture
def framework(world):
    return make_framework(YEAR, oit_items=ITEMS)


@pytest.fixture
def area(world, framework):
    """Agencies under the supervisor's root (codes Z0001 …), one file row per indicator and item."""
    return [
        AgencyFactory(parent=world.supervising, code=f"Z{n:04d}", name=f"หน่วยงานนำเข้าไฟล์ใหญ่ {n}") for n in range(1, AGENCIES + 1)
    ]


def long_csv(codes, *, bad: tuple[str, int] | None = None) -> bytes:
    lines = ["รหัสหน่วยงาน,ปีงบประมาณ,ตัวชี้วัดที่,ข้อ,คะแนน,ผล"]
    for code in codes:
        for number in range(1, 11):
            score = "เก้าสิบ" if bad == (code, number) else f"{70 + number}.50"
            lines.append(f"{code},{YEAR},{number},,{score},")
        for item in range(1, ITEMS + 1):
            lines.append(f"{code},{YEAR},,O{item},,{'มี' if item % 3 else 'ไม่มี'}")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def url(agency, name, **extra):
    return reverse(f"indicators:{name}", kwargs={"agency_id": agency.pk, "year": YEAR, **extra})


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def queued(monkeypatch):
    """Tasks go to a list instead of running: what a real broker would hold for the worker."""
    calls = []
    monkeypatch.setattr(tasks.check_score_import, "delay", lambda pk: calls.append(("check", pk)))
    monkeypatch.setattr(tasks.commit_score_import, "delay", lambda pk: calls.append(("commit", pk)))
    return calls


@pytest.fixture
def parses(monkeypatch):
    """Every parse of a score file, wherever it happens (in the request or in the worker)."""
    calls = []
    for module in (imports, import_jobs):
        real = module.parse_scores
        monkeypatch.setattr(module, "parse_scores", lambda *a, _real=real, **k: calls.append(1) or _real(*a, **k))
    return calls


def upload(client, agency, content: bytes, name="area.csv", *, capture) -> ImportBatch:
    with capture(execute=True):
        response = client.post(url(agency, "import_upload"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.latest("pk")
    assert response["Location"] == url(agency, "import_preview", batch_id=batch.pk)
    return batch


def no_inline_style(html: str) -> None:
    assert not re.findall(r"<[a-z][^>]*\sstyle=\"", html)


def test_thresholds_are_bytes_and_rows_counted_without_parsing():
    header = "รหัสหน่วยงาน,ปีงบประมาณ,ตัวชี้วัดที่,คะแนน\n"
    at_limit = (header + "A1,2565,1,90\n" * 2000).encode()
    assert limits.estimated_rows(at_limit) == 2000 and not import_jobs.is_large(at_limit, "a.csv")
    assert import_jobs.is_large(at_limit + b"A1,2565,1,90", "a.csv")  # 2,001 rows, no final line break
    assert import_jobs.is_large(b"x" * (import_jobs.LARGE_FILE_BYTES + 1), "a.csv")
    book = Workbook()
    for _ in range(2001):
        book.active.append(["A1", 2565, 1, 90])
    out = io.BytesIO()
    book.save(out)
    assert limits.estimated_rows(out.getvalue(), "a.xlsx") == 2000 and not import_jobs.is_large(out.getvalue(), "a.xlsx")
    book.active.append(["A1", 2565, 1, 90])
    out = io.BytesIO()
    book.save(out)
    assert import_jobs.is_large(out.getvalue(), "a.xlsx")


def test_a_large_upload_is_queued_not_parsed_then_the_worker_makes_the_preview(
    world, area, queued, parses, django_capture_on_commit_callbacks
):
    client = world.client_for("supervisor")
    batch = upload(client, world.supervising, long_csv(a.code for a in area), capture=django_capture_on_commit_callbacks)
    assert parses == []  # the request stored the file and queued it: nothing was parsed
    assert queued == [("check", batch.pk)]
    assert batch.status == ImportStatus.CHECKING and batch.read_content() == long_csv(a.code for a in area)
    assert batch.file.name.startswith(f"score-imports/{world.supervising.pk}/") and not batch.content  # private storage
    assert batch.progress_total == AGENCIES * 50 and batch.queued_at is not None
    preview_url = url(world.supervising, "import_preview", batch_id=batch.pk)
    status_url = url(world.supervising, "import_status", batch_id=batch.pk)
    html = client.get(preview_url).content.decode()
    assert 'data-testid="import-progress"' in html and f'hx-get="{status_url}"' in html and 'hx-trigger="every 1s"' in html
    assert "รอคิวงานเบื้องหลัง" in html and 'data-width="8"' in html and "ยืนยันนำเข้า" not in html
    no_inline_style(html)
    poll = client.get(status_url)
    assert "HX-Redirect" not in poll and 'id="import-progress"' in poll.content.decode()

    tasks.check_score_import(batch.pk)  # the worker
    assert parses == [1]
    batch.refresh_from_db()
    assert batch.status == ImportStatus.READY and batch.row_count == AGENCIES * 50 and batch.progress_done == AGENCIES * 50
    assert client.get(status_url)["HX-Redirect"] == preview_url
    html = client.get(preview_url).content.decode()
    assert f"ไฟล์ถูกต้องทุกแถว: {AGENCIES} หน่วยงาน คะแนนตัวชี้วัด {AGENCIES * 10} รายการ ผลรายข้อ {AGENCIES * ITEMS} รายการ" in html
    assert "ยืนยันนำเข้า" in html and 'data-testid="import-progress"' not in html
    assert not Assessment.objects.exists()


def test_a_small_upload_is_still_checked_in_the_request(world, area, queued, parses, django_capture_on_commit_callbacks):
    client = world.client_for("supervisor")
    batch = upload(client, world.supervising, long_csv(a.code for a in area[:2]), capture=django_capture_on_commit_callbacks)
    assert parses == [1] and queued == [] and batch.status == ImportStatus.READY


def test_the_worker_reports_rows_checked_out_of_the_total(world, area, queued, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(checker, "PROGRESS_EVERY", 500)
    monkeypatch.setattr(import_jobs, "PROGRESS_WRITE_SECONDS", 0)
    client = world.client_for("supervisor")
    batch = upload(client, world.supervising, long_csv(a.code for a in area), capture=django_capture_on_commit_callbacks)
    status_url = url(world.supervising, "import_status", batch_id=batch.pk)
    seen, pages = [], {}
    real = import_jobs._ProgressWriter.__call__

    def spy(self, phase, done, total, **kw):
        real(self, phase, done, total, force=True)
        row = ImportBatch.objects.get(pk=batch.pk)
        seen.append((row.phase, row.progress_done, row.progress_total, import_jobs.job_percent(row)))
        if (row.phase, row.progress_done) in (("read", 1000), ("check", 1000)):
            pages[row.phase] = client.get(status_url).content.decode()

    monkeypatch.setattr(import_jobs._ProgressWriter, "__call__", spy)
    tasks.check_score_import(batch.pk)
    total = AGENCIES * 50
    assert [s for s in seen if s[0] == "read"][:2] == [("read", 500, total, 10), ("read", 1000, total, 20)]
    checks = [s[:3] for s in seen if s[0] == "check"]
    assert checks[0] == ("check", 0, total) and checks[-1] == ("check", total, total)
    assert [d for _p, d, _t in checks[1:-1]] == list(range(500, total, 500))
    percents = [s[3] for s in seen]
    assert percents == sorted(percents) and percents[-1] == 99
    assert "กำลังอ่านไฟล์: 1,000 จากประมาณ 2,250 แถว" in pages["read"]
    assert "ตรวจแล้ว 1,000 จาก 2,250 แถว" in pages["check"] and 'aria-valuenow="69"' in pages["check"]
    no_inline_style(pages["check"])


def test_the_preview_of_a_large_file_lists_its_row_errors_in_thai(world, area, queued, django_capture_on_commit_callbacks):
    client = world.client_for("supervisor")
    codes = [a.code for a in area]
    batch = upload(
        client, world.supervising, long_csv([*codes, "B0001"], bad=("Z0003", 4)), capture=django_capture_on_commit_callbacks
    )
    tasks.check_score_import(batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.INVALID and batch.error_count == 1 + 50
    html = client.get(url(world.supervising, "import_preview", batch_id=batch.pk)).content.decode()
    assert "พบข้อผิดพลาด 51 รายการ ไม่มีข้อมูลใดถูกนำเข้า" in html
    assert "ตัวชี้วัดที่ 4: คะแนน “เก้าสิบ” ไม่ใช่ตัวเลข" in html
    assert f"ไม่มีสิทธิ์นำเข้าคะแนนของ {world.agency_b.name}" in html
    assert "ยืนยันนำเข้า" not in html
    client.post(url(world.supervising, "import_commit", batch_id=batch.pk))
    assert not Assessment.objects.exists() and queued == [("check", batch.pk)]


def _checked(world, area, queued, capture) -> tuple:
    client = world.client_for("supervisor")
    batch = upload(client, world.supervising, long_csv(a.code for a in area), capture=capture)
    tasks.check_score_import(batch.pk)
    return client, batch


def test_the_commit_of_a_large_file_runs_in_the_worker_and_writes_every_row(
    world, area, queued, parses, django_capture_on_commit_callbacks
):
    client, batch = _checked(world, area, queued, django_capture_on_commit_callbacks)
    preview_url = url(world.supervising, "import_preview", batch_id=batch.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(world.supervising, "import_commit", batch_id=batch.pk))
    assert response.status_code == 302 and response["Location"] == preview_url
    assert queued[-1] == ("commit", batch.pk) and parses == [1]  # the request did not re-read the file
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTING and batch.committed_by == world.users["supervisor"]
    assert not Assessment.objects.exists()
    html = client.get(preview_url).content.decode()
    assert "ระบบกำลังนำเข้าอยู่เบื้องหลัง" in html and 'data-testid="import-progress"' in html
    again = client.post(url(world.supervising, "import_commit", batch_id=batch.pk), follow=True)
    assert "กำลังนำเข้าอยู่ ไม่สามารถยืนยันได้" in again.content.decode() and queued.count(("commit", batch.pk)) == 1

    tasks.commit_score_import(batch.pk)  # the worker: checked again, then written
    assert parses == [1, 1]
    assert Assessment.objects.filter(agency__in=area).count() == AGENCIES
    assert IndicatorScore.objects.count() == AGENCIES * 10 and ItemResult.objects.count() == AGENCIES * ITEMS
    assert not Assessment.objects.filter(grade="").exists()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED and batch.committed_at
    html = client.get(preview_url).content.decode()
    assert f"นำเข้าคะแนนแล้ว {AGENCIES} หน่วยงาน" in html and "ดูคะแนน" in html
    tasks.commit_score_import(batch.pk)  # a redelivered task writes nothing twice
    assert IndicatorScore.objects.count() == AGENCIES * 10


def test_a_commit_that_fails_in_the_worker_writes_nothing(world, area, queued, monkeypatch, django_capture_on_commit_callbacks):
    client, batch = _checked(world, area, queued, django_capture_on_commit_callbacks)
    real = import_jobs._write_parsed

    def write_then_fail(parsed, user):
        real(parsed, user)
        assert IndicatorScore.objects.count() == AGENCIES * 10  # written inside the transaction …
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_jobs, "_write_parsed", write_then_fail)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(world.supervising, "import_commit", batch_id=batch.pk))
    tasks.commit_score_import(batch.pk)
    assert not IndicatorScore.objects.exists() and not Assessment.objects.exists()  # … and rolled back
    batch.refresh_from_db()
    assert batch.status == ImportStatus.READY
    html = client.get(url(world.supervising, "import_preview", batch_id=batch.pk)).content.decode()
    assert "นำเข้าไม่สำเร็จเนื่องจากข้อผิดพลาดของระบบ ไม่มีข้อมูลใดถูกบันทึก กรุณากดยืนยันอีกครั้ง" in html
    assert "ยืนยันนำเข้า" in html  # the file is kept: confirm again


def test_a_commit_rechecks_and_refuses_what_changed_since_the_preview(world, area, queued, django_capture_on_commit_callbacks):
    client, batch = _checked(world, area, queued, django_capture_on_commit_callbacks)
    area[5].is_active = False
    area[5].save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(world.supervising, "import_commit", batch_id=batch.pk))
    tasks.commit_score_import(batch.pk)
    assert not Assessment.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.INVALID and batch.error_count == 50
    html = client.get(url(world.supervising, "import_preview", batch_id=batch.pk)).content.decode()
    assert "ไม่ได้นำเข้า: ข้อมูลเปลี่ยนไปหลังการตรวจ พบข้อผิดพลาด" in html and "ไม่พบหน่วยงานรหัส “Z0006”" in html


def test_only_who_may_load_the_agencys_scores_sees_or_commits_the_job(
    world, framework, queued, django_capture_on_commit_callbacks
):
    # Rows for agency A only, repeated to be large (the repeats are row errors).
    content = long_csv([world.agency_a.code]) + b"".join(f"{world.agency_a.code},{YEAR},1,,80,\r\n".encode() for _ in range(2100))
    batch = upload(world.client_for("staff_a"), world.agency_a, content, capture=django_capture_on_commit_callbacks)
    assert batch.status == ImportStatus.CHECKING
    kwargs = {"batch_id": batch.pk}
    roles = {"anonymous": 302, "outsider": 404, "staff_b": 404, "director_b": 404}
    for name in ("import_preview", "import_status"):
        assert_status(world, url(world.agency_a, name, **kwargs), {**roles, "staff_a": 200, "director_a": 200, "supervisor": 200})
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.FAILED)
    for name in ("import_retry", "import_commit"):
        assert_status(world, url(world.agency_a, name, **kwargs), roles, method="post")
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.FAILED and queued == [("check", batch.pk)]
    # The services refuse on their own, whoever calls them.
    with pytest.raises(PermissionDenied):
        import_jobs.score_import_start(
            agency=world.agency_a, fiscal_year=YEAR, filename="x.csv", content=content, user=world.users["staff_b"]
        )
    with pytest.raises(PermissionDenied):
        import_jobs.score_import_retry(batch=batch, user=world.users["staff_b"])
    # Another agency's batch is not reachable through one's own agency either.
    assert world.client_for("staff_b").get(url(world.agency_b, "import_status", **kwargs)).status_code == 404
    # The worker checks with the uploader's reach: rows of other agencies are refused there too.
    import_jobs.score_import_retry(batch=batch, user=world.users["staff_a"])
    tasks.check_score_import(batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.INVALID and "ซ้ำกับแถวที่" in batch.errors[0]["message"]


def _down(*_args):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_a_broker_that_is_down_is_a_thai_message_and_the_file_can_be_checked_again(
    world, area, queued, monkeypatch, django_capture_on_commit_callbacks
):
    client = world.client_for("supervisor")
    with monkeypatch.context() as m:
        m.setattr(tasks.check_score_import, "delay", _down)
        batch = upload(client, world.supervising, long_csv(a.code for a in area), capture=django_capture_on_commit_callbacks)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and batch.queued_at is None
    preview_url = url(world.supervising, "import_preview", batch_id=batch.pk)
    page = client.get(preview_url)
    html = page.content.decode()
    assert page.status_code == 200 and "คิวงานเบื้องหลังยังไม่พร้อม ไฟล์ถูกเก็บไว้แล้ว ไม่มีข้อมูลใดถูกบันทึก" in html
    assert "ตรวจไฟล์อีกครั้ง" in html and url(world.supervising, "import_retry", batch_id=batch.pk) in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(world.supervising, "import_retry", batch_id=batch.pk))
    assert queued == [("check", batch.pk)]
    tasks.check_score_import(batch.pk)
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.READY
    # The queue goes down again at the confirm: nothing written, confirm again later.
    with monkeypatch.context() as m, django_capture_on_commit_callbacks(execute=True):
        m.setattr(tasks.commit_score_import, "delay", _down)
        client.post(url(world.supervising, "import_commit", batch_id=batch.pk))
    response = client.get(preview_url)
    html = response.content.decode()
    assert response.status_code == 200 and "คิวงานเบื้องหลังยังไม่พร้อม" in html and "ยืนยันนำเข้า" in html
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.READY and not Assessment.objects.exists()


def test_a_job_whose_worker_died_says_so_and_can_be_queued_again(world, area, queued, django_capture_on_commit_callbacks):
    client = world.client_for("supervisor")
    batch = upload(client, world.supervising, long_csv(a.code for a in area), capture=django_capture_on_commit_callbacks)
    # A worker took it and went silent mid-way (killed): its heartbeat is old.
    old = timezone.now() - import_jobs.STALE_AFTER - dt.timedelta(seconds=5)
    ImportBatch.objects.filter(pk=batch.pk).update(phase="check", progress_done=1000, heartbeat_at=old)
    preview_url = url(world.supervising, "import_preview", batch_id=batch.pk)
    html = client.get(preview_url).content.decode()
    assert "งานตรวจไฟล์ไม่ขยับมาระยะหนึ่ง" in html and "ตรวจไฟล์อีกครั้ง" in html and 'hx-trigger="every 5s"' in html
    # A live job (fresh heartbeat) is not taken by a second task, nor queued again by the button.
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now())
    assert tasks.check_score_import(batch.pk) == ImportStatus.CHECKING
    response = client.post(url(world.supervising, "import_retry", batch_id=batch.pk), follow=True)
    assert "ไฟล์นี้ตรวจเสร็จแล้วหรือกำลังตรวจอยู่" in response.content.decode() and len(queued) == 1
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=old)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(world.supervising, "import_retry", batch_id=batch.pk))
    assert queued == [("check", batch.pk), ("check", batch.pk)]
    tasks.check_score_import(batch.pk)
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.READY
    # The same for a commit whose worker died: its transaction wrote nothing; confirm again.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(world.supervising, "import_commit", batch_id=batch.pk))
    ImportBatch.objects.filter(pk=batch.pk).update(phase="write", heartbeat_at=old)
    html = client.get(preview_url).content.decode()
    assert "งานนำเข้าไม่ขยับมาระยะหนึ่ง" in html and "ยืนยันนำเข้าอีกครั้ง" in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(world.supervising, "import_retry", batch_id=batch.pk))
    assert queued[-1] == ("commit", batch.pk)
    tasks.commit_score_import(batch.pk)
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.COMMITTED
    assert IndicatorScore.objects.count() == AGENCIES * 10


# --- a real worker, through Redis --------------------------------------------------------------


@pytest.fixture
def to_worker(live):  # noqa: F811 - the imported fixture
    """Tasks the web side queues go to a live worker's private queue instead of running eagerly."""
    conf = celery_app.conf
    before = {"task_always_eager": conf.task_always_eager, "task_default_queue": conf.task_default_queue}
    conf.update(task_always_eager=False, task_default_queue=live.queue)
    yield live
    conf.update(**before)


def bulk_area(root, count: int) -> list[str]:
    """``count`` agencies under ``root`` in two statements (a real area has thousands)."""
    codes = [f"N{n:05d}" for n in range(1, count + 1)]
    Agency.objects.bulk_create(Agency(code=c, name=f"หน่วยงานในเขต {c}", parent=root, path="") for c in codes)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Agency._meta.db_table} SET path = %s || id || '/' WHERE parent_id = %s", [root.path, root.pk])
    return codes


def watch(batch_id: int, until: set[str], log, seen: list) -> ImportBatch:
    def done():
        row = ImportBatch.objects.defer("content").get(pk=batch_id)
        state = (row.status, row.phase, row.progress_done, row.progress_total)
        if not seen or seen[-1] != state:
            seen.append(state)
        return row if row.status in until else None

    return wait_for(done, timeout=180, what=f"batch {batch_id} in {until}", log=log)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_checks_and_commits_a_large_file_with_progress(to_worker, world, settings):
    make_framework(YEAR, oit_items=ITEMS)
    codes = bulk_area(world.supervising, 3000)  # 150,000 rows, 4 MB
    to_worker.start_worker("imports", MEDIA_ROOT=str(settings.MEDIA_ROOT))  # the web's storage
    log = to_worker.logs[0]
    client = world.client_for("supervisor")
    content = long_csv(codes)
    started = time.perf_counter()
    response = client.post(url(world.supervising, "import_upload"), {"file": SimpleUploadedFile("area.csv", content)})
    request_seconds = time.perf_counter() - started
    assert response.status_code == 302
    batch = ImportBatch.objects.defer("content").latest("pk")
    print(f"upload request of {len(content) / 1e6:.1f} MB, {len(codes) * 50:,} rows: {request_seconds:.2f} s")
    assert request_seconds < 5 and batch.status in (ImportStatus.CHECKING, ImportStatus.READY)
    seen: list = []
    batch = watch(batch.pk, {ImportStatus.READY, ImportStatus.INVALID, ImportStatus.FAILED}, log, seen)
    print(f"checked by the worker {time.perf_counter() - started:.1f} s after the upload; progress seen: {seen}")
    assert batch.status == ImportStatus.READY, (batch.errors[:3], batch.job_error)
    total = len(codes) * 50
    assert any(p in ("read", "check") and 0 < d < t for _s, p, d, t in seen), seen  # the bar moved
    assert all(t in (0, total) for _s, _p, _d, t in seen), seen  # the estimate was the real count
    preview_url = url(world.supervising, "import_preview", batch_id=batch.pk)
    assert client.get(url(world.supervising, "import_status", batch_id=batch.pk))["HX-Redirect"] == preview_url
    html = client.get(preview_url).content.decode()
    assert f"ไฟล์ถูกต้องทุกแถว: {len(codes)} หน่วยงาน คะแนนตัวชี้วัด {len(codes) * 10} รายการ" in html

    started = time.perf_counter()
    assert client.post(url(world.supervising, "import_commit", batch_id=batch.pk)).status_code == 302
    print(f"confirm request: {time.perf_counter() - started:.2f} s")
    seen = []
    batch = watch(batch.pk, {ImportStatus.COMMITTED, ImportStatus.INVALID, ImportStatus.READY}, log, seen)
    print(f"committed by the worker {time.perf_counter() - started:.1f} s after the confirm; progress seen: {seen}")
    assert batch.status == ImportStatus.COMMITTED, (batch.job_error, seen)
    assert Assessment.objects.filter(agency__code__in=codes).count() == len(codes)
    assert IndicatorScore.objects.count() == len(codes) * 10 and ItemResult.objects.count() == len(codes) * ITEMS
    html = client.get(preview_url).content.decode()
    assert f"นำเข้าคะแนนแล้ว {len(codes)} หน่วยงาน" in html


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_confirm_while_a_worker_holds_the_file_answers_at_once(world, area, queued, django_capture_on_commit_callbacks):
    """A worker writing a file holds the batch row's lock for its whole transaction; a confirm
    clicked meanwhile (the job looked stalled) is told so in Thai instead of hanging behind it."""
    import psycopg2

    from tests.test_celery_worker import db_url

    client, batch = _checked(world, area, queued, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(world.supervising, "import_commit", batch_id=batch.pk))
    old = timezone.now() - import_jobs.STALE_AFTER - dt.timedelta(seconds=5)
    ImportBatch.objects.filter(pk=batch.pk).update(phase="write", heartbeat_at=old)
    worker = psycopg2.connect(db_url())
    try:
        with worker.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {ImportBatch._meta.db_table} WHERE id = %s FOR UPDATE", [batch.pk])
            started = time.perf_counter()
            response = client.post(url(world.supervising, "import_retry", batch_id=batch.pk), follow=True)
            assert time.perf_counter() - started < 3
    finally:
        worker.rollback()
        worker.close()
    assert response.status_code == 200 and "ไฟล์นี้กำลังนำเข้าอยู่ กรุณารอสักครู่" in response.content.decode()
    assert queued.count(("commit", batch.pk)) == 1


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_check_leaves_a_thai_message_and_the_file_is_checked_again(to_worker, world, settings):
    make_framework(YEAR, oit_items=ITEMS)
    codes = bulk_area(world.supervising, 3000)
    proc = to_worker.start_worker("doomed", MEDIA_ROOT=str(settings.MEDIA_ROOT))
    client = world.client_for("supervisor")
    client.post(url(world.supervising, "import_upload"), {"file": SimpleUploadedFile("area.csv", long_csv(codes))})
    batch = ImportBatch.objects.defer("content").latest("pk")
    wait_for(
        lambda: ImportBatch.objects.filter(pk=batch.pk, phase__in=["read", "check"], progress_done__gt=0).exists(),
        what="the check under way",
        log=to_worker.logs[0],
    )
    to_worker.kill(proc)  # kill -9 mid-check
    row = ImportBatch.objects.get(pk=batch.pk)
    assert row.status == ImportStatus.CHECKING and 0 < row.progress_done
    preview_url = url(world.supervising, "import_preview", batch_id=batch.pk)
    assert "ไม่ขยับ" not in client.get(preview_url).content.decode()  # not yet taken for dead
    # Five minutes later: no heartbeat since.
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now() - import_jobs.STALE_AFTER)
    page = client.get(preview_url)
    html = page.content.decode()
    assert page.status_code == 200 and "งานตรวจไฟล์ไม่ขยับมาระยะหนึ่ง" in html and "ตรวจไฟล์อีกครั้ง" in html
    client.post(url(world.supervising, "import_retry", batch_id=batch.pk))
    to_worker.start_worker("rescue", MEDIA_ROOT=str(settings.MEDIA_ROOT))
    batch = watch(batch.pk, {ImportStatus.READY, ImportStatus.INVALID, ImportStatus.FAILED}, to_worker.logs[1], [])
    assert batch.status == ImportStatus.READY and batch.row_count == len(codes) * 50
    assert f"ไฟล์ถูกต้องทุกแถว: {len(codes)} หน่วยงาน" in client.get(preview_url).content.decode()
