"""Benchmark: the main page of every role under load, as a ratio to a bare view in the same run.

    .venv/bin/python bench/bench_pages.py --agencies 300 [--growth 1200] [--seconds 3] [--reps 3]

Creates its own PostgreSQL database on ``DATABASE_URL``'s server (default 127.0.0.1:5432, user postgres),
named by ``BENCH_PAGES_DATABASE`` (default ``ita_bench_pages``; dropped and made anew unless ``--reuse``),
loads the ITA catalogue and the demo, adds ``--agencies`` generated agencies (``pages_data.py``:
two years of scores, measures, steps, meetings, progress, history), collects the static files and
starts gunicorn (2 sync workers, ``DEBUG`` off, as deployed) on a free port of 127.0.0.1 with the
bench-only bare view switched on (``ITA_BENCH_BARE_VIEW``; ``--port`` fixes the port). Sessions
are made for the demo users. ``bench/profile_pages.py`` profiles one page in-process on the
database this bench leaves behind, or prints every page's time and queries.

Every page is driven by ``loadgen.py`` (``--connections`` clients, ``--seconds`` each, bounded in
count too) ``--reps`` times, the order rotated each repetition so no page always runs first or
after the same neighbour; the bare view runs in the rotation like a page. Per page it prints the
median requests/s, p50/p95 latency and the ratio of its requests/s to the bare view's. With
``--growth N`` it also times the pages whose cost could grow with the database (one connection,
median of 15) on the demo alone, at ``--agencies`` and again after growing to N agencies, and
prints the factor of the largest over the smallest. The last line is
``pages: worst ratio X.XXX (page), median Y.YYY``. Exits non-zero if a page answers anything but
its expected status. Machine load (``/proc/loadavg``) is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
SECRET = "bench-pages-secret-key-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz"
GROWTH_PAGES = (
    "my measures (staff)",
    "area dashboard (supervisor)",
    "area sort=score (supervisor)",
    *(f"admin: {m} (supervisor)" for m in ("agencies", "memberships", "assessments", "measures", "meetings")),
)


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--agencies", type=int, default=300, help="generated agencies on top of the demo")
    p.add_argument("--growth", type=int, default=0, help="also time the growing pages at this many agencies")
    p.add_argument("--seconds", type=float, default=3.0, help="load per page and repetition")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--connections", type=int, default=20)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--only", default="", help="comma-separated substrings: bench only matching pages")
    p.add_argument("--reuse", action="store_true", help="keep an existing bench database")
    p.add_argument("--port", type=int, default=0, help="gunicorn's port on 127.0.0.1 (default: a free one)")
    return p.parse_args()


def _database_url() -> str:
    """The bench's own database on ``DATABASE_URL``'s server: never the database that URL names,
    since the bench drops and re-creates it (``BENCH_PAGES_DATABASE``, default ita_bench_pages)."""
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url) if url.startswith(("postgres://", "postgresql://")) else urlsplit("postgres://postgres@127.0.0.1:5432/")
    name = os.environ.get("BENCH_PAGES_DATABASE", "ita_bench_pages")
    if name == parts.path.lstrip("/"):
        raise SystemExit(f"BENCH_PAGES_DATABASE={name} is DATABASE_URL's own database; the bench would drop it")
    return urlunsplit(parts._replace(path="/" + name))


def _create_database(url: str, reuse: bool) -> bool:
    """Drop and create the bench database (``True``), or keep it when ``reuse`` and it exists."""
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(
        dbname="postgres",
        user=parts.username or "postgres",
        password=parts.password or "",
        host=parts.hostname,
        port=parts.port or 5432,
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cur.fetchone() is not None
        if exists and reuse:
            return False
        if exists:
            cur.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return True


def _environment(url: str, var: Path) -> dict[str, str]:
    env = {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "ita_portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "EMAIL_URL": "locmem://",
        "ITA_VAR_DIR": str(var),
        "STATIC_ROOT": str(var / "static"),
        "MEDIA_ROOT": str(var / "media"),
        "ITA_BENCH_BARE_VIEW": "1",
        "LOG_LEVEL": "WARNING",
    }
    for sub in ("mail", "media", "static", "celery/queue", "celery/processed", "celery/control"):
        (var / sub).mkdir(parents=True, exist_ok=True)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sessions(usernames: list[str]) -> dict[str, str]:
    """A logged-in session cookie per user, made the way ``django.contrib.auth.login`` makes one."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    cookies = {}
    for user in get_user_model().objects.filter(username__in=usernames):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        # The backend that can load the user (axes' standalone backend comes first and only checks lock-outs).
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store["django_language"] = "th"
        store.create()
        cookies[user.username] = f"{settings.SESSION_COOKIE_NAME}={store.session_key}"
    return cookies


