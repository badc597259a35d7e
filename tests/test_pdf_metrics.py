"""Line heights chosen from the font's metrics, so stacked Thai marks never touch the line above
(issue 11): the span of Sarabun's Thai ink read with fontTools
(:mod:`reports.pdf.thai.metrics`), the CSS line heights checked against it, and the ink of
consecutive rendered lines checked for a blank pixel row between them at 300 dpi."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from reports.pdf import render_pdf
from reports.pdf.thai import metrics

CSS_DIR = Path(__file__).resolve().parents[1] / "templates" / "reports" / "pdf"
MEMO_CSS = CSS_DIR / "memo.css"

# Worst cases: tone marks stacked on upper vowels on tall consonants, thanthakhat over a vowel, the
# tails of ฎ/ฏ/ฤ, lower vowels under ฐ/ญ (which drop their tails) and under tall consonants, a
# nikhahit+tone ligature. Not the lower vowels drawn in place of the tails of ฎ/ฏ (see
# reports.pdf.thai.metrics): test_the_rare_replaced_tails_are_measured_apart.
HIGH_LOW = "ปั้ป่ปู่ฎ ฐู ญฺ สิทธิ์ ปี๋ ฤ"
LOW_HIGH = "ป้ำ ฏ ปู ฟื้นฟู ปุ้ ฝู่ ญู"

# Absolute line heights of one-line boxes with a fixed pitch, which never wrap Thai onto a second
# line of their own (each is explained beside it in memo.css). Any other must be unitless.
FIXED_PITCH = {
    ".memo-title",  # the one-line title ("บันทึกข้อความ"), 1.5 cm as the seeds print it
    ".hfield",  # header fields: 26 pt per line, the pitch of their dotted-leader background
    ".hfield.wrap .label,\n.hfield .wrap .label",  # one-line labels inside those fields
    ".hfield.hang .label",
}


def _line_heights(path: Path) -> list[tuple[str, str]]:
    """(selector, value) of every ``line-height`` declaration of a stylesheet."""
    css = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
    found = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        for value in re.findall(r"(?:^|;)\s*line-height\s*:\s*([^;]+)", body):
            found.append((selector.strip(), value.strip()))
    return found


def test_the_ink_span_is_read_from_the_font():
    """The extremes are Sarabun's stacked glyphs, and they pass its ascent and descent (why 1.2 em
    was not enough)."""
    for path in sorted(metrics.FONTS_DIR.glob("Sarabun-*.ttf")):
        extent = metrics.ink_extent(str(path))
        font = TTFont(str(path))
        upem = font["head"].unitsPerEm
        assert extent.top > font["hhea"].ascent / upem
        assert extent.bottom < font["hhea"].descent / upem
        cmap = font.getBestCmap()
        # A tone mark's own glyph and ู's are below the extremes: the stacked variants reach them.
        assert extent.top >= font["glyf"][cmap[0x0E49]].yMax / upem
        assert extent.bottom <= font["glyf"][cmap[0x0E39]].yMin / upem
        assert extent.top_glyph in metrics.thai_glyphs(font)
    assert 1.5 < metrics.min_line_height() < 2.0


def test_the_rare_replaced_tails_are_measured_apart():
    """The lower vowels drawn in place of the tails of ฎ/ฏ (กฎุมพี) reach lower than all else:
    the full extent holds them, the default one (what the CSS follows) leaves them out."""
    for path in sorted(metrics.FONTS_DIR.glob("Sarabun-*.ttf")):
        full = metrics.ink_extent(str(path), replaced_tails=True)
        common = metrics.ink_extent(str(path))
        assert full.top == common.top
        assert full.bottom < common.bottom - 0.1
        assert full.bottom_glyph not in {TTFont(str(path)).getBestCmap()[cp] for cp in (0x0E38, 0x0E39, 0x0E3A)}
    assert metrics.min_line_height(replaced_tails=True) > metrics.min_line_height() + 0.1


@pytest.mark.parametrize("sheet", ["base.css", "memo.css"])
def test_css_line_heights_hold_the_thai_ink(sheet):
    minimum = metrics.min_line_height()
    declarations = _line_heights(CSS_DIR / sheet)
    assert declarations, "no line-height found: the parser no longer reads the stylesheet"
    for selector, value in declarations:
        if selector in FIXED_PITCH:
            continue
        number = re.fullmatch(r"([\d.]+)", value)
        assert number, f"{sheet} {selector}: line-height {value} is not a multiple of the font size"
        assert float(number[1]) >= minimum, f"{sheet} {selector}: line-height {value} < {minimum:.3f} em"


def _ink_rows(pdf: bytes, tmp_path: Path, name: str) -> tuple[int, int]:
    """First and last row with ink (300 dpi, first page)."""
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "300", "-gray", "-f", "1", "-l", "1", "-png", str(source), str(tmp_path / name)], check=True
    )
    image = Image.open(next(tmp_path.glob(f"{name}*.png"))).convert("L").point(lambda v: 255 if v < 160 else 0)
    box = image.getbbox()
    assert box is not None, f"{name}: nothing drawn"
    return box[1], box[3] - 1


def _lines_html(lines: list[str], visible: int, table: bool, bold: bool) -> str:
    cells = "<br>".join(
        text if k == visible else f'<span style="color: transparent">{text}</span>' for k, text in enumerate(lines)
    )
    if bold:
        cells = f"<b>{cells}</b>"
    if table:
        # Cell borders off: only the text has ink.
        return f'<table class="grid"><tr><td style="border: none">{cells}</td></tr></table>'
    return f'<p class="memo-paragraph">{cells}</p>'


@pytest.mark.parametrize("bold", [False, True], ids=["regular", "bold"])
@pytest.mark.parametrize("table", [False, True], ids=["body", "table"])
def test_consecutive_lines_do_not_touch_at_300_dpi(tmp_path, table, bold):
    """Each line drawn alone (the others transparent, so the layout is the same): a blank pixel
    row lies between the ink of every line and the next, in body text and in table cells."""
    lines = [HIGH_LOW, LOW_HIGH, HIGH_LOW, LOW_HIGH]
    rows = [
        _ink_rows(render_pdf(_lines_html(lines, k, table, bold), stylesheets=[MEMO_CSS]), tmp_path, f"line{k}")
        for k in range(len(lines))
    ]
    for k in range(len(lines) - 1):
        bottom, top = rows[k][1], rows[k + 1][0]
        assert top - bottom >= 2, f"line {k + 1} ink ends at row {bottom}, line {k + 2} starts at row {top}"


def test_the_pagination_code_uses_the_tables_line_height():
    """reports/pdf/tables.py turns carried lines into a height with the tables' line height."""
    from reports.pdf import tables

    grid = dict(_line_heights(MEMO_CSS)).get("table.grid")
    assert grid is not None and float(grid) == tables.LINE_HEIGHT
