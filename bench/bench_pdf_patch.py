"""Benchmark: the cost of the portal's Thai patch (``reports.pdf.thai``) over stock WeasyPrint 70
on the same HTML (issue 11: target ≤ +5 % CPU).

    .venv/bin/python bench/bench_pdf_patch.py [--repeat 5] [--no-kinds] [--profile FILE] [--parts]

Documents: the 48-page corpus of ``bench/bench_pdf_text.py`` (every seed line, the templates'
Thai, generated dates and amounts, as justified memo paragraphs) and the five report kinds built
from demo data (2 measures) and a large plan (40 measures) in a throw-away test database. Each
document is rendered with the patch and with stock WeasyPrint (``reports.pdf.thai.suspended``),
alternately and in alternating order, after an untimed warm-up of each, each render after a
``gc.collect()`` and with the patch's per-text caches cleared (as the first render of its text);
times are this process's CPU time (``time.process_time``), which other processes on a shared
machine barely disturb. Printed per document: pages (patched / stock) beside the fastest and
median CPU times, and the overhead of the medians; then the totals. Exit status 1 when the total
overhead of the medians is above +5 %. Which newmm segments (``nlpo3`` or ``pythainlp``) is
printed first. ``--parts`` prints instead, per document, the overhead with each part of the patch
(drawing, line breaks) put back to stock WeasyPrint in turn: where the overhead goes.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings_test")

TARGET = 0.05


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _timed(render, patched: bool) -> tuple[float, bytes]:
    from reports.pdf import thai

    gc.collect()
    thai.clear_text_caches()
    if patched:
        start = time.process_time()
        pdf = render()
        return time.process_time() - start, pdf
    with thai.suspended():
        start = time.process_time()
        pdf = render()
        return time.process_time() - start, pdf


def measure(render, repeat: int) -> dict:
    """CPU times of ``repeat`` patched and stock renders, alternating, after one warm-up each."""
    from reports.pdf import thai

    render()
    with thai.suspended():
        render()
    ours, stock, pdfs = [], [], {}
    for k in range(repeat):
        for patched in (True, False) if k % 2 == 0 else (False, True):
            seconds, pdf = _timed(render, patched)
            (ours if patched else stock).append(seconds)
            pdfs[patched] = pdf
    return {"ours": ours, "stock": stock, "pages": (_pages(pdfs[True]), _pages(pdfs[False]))}


def measure_parts(render, repeat: int) -> dict[str, float]:
    """Median CPU time of each variant: patched, stock, and patched with one part back to stock
    (``reports.pdf.thai.patch.PARTS``), in rotating order, after one warm-up each."""
    import contextlib

    from reports.pdf import thai
    from reports.pdf.thai.patch import PARTS, stock_part

    variants = {"patched": contextlib.nullcontext, "stock": thai.suspended}
    variants.update({f"stock {part}": (lambda part=part: stock_part(part)) for part in PARTS})
    for enter in variants.values():
        with enter():
            render()
    times: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    for k in range(repeat):
        for name in names[k % len(names) :] + names[: k % len(names)]:
            gc.collect()
            thai.clear_text_caches()
            with variants[name]():
                start = time.process_time()
                render()
                times[name].append(time.process_time() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def report_kinds():
    """(label, render) for the five kinds, demo and large data, in a throw-away test database."""
    from report_sources import approved_sources

    from reports.rendering import render_source_pdf

    return [(f"{label} {kind}", lambda source=source: render_source_pdf(source)) for label, kind, source in approved_sources()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed renders per variant (alternating)")
    parser.add_argument("--no-kinds", action="store_true", help="the 48-page corpus only")
    parser.add_argument("--profile", type=Path, help="write a cProfile of one patched corpus render here")
    parser.add_argument(
        "--parts",
        action="store_true",
        help="instead: each document's overhead with each part of the patch (drawing, line breaks) put back to stock in turn",
    )
    args = parser.parse_args()

    import django

    django.setup()
    for name in ("weasyprint", "celery"):
        logging.getLogger(name).setLevel(logging.ERROR)
    import bench_pdf_text

    from reports.pdf import render_pdf, thai
    from reports.pdf.thai import linebreak

    corpus_html = bench_pdf_text.memo_html(bench_pdf_text.corpus())
    documents = [("corpus (bench_pdf_text)", lambda: render_pdf(corpus_html))]
    if not args.no_kinds:
        documents += report_kinds()
    render_pdf("<p>อุ่นเครื่อง warm-up</p>")
    if args.parts:
        return _print_parts(documents, args.repeat)
    print(f"newmm: {linebreak.newmm_engine()}; {args.repeat} renders per variant, CPU time (process_time)")
    print(f"{'document':28}{'pages':>9}{'patched':>18}{'stock':>18}{'overhead':>10}")
    print(f"{'':28}{'':>9}{'fastest  median':>18}{'fastest  median':>18}{'(median)':>10}")
    total_ours = total_stock = 0.0
    for label, render in documents:
        result = measure(render, args.repeat)
        ours, stock = result["ours"], result["stock"]
        mine, theirs = statistics.median(ours), statistics.median(stock)
        total_ours += mine
        total_stock += theirs
        pages = "{} / {}".format(*result["pages"])
        print(
            f"{label:28}{pages:>9}{min(ours):>9.3f}{mine:>8.3f} s{min(stock):>9.3f}{theirs:>8.3f} s{mine / theirs - 1:>+10.1%}",
            flush=True,
        )
    overhead = total_ours / total_stock - 1
    print(f"{'total (medians)':28}{'':>9}{total_ours:>17.3f} s{total_stock:>17.3f} s{overhead:>+10.1%}")
    if args.profile:
        thai.clear_text_caches()
        profile = cProfile.Profile()
        profile.runcall(render_pdf, corpus_html)
        profile.dump_stats(args.profile)
    verdict = "within" if overhead <= TARGET else "ABOVE"
    print(f"patch overhead {overhead:+.1%}: {verdict} the target of +{TARGET:.0%}")
    return 0 if overhead <= TARGET else 1


def _print_parts(documents, repeat: int) -> int:
    """Where the overhead goes: a part whose stock version brings the overhead down by N points costs
    about N points (the parts interact: the patch's justification needs its own drawing)."""
    print(f"{repeat} renders per variant, CPU time (process_time); overhead over stock of the medians")
    for label, render in documents:
        medians = measure_parts(render, repeat)
        stock = medians["stock"]
        cells = "  ".join(f"{name} {seconds / stock - 1:+.1%}" for name, seconds in medians.items() if name != "stock")
        print(f"{label:28} stock {stock:.3f} s  {cells}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
