"""Thai distributed justification and line breaks in memo bodies (issue 7).

Spacing is measured from the PDF itself: ``glyph_runs`` reads every glyph's position from the
content stream, and a justified rendering is compared glyph by glyph with the left-aligned
rendering of the same HTML (same glyphs, same line breaks), so the difference between two
neighbouring glyphs is exactly the space justification inserted there.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils.html import escape
from PIL import Image, ImageChops
from pythainlp.tokenize import syllable_tokenize, word_tokenize

from reports.pdf import render_pdf
from reports.pdf.thai import MAX_GAP_EM
from tests.pdf_helpers import glyph_runs, lines_of, page_images, pdftotext_text, stock_drawing

# Text of the seed documents, copied into the repository (tests/data/README.md).
SEEDS = Path(__file__).resolve().parent / "data" / "seeds"
SEED_FILES = [
    "000_d951fafa94d13f66.txt",
    "001_f084d3884cd8dd2e.txt",
    "003_b1586e3a4194c3d8.txt",
    "004_c2e2605c658626c6.txt",
]
# Content box of a memo page: A4 210 mm − 3 cm − 2 cm = 16 cm, in CSS px.
CONTENT_WIDTH_PX = 160 / 25.4 * 96


def _paragraphs(seed: str, minimum: int = 200, count: int = 5) -> list[str]:
    text = (SEEDS / seed).read_text(encoding="utf-8")
    return [" ".join(line.split()) for line in text.splitlines() if len(line.strip()) >= minimum][:count]


def _memo(paragraphs: list[str], css_class: str) -> str:
    return "".join(f'<p class="memo-paragraph {css_class}">{escape(p)}</p>' for p in paragraphs)


def _spacing(justified: bytes, left: bytes) -> list[dict]:
    """Per line: widest inserted gap (em), total shift at the end, right edge, whether last."""
    result = []
    pages_j, pages_l = glyph_runs(justified), glyph_runs(left)
    assert len(pages_j) == len(pages_l)
    for glyphs_j, glyphs_l in zip(pages_j, pages_l, strict=True):
        assert [g["gid"] for g in glyphs_j] == [g["gid"] for g in glyphs_l], "justification changed the glyphs"
        lines_j, lines_l = lines_of(glyphs_j), lines_of(glyphs_l)
        assert len(lines_j) == len(lines_l), "justification changed the line breaks"
        for line_j, line_l in zip(lines_j, lines_l, strict=True):
            shifts = [a["x"] - b["x"] for a, b in zip(line_j, line_l, strict=True)]
            size = line_j[0]["size"]
            gaps = [shifts[k] - shifts[k - 1] for k in range(1, len(shifts))]
            result.append(
                {
                    "widest_em": max(gaps, default=0) / size,
                    "narrowest_em": min(gaps, default=0) / size,
                    "shift": shifts[-1] - shifts[0],
                    "right": max(g["x"] + g["glyph_width"] for g in line_j if g["glyph_width"] > 0.01),
                    "left": line_j[0]["x"],
                    "y": line_j[0]["base"],
                }
            )
    return result


@pytest.fixture(scope="module")
def memo_renderings():
    out = {}
    for seed in SEED_FILES:
        paragraphs = _paragraphs(seed)
        out[seed] = {
            "paragraphs": paragraphs,
            "justified": render_pdf(_memo(paragraphs, "thai-distributed")),
            "left": render_pdf(_memo(paragraphs, "")),
        }
    # Stock drawing on the portal's line breaks (the lines are the same, so pixels compare).
    with stock_drawing():
        for seed in SEED_FILES:
            paragraphs = out[seed]["paragraphs"]
            out[seed]["stock_justified"] = render_pdf(_memo(paragraphs, "thai-distributed"))
            out[seed]["stock_left"] = render_pdf(_memo(paragraphs, ""))
    return out


@pytest.mark.parametrize("seed", SEED_FILES)
def test_justified_gaps_stay_under_half_an_em(memo_renderings, seed):
    lines = _spacing(memo_renderings[seed]["justified"], memo_renderings[seed]["left"])
    justified = [line for line in lines if line["shift"] > 0.5]
    assert len(justified) >= 5, "the bodies must have justified lines to measure"
    assert max(line["widest_em"] for line in lines) <= MAX_GAP_EM
    # Space only ever added, never taken (no glyph moves left).
    assert min(line["narrowest_em"] for line in lines) >= -1e-3


@pytest.mark.parametrize("seed", SEED_FILES)
def test_justified_lines_reach_the_right_margin_and_last_lines_stay_left(memo_renderings, seed):
    lines = _spacing(memo_renderings[seed]["justified"], memo_renderings[seed]["left"])
    paragraphs = len(memo_renderings[seed]["paragraphs"])
    text_left = min(line["left"] for line in lines)
    flush = [line for line in lines if abs(line["right"] - (text_left + CONTENT_WIDTH_PX)) < 1.0]
    unshifted = [line for line in lines if abs(line["shift"]) < 1e-3]
    # Every line either ends on the right margin, or is a paragraph's last line left as it was,
    # or — rarely — needed more than READ_BACK_GAP_EM per gap and stops short of the margin
    # (wider gaps would read back as spaces in pdf.js and pypdf).
    assert len(flush) + len(unshifted) >= len(lines) - max(2, 0.05 * len(lines))
    assert len(unshifted) >= paragraphs  # at least each paragraph's last line
    assert len(flush) >= len(lines) - 2 * paragraphs


def test_the_stock_justification_this_replaces_has_wide_gaps(memo_renderings):
    """The same measure on stock WeasyPrint shows the 1–3 em gaps of the issue (the test above
    can fail)."""
    widest = max(
        line["widest_em"]
        for seed in SEED_FILES
        for line in _spacing(memo_renderings[seed]["stock_justified"], memo_renderings[seed]["stock_left"])
    )
    assert widest > 1.0


@pytest.mark.parametrize("seed", SEED_FILES)
def test_left_aligned_pages_are_pixel_identical_to_stock_weasyprint(memo_renderings, seed, tmp_path):
    ours = page_images(memo_renderings[seed]["left"], 100, tmp_path / "ours")
    stock = page_images(memo_renderings[seed]["stock_left"], 100, tmp_path / "stock")
    assert len(ours) == len(stock)
    for a, b in zip(ours, stock, strict=True):
        assert ImageChops.difference(Image.open(a).convert("RGB"), Image.open(b).convert("RGB")).getbbox() is None


def test_mixed_document_is_pixel_identical_to_stock_weasyprint(tmp_path):
    html = (
        "<h1 style='text-align:center;font-size:29pt'>บันทึกข้อความ</h1>"
        "<p><b style='font-size:20pt'>ส่วนราชการ</b> สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร โทร. ๐ ๓๔๔๑ ๑๒๓๔</p>"
        "<p><b>ที่</b> ศธ ๐๔๑๑๔/๑๒๓ <b>วันที่</b> ๑๕ มิถุนายน ๒๕๖๗</p>"
        "<p><i>เรื่อง รายงานผลการดำเนินงาน OIT ตัวชี้วัดที่ ๙ (ITA 2024)</i></p>"
        "<table border=1><tr><th>ลำดับ</th><th>มาตรการ</th></tr><tr><td>๑</td><td>น้ำ ผู้อำนวยการ ฯลฯ ๆ</td></tr></table>"
    )
    ours = page_images(render_pdf(html), 100, tmp_path / "ours")
    with stock_drawing():
        stock = page_images(render_pdf(html), 100, tmp_path / "stock")
    for a, b in zip(ours, stock, strict=True):
        assert ImageChops.difference(Image.open(a).convert("RGB"), Image.open(b).convert("RGB")).getbbox() is None


def test_a_line_that_would_need_wide_gaps_stays_left_aligned():
    # The first line holds two short words, then a long unbreakable token goes to the next line.
    html = '<p class="thai-distributed" style="width: 12em">กข คง ' + "x" * 30 + " จบ</p>"
    justified = render_pdf(html)
    left = render_pdf(html.replace('class="thai-distributed"', ""))
    lines = _spacing(justified, left)
    assert all(abs(line["shift"]) < 1e-3 for line in lines)


def _is_thai(char: str) -> bool:
    return "\u0e00" <= char <= "\u0e7f"


def _syllable_boundaries(text: str) -> set[int]:
    bounds = set()
    for tokens in (syllable_tokenize(text, engine="dict"), word_tokenize(text, engine="newmm")):
        offset = 0
        for token in tokens:
            offset += len(token)
            bounds.add(offset)
    return bounds


@pytest.mark.parametrize("seed", SEED_FILES)
def test_lines_never_break_inside_a_syllable(memo_renderings, seed):
    paragraphs = memo_renderings[seed]["paragraphs"]
    text = pdftotext_text(memo_renderings[seed]["justified"], raw=True)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    checked = 0
    position = 0
    for paragraph in paragraphs:
        bounds = _syllable_boundaries(paragraph)
        offset = 0
        while offset < len(paragraph):
            line = lines[position]
            position += 1
            assert paragraph.startswith(line, offset), (paragraph[offset : offset + 40], line[:40])
            offset += len(line)
            if offset < len(paragraph) and _is_thai(paragraph[offset - 1]) and _is_thai(paragraph[offset]):
                assert offset in bounds, (
                    f"break inside a syllable: {paragraph[offset - 10 : offset]}|{paragraph[offset : offset + 10]}"
                )
                checked += 1
            while offset < len(paragraph) and paragraph[offset] == " ":
                offset += 1
    assert checked >= 5  # there were wraps between Thai words to check


def _lines_for(html: str, words=()) -> list[str]:
    return [line.strip() for line in pdftotext_text(render_pdf(html, words=words), raw=True).splitlines() if line.strip()]


def test_keep_together_keeps_a_title_and_name_on_one_line():
    """A name is kept on one line by the render's protected words (``render_source_pdf`` gives
    every name of the document, see reports.rendering.protected_words); ``keep_together`` marks
    it in the HTML without ``nowrap``, so a name wider than its line still breaks."""
    from reports.rendering import protected_words
    from reports.templatetags.pdf_tags import keep_together

    name = "นางสาวสุนีย์ ศรีสุข"
    filler = "การดำเนินงาน"
    split_found = False
    for count in range(1, 40):
        free = f'<p style="width: 16em">{filler * count} {name} ต่อไป</p>'
        lines = _lines_for(free)
        if not any(name in line for line in lines):
            split_found = True
            words = protected_words({"signer_name": name})
            kept = _lines_for(f'<p style="width: 16em">{filler * count} {keep_together(name)} ต่อไป</p>', words)
            assert any(name in line for line in kept), kept
    assert split_found, "no filler length split the name: the test would prove nothing"


def _word_boxes(pdf: bytes) -> list[tuple[str, float, float, float]]:
    """(word, xMin, xMax, yMin) of every word poppler finds (``pdftotext -bbox``)."""
    import html as html_module
    import re
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True).stdout.decode()
    return [
        (html_module.unescape(m[4]), float(m[0]), float(m[2]), float(m[1]))
        for m in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)
    ]


LATIN_PARAGRAPH = (
    "หลักฐานการดำเนินงานตามตัวชี้วัดทุกข้อได้จัดเก็บไว้ในระบบ Google Drive https://drive.google.com/x "
    "ของสำนักงานเขตพื้นที่การศึกษาประถมศึกษาเพื่อให้ผู้ประเมินตรวจสอบได้ตลอดเวลาตามที่คณะกรรมการกำหนดไว้ "
    "และได้เผยแพร่ผลการดำเนินงานบนเว็บไซต์ของหน่วยงานเป็นประจำทุกไตรมาสตามแนวทางการประเมินคุณธรรมและความโปร่งใส"
)


def test_latin_words_in_a_distributed_line_keep_their_letter_spacing():
    """Distributed justification spreads the extra width over Thai clusters and spaces only: the
    letters of "Google", "Drive" and the URL keep their natural advance (issue 11)."""
    justified = render_pdf(_memo([LATIN_PARAGRAPH], "thai-distributed"))
    left = render_pdf(_memo([LATIN_PARAGRAPH], ""))
    words_j, words_l = _word_boxes(justified), _word_boxes(left)
    latin = ("Google", "Drive", "https://drive.google.com/x")
    for word in latin:
        box_j = next(b for b in words_j if b[0] == word)
        box_l = next(b for b in words_l if b[0] == word)
        # Same line in both renderings, and that line is justified (not the paragraph's last).
        assert abs(box_j[3] - box_l[3]) < 0.5
        assert abs((box_j[2] - box_j[1]) - (box_l[2] - box_l[1])) < 0.05, (word, box_j, box_l)
    # The line holding them was really spread: the Latin run moved, the line reaches the margin.
    line_y = next(b for b in words_j if b[0] == "Google")[3]
    line_j = [b for b in words_j if abs(b[3] - line_y) < 0.5]
    line_l = [b for b in words_l if abs(b[3] - line_y) < 0.5]
    assert max(b[2] for b in line_j) - max(b[2] for b in line_l) > 5