def _pages() -> list[tuple[str, str, str]]:
    """(name, username or "" for anonymous, path) of every page benched, read from the demo data."""
    from ita_portal.agencies.models import Agency
    from measures.models import FollowUp, Measure
    from reports.models import Report

    sks = Agency.objects.get(code="OBEC-SKN-P")
    roiet = Agency.objects.get(code="OPS-ROIET")
    moe = Agency.objects.get(code="MOE")
    measures = Measure.objects.filter(agency=roiet, fiscal_year=2567)
    measure = max(measures, key=lambda m: (m.history.count() + m.steps.count(), -m.pk))
    report = Report.objects.filter(agency=roiet, fiscal_year=2567).order_by("pk").first()
    first = FollowUp.objects.filter(agency=roiet, fiscal_year=2567).order_by("starts_at").first()
    month = f"{first.starts_at.year + 543}-{first.starts_at.month:02d}" if first else ""
    s, r = f"a/{sks.pk}/2566/", f"a/{roiet.pk}/2567/"
    pages = [
        ("bare view", "roiet_staff", "/_bench/bare/"),
        ("login page", "", "/login/"),
        ("home (staff)", "roiet_staff", "/"),
        ("home (director)", "roiet_director", "/"),
        ("home (supervisor)", "moe_supervisor", "/"),
        ("agency page (staff)", "roiet_staff", "/" + r),
        ("agency list (supervisor)", "moe_supervisor", "/agencies/"),
        ("scores table (staff)", "sks_staff", f"/scores/{s}"),
        ("year-over-year (staff)", "sks_staff", f"/scores/{s}trend/"),
        ("score entry (staff)", "sks_staff", f"/scores/{s}entry/"),
        ("weaknesses (staff)", "sks_staff", f"/scores/{s}weaknesses/"),
        ("measures overview (staff)", "roiet_staff", f"/measures/{r}"),
        ("measure detail (staff)", "roiet_staff", f"/measures/{r}m/{measure.pk}/"),
        ("my measures (staff)", "roiet_staff", "/measures/mine/"),
        ("meetings (staff)", "roiet_staff", f"/measures/{r}followups/"),
        ("calendar (staff)", "roiet_staff", f"/measures/{r}followups/calendar/?month={month}"),
        ("reports (staff)", "roiet_staff", f"/reports/{r}"),
        ("report detail (staff)", "roiet_staff", f"/reports/{r}{report.pk}/"),
        ("director queue (director)", "roiet_director", f"/reports/{r}queue/"),
        ("area dashboard (supervisor)", "moe_supervisor", f"/scores/area/{moe.pk}/2566/"),
        ("area sort=score (supervisor)", "moe_supervisor", f"/scores/area/{moe.pk}/2566/?sort=score"),
        ("public page", "", f"/public/{roiet.code}/2567/"),
        ("admin index (supervisor)", "moe_supervisor", "/admin/"),
    ]
    for label, model in (
        ("agencies", "agencies/agency"),
        ("memberships", "agencies/membership"),
        ("assessments", "indicators/assessment"),
        ("measures", "measures/measure"),
        ("meetings", "measures/followup"),
    ):
        pages.append((f"admin: {label} (supervisor)", "moe_supervisor", f"/admin/{model}/"))
    return pages


