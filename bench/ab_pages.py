"""Two checkouts of the portal side by side: each page's CPU time under the old and the new code.

    git worktree add /tmp/ita-old <commit>
    .venv/bin/python bench/ab_pages.py /tmp/ita-old . "measure detail,admin: measures" [--rounds 12] [--per-round 3]

``bench/bench_pages.py`` compares pages under load in one run, where single pages move by ±15–25 %
from run to run on a shared machine: too much to see a change of 10 %. This bench starts one
process per checkout on the database ``bench_pages.py`` left behind (``BENCH_PAGES_DATABASE``,
production settings, ``DEBUG`` off), logs each page's bench user in, warms the page, then asks the
two processes in turn, alternating which goes first, for ``--per-round`` requests of every page,
``--rounds`` times. Each request's CPU time in its process (``time.process_time``: what the page's
Python costs, not the database's share) is kept; printed per page: the fastest and the 25th
percentile under each checkout and the change of the 25th percentile. Both checkouts must run on
the same database schema (run ``migrate`` with the newer one first).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

WORKER = r"""
import json, os, sys, time
root = sys.argv[1]
sys.path.insert(0, root + "/bench")
sys.path.insert(0, root)
import bench_pages
from pathlib import Path
os.environ.update(bench_pages._environment(bench_pages._database_url(), Path(os.environ.get("TMPDIR", "/tmp")) / "ita-ab-pages"))
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
call_command("collectstatic", interactive=False, verbosity=0)
wanted = [k.strip() for k in sys.argv[2].split(",") if k.strip()]
clients = {}
for name, username, path in bench_pages._pages():
    if any(k in name for k in wanted):
        client = Client(HTTP_HOST="127.0.0.1")
        if username:
            client.force_login(get_user_model().objects.get(username=username))
        assert client.get(path).status_code == 200, (name, path)
        clients[name] = (client, path)
print(json.dumps(sorted(clients)), flush=True)
for line in sys.stdin:
    out = {}
    for name, (client, path) in clients.items():
        times = []
        for _ in range(int(line)):
            t0 = time.process_time()
            client.get(path)
            times.append(time.process_time() - t0)
        out[name] = times
    print(json.dumps(out), flush=True)
"""


def _start(root: Path, pages: str) -> tuple[subprocess.Popen, list[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(root), pages], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=root
    )
    names = json.loads(proc.stdout.readline())
    return proc, names


def _p25(values: list[float]) -> float:
    return sorted(values)[len(values) // 4]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("old", type=Path, help="the checkout to compare against (e.g. a git worktree of an older commit)")
    p.add_argument("new", type=Path, help="the checkout under test")
    p.add_argument("pages", help="comma-separated substrings of bench_pages.py's page names")
    p.add_argument("--rounds", type=int, default=12)
    p.add_argument("--per-round", type=int, default=3)
    args = p.parse_args()
    procs = {}
    for tag, root in (("old", args.old.resolve()), ("new", args.new.resolve())):
        procs[tag], names = _start(root, args.pages)
        if not names:
            raise SystemExit(f"no page matches {args.pages!r}")
    times: dict[str, dict[str, list[float]]] = {"old": {}, "new": {}}
    for r in range(args.rounds):
        for tag in ("old", "new") if r % 2 else ("new", "old"):
            proc = procs[tag]
            proc.stdin.write(f"{args.per_round}\n")
            proc.stdin.flush()
            for name, values in json.loads(proc.stdout.readline()).items():
                times[tag].setdefault(name, []).extend(values)
    for proc in procs.values():
        proc.stdin.close()
        proc.wait()
    print(f"CPU ms per request, {args.rounds} rounds × {args.per_round} requests, old: {args.old}, new: {args.new}")
    print(f"{'page':34} {'old min':>8} {'p25':>6} {'new min':>8} {'p25':>6} {'p25 change':>11}")
    for name in times["old"]:
        old, new = times["old"][name], times["new"][name]
        change = _p25(new) / _p25(old) - 1
        print(
            f"{name:34} {min(old) * 1000:8.1f} {_p25(old) * 1000:6.1f} {min(new) * 1000:8.1f} {_p25(new) * 1000:6.1f} {change:>+11.0%}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
