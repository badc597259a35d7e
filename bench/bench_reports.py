"""Benchmark: render every report kind (demo data: 2 measures, and a large plan: 40 measures) through
the portal's PDF layer, printing time, pages and peak memory; in the same run convert the same
HTML with LibreOffice (``soffice --headless --convert-to pdf``), the tool offices use today.

    .venv/bin/python bench/bench_reports.py [--repeat N] [--no-soffice]

Runs against a throw-away test database (in-memory for SQLite); the real database is not touched.
Peak memory: Python heap peak during the render (tracemalloc) and the process's max RSS;
for LibreOffice the largest soffice process's max RSS so far.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings_test")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-soffice", action="store_true")
    args = parser.parse_args()

    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("weasyprint.progress").setLevel(logging.ERROR)
    from report_sources import approved_sources

    from reports.rendering import render_html, render_source_pdf

    soffice = None if args.no_soffice else shutil.which("soffice")
    tmp = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    rows = []
    for label, kind, source in approved_sources():
        best, pdf = None, b""
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            pdf = render_source_pdf(source)
            elapsed = time.perf_counter() - t0
            best = elapsed if best is None else min(best, elapsed)
        # Memory in a separate run: tracemalloc slows Python code several times over.
        tracemalloc.start()
        render_source_pdf(source)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        from io import BytesIO

        from pypdf import PdfReader

        pages = len(PdfReader(BytesIO(pdf)).pages)
        row = {"set": label, "kind": kind, "pages": pages, "weasy_s": best, "weasy_heap_mb": peak / 2**20}
        if soffice:
            html = tmp / f"{label}-{kind}.html"
            # The same content: the HTML with the stylesheets inlined (LibreOffice ignores @page names).
            css = Path("templates/reports/pdf/base.css").read_text() + Path("templates/reports/pdf/memo.css").read_text()
            html.write_text(render_html(source).replace("</head>", f"<style>{css}</style></head>"), encoding="utf-8")
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            t0 = time.perf_counter()
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation=file://{tmp}/lo-profile",
                    "--headless",
                    "--convert-to",
                    "pdf:writer_pdf_Export",
                    "--outdir",
                    str(tmp),
                    str(html),
                ],
                check=True,
                capture_output=True,
            )
            row["soffice_s"] = time.perf_counter() - t0
            row["soffice_rss_mb"] = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
            out = tmp / f"{label}-{kind}.pdf"
            row["soffice_pages"] = len(PdfReader(BytesIO(out.read_bytes())).pages) if out.exists() else 0
        rows.append(row)
        print(
            f"{label:5} {kind:14} pages {pages:3}  WeasyPrint {row['weasy_s']:6.2f} s  heap peak {row['weasy_heap_mb']:6.1f} MB"
            + (
                f"  | soffice {row['soffice_s']:6.2f} s  child RSS {row['soffice_rss_mb']:6.1f} MB  pages {row['soffice_pages']}"
                if soffice
                else ""
            ),
            flush=True,
        )
    print(f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MB")
    if not soffice and not args.no_soffice:
        print("soffice not found: install Debian libreoffice-writer-nogui to compare with LibreOffice")


if __name__ == "__main__":
    main()
