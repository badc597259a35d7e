"""Benchmark: what a web worker pays at start-up, and ``manage.py check``.

    .venv/bin/python bench/bench_startup.py [--runs 5]

Each run is a fresh Python process that does what a gunicorn worker does before its first request
(``django.setup()``, load the WSGI application, the URLconf and the template engine with every tag
library) and reports its CPU time, wall time and peak RSS, and whether WeasyPrint got imported.
Then it times ``manage.py check`` the same way, and a bare ``python -c "import django"`` as the
floor. CPU time is the figure to compare (wall time depends on what else the machine runs).
Exits non-zero if a worker imports WeasyPrint at start-up: only the PDF renderings need it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WORKER = """
import json, os, resource, sys, time
t0, c0 = time.perf_counter(), time.process_time()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings")
from ita_portal.wsgi import application
from django.urls import get_resolver
from django.template import engines
get_resolver().url_patterns
engines["django"].engine.template_libraries
from django.template.loader import get_template
get_template("base.html")
print(json.dumps({"cpu": time.process_time() - c0, "wall": time.perf_counter() - t0,
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "weasyprint": "weasyprint" in sys.modules}))
"""


def _child(cmd: list[str]) -> tuple[float, float, str]:
    """(CPU seconds, wall seconds, stdout) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, wall, out.stdout


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=5)
    runs = p.parse_args().runs
    workers = [json.loads(_child([sys.executable, "-c", WORKER])[2].strip().splitlines()[-1]) for _ in range(runs)]
    checks = [_child([sys.executable, "manage.py", "check"])[:2] for _ in range(runs)]
    floor = [_child([sys.executable, "-c", "import django"])[:2] for _ in range(runs)]

    def med(values) -> float:
        return statistics.median(values)

    weasy = any(w["weasyprint"] for w in workers)
    print(f"load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}; medians of {runs} runs")
    print(
        f"worker start-up: {med(w['cpu'] for w in workers):.2f} s CPU ({med(w['wall'] for w in workers):.2f} s wall), "
        f"peak RSS {med(w['rss_mb'] for w in workers):.0f} MB, WeasyPrint imported: {'yes' if weasy else 'no'}"
    )
    print(f"manage.py check: {med(c[0] for c in checks):.2f} s CPU ({med(c[1] for c in checks):.2f} s wall)")
    print(f"python -c 'import django': {med(f[0] for f in floor):.2f} s CPU")
    if weasy:
        print("FAILED: a web worker imports WeasyPrint at start-up", file=sys.stderr)
    return 1 if weasy else 0


if __name__ == "__main__":
    sys.exit(main())
