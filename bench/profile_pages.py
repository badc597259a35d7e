"""Profile one page of ``bench/bench_pages.py`` in-process: where its time goes, and its queries.

    .venv/bin/python bench/profile_pages.py "measure detail" [--requests 30] [--top 30] [--sort cumulative]

Runs against the database ``bench/bench_pages.py`` left behind (``BENCH_PAGES_DATABASE``, default
``ita_bench_pages``; run that bench first), with the production settings (``DEBUG`` off). The page is
requested through Django's test client logged in as its bench user: once to warm caches, then
``--requests`` times under cProfile. Prints the time per request, the queries and result fetches
per request, and the top functions.
``SHOW_SQL=1`` also prints each query of one request with its time (first 300 characters;
``SHOW_SQL=full``: whole statements).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument(
        "page", help="substring of a page name of bench_pages.py (e.g. 'measure detail'); 'all': a table of every page"
    )
    p.add_argument("--requests", type=int, default=30)
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime"])
    args = p.parse_args()

    import bench_pages

    url = bench_pages._database_url()
    var = Path(os.environ.get("TMPDIR", "/tmp")) / "ita-profile-pages"
    env = bench_pages._environment(url, var)
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("collectstatic", interactive=False, verbosity=0)
    if args.page == "all":
        return _table(bench_pages._pages(), args.requests)
    matches = [pg for pg in bench_pages._pages() if args.page in pg[0]]
    if not matches:
        raise SystemExit(f"no page matches {args.page!r}")
    name, username, path = matches[0]
    client = Client(HTTP_HOST="127.0.0.1")
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    first = client.get(path)
    if first.status_code != 200:
        raise SystemExit(f"{name} {path}: {first.status_code}")
    queries: list[str] = []

    def record(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(f"{(time.perf_counter() - t0) * 1000:6.2f} ms  {sql}")

    with connection.execute_wrapper(record):
        client.get(path)
    if os.environ.get("SHOW_SQL"):
        for q in queries:
            print("  SQL", q if os.environ.get("SHOW_SQL") == "full" else q[:300])
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.enable()
    for _ in range(args.requests):
        client.get(path)
    profiler.disable()
    per = (time.perf_counter() - t0) / args.requests
    print(
        f"{name} {path}: {per * 1000:.1f} ms per request under the profiler, {len(queries)} queries, {len(first.content)} bytes"
    )
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
    return 0


def _client(username: str):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


def _table(pages, requests: int) -> int:
    """Per page: median in-process wall and CPU time (ms; the CPU time of this process only, so
    less disturbed by other load) without the profiler, queries, bytes."""
    from django.db import connection

    print(f"{'page':<34} {'ms':>7} {'cpu ms':>7} {'queries':>8} {'KB':>6}")
    for name, username, path in pages:
        client = _client(username)
        client.get(path)
        count = [0]

        def record(execute, sql, params, many, context, count=count):
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            size = len(client.get(path).content)
        times, cpu = [], []
        for _ in range(requests):
            t0, c0 = time.perf_counter(), time.process_time()
            client.get(path)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        times.sort()
        cpu.sort()
        mid = len(times) // 2
        print(f"{name:<34} {times[mid] * 1000:7.1f} {cpu[mid] * 1000:7.1f} {count[0]:8d} {size / 1024:6.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
