"""Benchmark: Thai text in the portal's PDFs (issue 7).

    .venv/bin/python bench/bench_pdf_text.py [--repeat 7] [--warmup 1] [--keep DIR]

Builds a large mixed Thai/Latin/Thai-digit corpus from the portal's own text — every line of
the seed documents in tests/data/seeds (real ITA memos and plans), the Thai text of the
portal's templates, and dates, amounts and fiscal years formatted by ``ita_portal.thai`` —
renders it as memo bodies (``.memo-paragraph.thai-distributed``) through ``reports.pdf.render_pdf``
and through stock WeasyPrint, and prints:

- words recovered, exactly and without any composing, by every engine: poppler's ``pdftotext``
  (default mode, and ``-raw``), PDFium (Chrome/Edge, through pypdfium2), pdf.js (Firefox,
  ``pdfjs-dist`` under Node) and pypdf — the last two ignore ``/ActualText`` and read the
  ToUnicode map only; target ≥ 99.9 % each;
- the widest justified gap (em) — ours and stock WeasyPrint's;
- the fonts' encodings (``Identity-H``, or WeasyPrint's custom CMap when a character has no
  glyph, which pypdf misreads);
- render time of ours against stock WeasyPrint on the same HTML (target ≤ 5 % overhead).
  The machine is shared, so the renders alternate (ours/stock, then stock/ours), follow an
  untimed warm-up, start after a ``gc.collect()``, and are timed both as wall clock and as
  this process's CPU time (``time.process_time``, hardly disturbed by other processes); the
  fastest and the median of the runs are printed, and the median of the per-pair ratios.

A word is recovered when it appears, in order, in the extracted text (whitespace removed, so
line wraps do not count against it). Figures only: nothing here asserts timings.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gc
import html
import os
import re
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-key-not-a-secret-" + "x" * 30)  # settings refuse none with DEBUG off

import django

django.setup()

import logging  # noqa: E402

from django.conf import settings  # noqa: E402
from pythainlp.tokenize import word_tokenize  # noqa: E402

from ita_portal import thai  # noqa: E402
from reports.pdf import render_pdf  # noqa: E402
from reports.pdf import thai as thai_pdf  # noqa: E402
from tests.pdf_helpers import (  # noqa: E402
    drop_lone_hyphens,
    glyph_runs,
    lines_of,
    pdffonts,
    pdfium_text,
    pdfjs_texts,
    pdftotext_text,
    pypdf_text,
    stock_weasyprint,
)

logging.getLogger("weasyprint").setLevel(logging.ERROR)

# Text of the seed documents, kept with the tests (tests/data/README.md).
SEEDS = Path(__file__).resolve().parent.parent / "tests" / "data" / "seeds"
TEMPLATES = Path(settings.BASE_DIR) / "templates"
THAI = re.compile("[\u0e00-\u0e7f]")


def template_lines() -> list[str]:
    lines = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8", errors="ignore")
        text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", " ", text, flags=re.S)
        text = re.sub(r"<[^>]+>", "\n", text)
        for line in html.unescape(text).splitlines():
            line = " ".join(line.split())
            if THAI.search(line) and len(line) > 3:
                lines.append(line)
    return lines


def generated_lines() -> list[str]:
    lines = []
    day = dt.date(2023, 10, 1)
    for k in range(120):
        day += dt.timedelta(days=3 * k % 37 + 1)
        fy = thai.fiscal_year_of(day)
        amount = Decimal(1234 + 97 * k) / 4
        lines.append(
            f"วันที่ {thai.format_date(day)} ({thai.format_short_date(day)}) ปีงบประมาณ พ.ศ. {thai.to_thai_digits(fy)} "
            f"ไตรมาสที่ {thai.to_thai_digits(thai.fiscal_quarter_of(day))} งบประมาณ {thai.format_baht(amount, thai_digits=k % 2 == 0)} "
            f"({thai.baht_text(amount)}) OIT ตัวชี้วัดที่ {thai.to_thai_digits(k % 10 + 1)} ข้อ O{k % 43 + 1:02d}"
        )
    return lines


def corpus() -> list[str]:
    paragraphs = []
    for path in sorted(SEEDS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = " ".join(line.split())
            if line:
                paragraphs.append(line)
    return paragraphs + template_lines() + generated_lines()


def memo_html(paragraphs: list[str]) -> str:
    return "".join(f'<p class="memo-paragraph thai-distributed">{html.escape(p)}</p>' for p in paragraphs)


def words_of(paragraphs: list[str]) -> list[str]:
    words = []
    for paragraph in paragraphs:
        words.extend(w for w in word_tokenize(paragraph, engine="newmm", keep_whitespace=False) if w.strip())
    return words


def recovered(words: list[str], extracted: str) -> float:
    """Share of ``words`` found in order in ``extracted`` (whitespace removed on both sides)."""
    text = re.sub(r"\s+", "", extracted)
    cursor, found = 0, 0
    for word in words:
        word = re.sub(r"\s+", "", word)
        index = text.find(word, cursor, cursor + len(word) + 60)
        if index >= 0:
            found += 1
            cursor = index + len(word)
    return found / len(words) if words else 1.0


def widest_gap(justified: bytes, left: bytes) -> float:
    widest = 0.0
    for glyphs_j, glyphs_l in zip(glyph_runs(justified), glyph_runs(left), strict=True):
        for line_j, line_l in zip(lines_of(glyphs_j), lines_of(glyphs_l), strict=True):
            shifts = [a["x"] - b["x"] for a, b in zip(line_j, line_l, strict=True)]
            gaps = [shifts[k] - shifts[k - 1] for k in range(1, len(shifts))]
            widest = max(widest, max(gaps, default=0) / line_j[0]["size"])
    return widest


@dataclasses.dataclass
class Timing:
    """Per-render times of one variant: wall clock (``perf_counter``) and this process's CPU
    time (``process_time``, which other processes on a shared machine barely disturb)."""

    wall: list[float] = dataclasses.field(default_factory=list)
    cpu: list[float] = dataclasses.field(default_factory=list)


def _timed_render(html_text: str, timing: Timing) -> bytes:
    gc.collect()  # garbage of the previous render is not charged to this one
    thai_pdf.clear_text_caches()  # time every render as the first one of this text
    wall, cpu = time.perf_counter(), time.process_time()
    pdf = render_pdf(html_text)
    timing.cpu.append(time.process_time() - cpu)
    timing.wall.append(time.perf_counter() - wall)
    return pdf


def timed_pair(repeat: int, html_text: str, warmup: int = 1) -> tuple[Timing, Timing, bytes, bytes]:
    """Render ``html_text`` with the portal's layer and with stock WeasyPrint, ``repeat`` times
    each, alternately (the machine is shared, so load changes hit both sides alike) and in
    alternating order (ours first, then stock first), after ``warmup`` untimed renders of each."""
    ours_t, stock_t = Timing(), Timing()
    ours = stock = b""
    for _ in range(warmup):
        render_pdf(html_text)
        with stock_weasyprint():
            render_pdf(html_text)
    for k in range(repeat):
        for variant in ("ours", "stock") if k % 2 == 0 else ("stock", "ours"):
            if variant == "ours":
                ours = _timed_render(html_text, ours_t)
            else:
                with stock_weasyprint():
                    stock = _timed_render(html_text, stock_t)
    return ours_t, stock_t, ours, stock


def overhead_rows(ours: Timing, stock: Timing) -> list[tuple[str, float, float, float]]:
    """(label, ours, stock, overhead) for CPU and wall time, fastest and median of the runs;
    plus the median of the per-pair ratios (each pair ran back to back, under the same load)."""
    rows = []
    for kind, mine, theirs in (("CPU", ours.cpu, stock.cpu), ("wall", ours.wall, stock.wall)):
        for stat, fn in (("fastest", min), ("median", statistics.median)):
            rows.append((f"{kind} time, {stat}", fn(mine), fn(theirs), fn(mine) / fn(theirs) - 1))
        pairs = statistics.median(a / b for a, b in zip(mine, theirs, strict=True)) - 1
        rows.append((f"{kind} time, median of pairs", float("nan"), float("nan"), pairs))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed renders per variant (alternating)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed renders per variant before timing")
    parser.add_argument("--keep", type=Path, help="write the PDFs to this folder")
    args = parser.parse_args()

    paragraphs = corpus()
    words = words_of(paragraphs)
    thai_digits = sum(ch in thai.THAI_DIGITS for p in paragraphs for ch in p)
    latin_words = sum(1 for w in words if re.fullmatch(r"[A-Za-z][A-Za-z.\-]*", w))
    justified_html = memo_html(paragraphs)
    left_html = justified_html.replace(' thai-distributed"', '"')
    print(
        f"corpus: {len(paragraphs):,} paragraphs, {len(words):,} words "
        f"({latin_words:,} Latin), {sum(map(len, paragraphs)):,} characters, {thai_digits:,} Thai digits"
    )

    render_pdf("<p>อุ่นเครื่อง warm-up</p>")  # fonts, caches
    ours_t, stock_t, ours, stock = timed_pair(args.repeat, justified_html, warmup=args.warmup)
    ours_left = render_pdf(left_html)
    with stock_weasyprint():
        stock_left = render_pdf(left_html)

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        for name, data in (("ours", ours), ("ours-left", ours_left), ("stock", stock), ("stock-left", stock_left)):
            (args.keep / f"{name}.pdf").write_bytes(data)

    pdfjs = dict(zip(("ours", "stock"), pdfjs_texts(ours, stock), strict=True))

    def figures(pdf: bytes, name: str) -> tuple[float, ...]:
        return (
            recovered([drop_lone_hyphens(w) for w in words], drop_lone_hyphens(pdftotext_text(pdf))),
            recovered(words, pdftotext_text(pdf, raw=True)),
            recovered(words, pdfium_text(pdf)),
            recovered(words, pdfjs[name]),
            recovered(words, pypdf_text(pdf)),
        )

    pages = len(glyph_runs(ours))
    print(f"pages: {pages} (A4, Sarabun 16 pt, memo margins)")
    print(f"{'words recovered exactly':28}{'portal (reports.pdf)':>22}{'stock WeasyPrint 70':>22}")
    labels = ("poppler pdftotext", "poppler pdftotext -raw", "PDFium (pypdfium2)", "pdf.js (pdfjs-dist)", "pypdf")
    for label, mine, theirs in zip(labels, figures(ours, "ours"), figures(stock, "stock"), strict=True):
        print(f"{label:28}{mine:>21.2%}{theirs:>22.2%}")
    encodings = [
        ", ".join(sorted({f"{f['name'].split('+')[-1]} {f['encoding']}" for f in pdffonts(pdf)})) for pdf in (ours, stock)
    ]
    print(f"{'font encodings':28}{encodings[0]}  |  stock: {encodings[1]}")
    print(f"{'widest justified gap':28}{widest_gap(ours, ours_left):>19.3f} em{widest_gap(stock, stock_left):>19.3f} em")
    print(f"render time of the whole corpus, {args.repeat} renders each, alternating, after {args.warmup} warm-up:")
    print(f"{'':28}{'portal':>12}{'stock':>12}{'overhead':>12}")
    for label, mine, theirs, extra in overhead_rows(ours_t, stock_t):
        times = f"{mine:>10.3f} s{theirs:>10.3f} s" if mine == mine else f"{'':>24}"
        print(f"{label:28}{times}{extra:>+12.1%}")
    cpu_min = min(ours_t.cpu) / min(stock_t.cpu) - 1
    cpu_median = statistics.median(ours_t.cpu) / statistics.median(stock_t.cpu) - 1
    print(f"render-time overhead (CPU): {cpu_min:+.1%} fastest, {cpu_median:+.1%} median (target ≤ +5 %)")
    print(f"PDF size: {len(ours):,} bytes vs {len(stock):,} bytes stock")


if __name__ == "__main__":
    main()
