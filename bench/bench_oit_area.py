"""Benchmark: the supervisor's OIT area view for 1,000 agencies × 26 O-items on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ita_<branch> .venv/bin/python bench/bench_oit_area.py

Builds (once per database, bulk) a supervising agency with 1,000 agencies below it, the 2569
catalogue (26 O-items) and one workspace row per agency and item (26,000 rows) with a mix of
statuses and past due dates. Then it times the area query (filtered counts per agency, sorted
by "published") and the whole page for a supervisor, and the CSV export. It prints the seconds
and the SQL query count, and exits non-zero if the page issues more than MAX_QUERIES queries
or the counts are wrong.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings_test")
os.environ.pop("REDIS_URL", None)

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from indicators.models import Framework  # noqa: E402
from ita_portal.agencies.models import Agency, AgencyKind, Membership, Role  # noqa: E402
from oit.area import area_oit  # noqa: E402
from oit.models import OitEntry, OitStatus  # noqa: E402

AGENCIES = 1000
MAX_QUERIES = 12
STATUSES = [OitStatus.PUBLISHED, OitStatus.READY, OitStatus.IN_PROGRESS, OitStatus.NOT_STARTED]


class Counter:
    """Counts the SQL statements run inside the block (an execute wrapper, whatever DEBUG says)."""

    def __init__(self) -> None:
        self.count = 0

    def __len__(self) -> int:
        return self.count

    def _wrap(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._cm = connection.execute_wrapper(self._wrap)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


def build() -> tuple[Agency, Framework]:
    call_command("load_framework", "fixtures/frameworks/nacc-2569.json", verbosity=0)
    framework = Framework.objects.get(fiscal_year=2569, assessor__code="nacc")
    root = Agency.objects.filter(code="BENCH-OIT-ROOT").first()
    if root is not None:
        return root, framework
    root = Agency.objects.create(name="สำนักงานทดสอบ (bench)", code="BENCH-OIT-ROOT", kind=AgencyKind.MINISTRY)
    Agency.objects.bulk_create(
        Agency(name=f"หน่วยงานทดสอบ {n:04d}", code=f"BENCH-OIT-{n:04d}", parent=root, path="") for n in range(AGENCIES)
    )
    for agency in Agency.objects.filter(parent=root):
        Agency.objects.filter(pk=agency.pk).update(path=f"{root.path}{agency.pk}/")
    items = list(framework.items.filter(kind="O"))
    past = dt.date(2020, 1, 1)
    rows = []
    for i, agency in enumerate(Agency.objects.filter(parent=root).order_by("pk")):
        for j, item in enumerate(items):
            status = STATUSES[(i + j) % 4]
            rows.append(
                OitEntry(agency=agency, fiscal_year=2569, item=item, status=status, due_date=past if j % 5 == 0 else None)
            )
    OitEntry.objects.bulk_create(rows, batch_size=5000)
    user = get_user_model().objects.create_user("bench-oit-supervisor", password="bench-pass-1234")
    Membership.objects.create(user=user, agency=root, role=Role.SUPERVISOR)
    return root, framework


def main() -> int:
    call_command("migrate", verbosity=0)
    root, framework = build()
    user = get_user_model().objects.get(username="bench-oit-supervisor")
    started = time.perf_counter()
    with Counter() as q:
        agencies = list(area_oit(user=user, root=root, framework=framework, today=timezone.localdate(), sort="published"))
    query_s = time.perf_counter() - started
    client = Client()
    client.force_login(user)
    url = reverse("oit:area", kwargs={"agency_id": root.pk, "year": 2569})
    client.get(url)
    started = time.perf_counter()
    with Counter() as page_q:
        response = client.get(url + "?sort=published")
    page_s = time.perf_counter() - started
    started = time.perf_counter()
    csv = client.get(url + "?format=csv")
    csv_s = time.perf_counter() - started
    ok = (
        len(agencies) == AGENCIES
        and sum(a.published + a.ready for a in agencies) == AGENCIES * 13
        and response.status_code == 200
        and csv.content.startswith(b"\xef\xbb\xbf")
        and len(page_q) <= MAX_QUERIES
    )
    print(f"agencies: {len(agencies)}, O-items each: {framework.items.filter(kind='O').count()}")
    print(f"area query: {query_s:.3f} s ({len(q)} queries)")
    print(f"area page: {page_s:.3f} s ({len(page_q)} queries, limit {MAX_QUERIES})")
    print(f"CSV export: {csv_s:.3f} s, {len(csv.content)} bytes")
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