def _start_server(env: dict[str, str], workers: int, port: int = 0) -> tuple[subprocess.Popen, int]:
    from loadgen import run_load

    port = port or _free_port()
    cmd = [sys.executable, "-m", "gunicorn", "ita_portal.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "120"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env})
    for _ in range(300):
        time.sleep(0.2)
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited at start-up")
        try:
            if run_load(port, "/login/", connections=1, seconds=0.1, max_requests=1).requests:
                return proc, port
        except OSError:
            continue
    proc.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def _check_pages(port: int, pages, cookies) -> None:
    from loadgen import run_load

    bad = []
    for name, user, path in pages:
        res = run_load(port, path, cookie=cookies.get(user, ""), connections=1, seconds=30, max_requests=3)
        if res.requests != 3:
            bad.append(f"{name} {path}: {res.statuses}")
    if bad:
        raise SystemExit("pages not answering 200:\n  " + "\n  ".join(bad))


def _time_growth(port: int, pages, cookies, requests: int = 15) -> dict[str, float]:
    """Median single-connection latency (s) of the pages whose cost could grow with the database."""
    from loadgen import run_load

    out = {}
    for name, user, path in pages:
        if name in GROWTH_PAGES:
            res = run_load(port, path, cookie=cookies.get(user, ""), connections=1, seconds=60, max_requests=requests)
            out[name] = statistics.median(res.latencies)
    return out


def _bench(port: int, pages, cookies, args) -> dict[str, dict[str, list[float]]]:
    from loadgen import run_load

    figures: dict[str, dict[str, list[float]]] = {name: {"rps": [], "p50": [], "p95": [], "n": []} for name, _, _ in pages}
    for rep in range(args.reps):
        shift = rep * max(1, len(pages) // args.reps)
        order = pages[shift:] + pages[:shift]
        for name, user, path in order:
            res = run_load(port, path, cookie=cookies.get(user, ""), connections=args.connections, seconds=args.seconds)
            if res.errors:
                print(f"  {name}: {res.errors} errors {res.statuses}", file=sys.stderr)
            f = figures[name]
            f["rps"].append(res.rps)
            f["p50"].append(res.percentile(50))
            f["p95"].append(res.percentile(95))
            f["n"].append(res.requests)
        print(f"  repetition {rep + 1}/{args.reps} done (load {_loadavg()})", flush=True)
    return figures


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _report(figures, growth: dict[str, dict[str, float]]) -> None:
    bare = statistics.median(figures["bare view"]["rps"])
    print(f"\n{'page':<34} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'ratio':>6}")
    ratios = {}
    for name, f in figures.items():
        rps = statistics.median(f["rps"])
        ratio = rps / bare if bare else 0.0
        if name != "bare view":
            ratios[name] = ratio
        p50, p95 = statistics.median(f["p50"]) * 1000, statistics.median(f["p95"]) * 1000
        print(f"{name:<34} {rps:7.1f} {p50:7.0f} {p95:7.0f} {ratio:6.3f}")
    if len(growth) > 1:
        sizes = list(growth)
        print("\ngrowth: median of 15 single requests (ms) at " + " → ".join(sizes) + f"; factor of the last over {sizes[0]}")
        for name in growth[sizes[-1]]:
            times = " → ".join(f"{growth[s][name] * 1000:6.1f}" for s in sizes)
            print(f"  {name:<34} {times}  ×{growth[sizes[-1]][name] / growth[sizes[0]][name]:.2f}")
    worst = min(ratios, key=ratios.get)
    print(f"pages: worst ratio {ratios[worst]:.3f} ({worst}), median {statistics.median(ratios.values()):.3f}")


def main() -> int:
    args = _args()
    url = _database_url()
    fresh = _create_database(url, args.reuse)
    var = Path(tempfile.mkdtemp(prefix="ita-bench-pages-"))
    env = _environment(url, var)
    os.environ.update(env)
    import django

    django.setup()
    import pages_data
    from django.core.management import call_command

    print(f"machine load before: {_loadavg()} ({os.cpu_count()} cores)", flush=True)
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    if fresh or not pages_data.Agency.objects.filter(code="OPS-ROIET").exists():
        call_command("load_framework", all=True, verbosity=0)
        call_command("load_demo", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"database {urlsplit(url).path.lstrip('/')}: demo ready in {time.perf_counter() - t0:.0f} s", flush=True)

    pages = _pages()
    if args.only:
        keys = [k.strip() for k in args.only.split(",") if k.strip()]
        pages = [p for p in pages if p[0] == "bare view" or any(k in p[0] for k in keys)]
    cookies = _sessions(sorted({u for _, u, _ in pages if u}))
    server, port = _start_server(env, args.workers, args.port)
    growth: dict[str, dict[str, float]] = {}
    try:
        if args.growth and pages_data.generated_count() == 0:
            _check_pages(port, pages, cookies)
            growth["demo"] = _time_growth(port, pages, cookies)
        t0 = time.perf_counter()
        added = pages_data.grow_to(args.agencies)
        print(
            f"{added} agencies generated in {time.perf_counter() - t0:.0f} s ({pages_data.generated_count()} in all)", flush=True
        )
        _check_pages(port, pages, cookies)
        if args.growth:
            growth[f"{pages_data.generated_count()} agencies"] = _time_growth(port, pages, cookies)
        print(
            f"gunicorn {args.workers} sync workers on 127.0.0.1:{port}; {len(pages)} pages × {args.reps} × {args.seconds:g} s, "
            f"{args.connections} connections",
            flush=True,
        )
        figures = _bench(port, pages, cookies, args)
        if args.growth > pages_data.generated_count():
            pages_data.grow_to(args.growth)
            _check_pages(port, pages, cookies)
            growth[f"{pages_data.generated_count()} agencies"] = _time_growth(port, pages, cookies)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"machine load after: {_loadavg()}")
    _report(figures, growth)
    return 0


if __name__ == "__main__":
    sys.exit(main())
