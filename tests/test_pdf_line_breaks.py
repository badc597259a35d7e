"""Issue 11: Thai lines break between dictionary words (pythainlp newmm), and never inside a name
of the document's people, divisions or agency — measured from the PDFs' line texts.

Every field of the five report kinds (memo prose, header fields, table cells; as
``tests/test_reports_text_extraction.py`` lists them) is found in the content-stream text
(``pdftotext -raw``) as a run of whole lines; each line break inside the run is on a newmm word
boundary of the field, or next to a space. No break may fall inside a name (what
:func:`reports.rendering.protected_words` gives the render) where its column could hold it: a
name is only let break in a table cell narrower than the name set on one line at the cell's
font (both read from WeasyPrint's laid-out boxes).
"""

from __future__ import annotations

import functools
import re

import pytest
from pythainlp.tokenize import word_tokenize

from reports.models import ReportKind
from reports.pdf import render_pdf
from reports.rendering import protected_words, render_source_pdf
from tests.layout_helpers import _flow, captured_documents
from tests.pdf_helpers import pdftotext_text
from tests.test_reports_text_extraction import _attachment_fields, _memo_fields, _memo_prose, _render

pytestmark = [pytest.mark.pdf, pytest.mark.django_db]


_THAI_RE = re.compile("[\u0e01-\u0e5b]")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _line_runs(field: str, lines: list[str]) -> list[int] | None:
    """Where the lines of ``field`` break, as offsets into ``field``, if a run of whole lines
    of the text spells it (whitespace aside); else None."""
    target = _squash(field)
    squashed = [_squash(line) for line in lines]
    for start, first in enumerate(squashed):
        if not first or not target.startswith(first):
            continue
        covered, ends = "", []
        for piece in squashed[start:]:
            if not piece or not target.startswith(covered + piece):
                break
            covered += piece
            ends.append(len(covered))
        if covered == target and len(ends) > 1:
            # Offsets in the squashed field → offsets in the field itself.
            positions = [k for k, char in enumerate(field) if not char.isspace()]
            return [positions[end] for end in ends[:-1]]
    return None


def _breaks(pdf: bytes, fields: list[str]) -> list[tuple[str, int]]:
    lines = [line.strip() for line in pdftotext_text(pdf, raw=True).splitlines()]
    found = []
    for field in dict.fromkeys(f for f in fields if f and re.search("[\u0e01-\u0e5b]", f)):
        for offset in _line_runs(field, lines) or ():
            # Only Thai breaks (a Latin run such as a URL breaks by its own rules).
            if _THAI_RE.match(field[offset - 1]) and _THAI_RE.match(field[offset]):
                found.append((field, offset))
    return found


def _on_word_boundary(field: str, offset: int) -> bool:
    if field[offset - 1].isspace() or field[offset].isspace():
        return True
    ends, position = set(), 0
    for token in word_tokenize(field, engine="newmm"):
        position += len(token)
        ends.add(position)
    return offset in ends


def _inside_a_name(field: str, offset: int, names: set[str]) -> str | None:
    for name in names:
        for match in re.finditer(re.escape(name), field):
            if match.start() < offset < match.end() and not field[offset - 1].isspace() and not field[offset].isspace():
                return name
    return None


def _fields(kind, source) -> list[str]:
    return [*_memo_prose(source), *_memo_fields(source), *_attachment_fields(kind, source["attachment"])]


@functools.cache
def _one_line_width(text: str, font_size: float, font_weight: int) -> float:
    """Width (CSS px) of ``text`` set on one line at this size and weight."""
    from weasyprint.formatting_structure import boxes

    with captured_documents() as documents:
        render_pdf(f'<p style="font-size: {font_size}px; font-weight: {font_weight}; white-space: nowrap">{text}</p>')
    return sum(b.width for page in documents[0].pages for b, _ in _flow(page._page_box) if isinstance(b, boxes.TextBox))


def _cells(document) -> list[tuple[str, float, float, int]]:
    """(text without whitespace, content width, font size, font weight) of every table cell."""
    from weasyprint.formatting_structure import boxes

    return [
        (_squash("".join(box.element.itertext())), box.width, box.style["font_size"], box.style["font_weight"])
        for page in document.pages
        for box, _ in _flow(page._page_box)
        if isinstance(box, boxes.TableCellBox) and box.element is not None
    ]


def _column_could_hold(name: str, field: str, cells) -> bool:
    """Whether a cell printing ``field`` is wide enough for ``name`` on one line (a name outside
    any table — memo prose, header fields — always is)."""
    key, squashed = _squash(field), _squash(name)
    # The field's own cell; else (a cell of several paragraphs) every cell printing it.
    holding = [c for c in cells if c[0] == key] or [c for c in cells if key in c[0] and squashed in c[0]]
    if not holding:
        return True
    return any(_one_line_width(name, size, weight) <= width for _t, width, size, weight in holding)


@pytest.mark.parametrize("kind", ReportKind.values)
def test_lines_break_between_words_and_never_inside_a_name(world, kind):
    source, _ = _render(world, kind, thai=True)
    with captured_documents() as documents:
        pdf = render_source_pdf(source)
    cells = _cells(documents[0])
    breaks = _breaks(pdf, _fields(kind, source))
    assert len(breaks) >= 10, "the check must see the document's wrapped lines"
    off = [(field[max(0, k - 12) : k] + "|" + field[k : k + 12]) for field, k in breaks if not _on_word_boundary(field, k)]
    assert len(off) <= 0.05 * len(breaks), f"{len(off)} of {len(breaks)} breaks inside a word: {off[:8]}"
    names = {n for n in protected_words(source) if len(n) > 2}
    inside = [
        (name, field[k - 8 : k] + "|" + field[k : k + 8])
        for field, k in breaks
        if (name := _inside_a_name(field, k, names)) and _column_could_hold(name, field, cells)
    ]
    assert not inside


def test_a_paragraph_breaks_only_between_words():
    paragraph = (
        "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาได้ดำเนินการประเมินคุณธรรมและความโปร่งใสในการดำเนินงาน"
        "ของหน่วยงานภาครัฐ โดยผู้บริหารและผู้อำนวยการกลุ่มอำนวยการได้กำหนดมาตรการส่งเสริมคุณธรรม"
        "และความโปร่งใสภายในหน่วยงาน เพื่อให้การดำเนินการเป็นไปอย่างมีประสิทธิภาพ"
    )
    for width in ("5cm", "6cm", "8cm"):
        breaks = _breaks(render_pdf(f'<p style="width: {width}">{paragraph}</p>'), [paragraph])
        assert len(breaks) >= 3
        assert all(_on_word_boundary(paragraph, k) for _, k in breaks), width


def test_a_name_given_to_the_render_is_never_split():
    """A name newmm does not know (กมลนภา) breaks as libthai likes, unless given as a word."""
    names = ["นางสาวกมลนภา", "ศรีสุวรรณภูมิประเสริฐ", "กลุ่มอำนวยการ"]
    cell = "ผู้รับผิดชอบ นางสาวกมลนภา ศรีสุวรรณภูมิประเสริฐ กลุ่มอำนวยการ ติดตามผลการดำเนินงาน"
    for width in ("5.5cm", "6cm", "6.5cm", "7cm"):
        html = f'<p style="width: {width}">{cell}</p>'
        breaks = _breaks(render_pdf(html, words=names), [cell])
        assert breaks
        assert not [k for _, k in breaks if _inside_a_name(cell, k, set(names))], width


def test_a_word_wider_than_the_column_still_breaks():
    """A protected word that cannot fit stays breakable: nothing runs past the column."""
    word = "ศรีสุวรรณภูมิประเสริฐวัฒนากุล"
    pdf = render_pdf(f'<p style="width: 2cm">{word}</p>', words=[word])
    lines = [line for line in pdftotext_text(pdf, raw=True).splitlines() if line.strip()]
    assert len(lines) > 1 and "".join(lines) == word


def test_newmm_without_nlpo3_falls_back_to_pythainlp(monkeypatch):
    """Without nlpo3 (the Rust newmm) the segmentation is pythainlp's own, and the paragraph
    still breaks only between words."""
    from reports.pdf.thai import linebreak

    monkeypatch.setattr(linebreak, "_nlpo3_segment", lambda: None)
    linebreak.clear_cache()
    text = "สำนักงานเขตพื้นที่การศึกษาได้ดำเนินการประเมินคุณธรรม ผู้บริหาร Google Drive"
    assert linebreak.newmm_engine() == "pythainlp"
    assert linebreak.segment(text) == word_tokenize(text, engine="newmm", keep_whitespace=True)
    test_a_paragraph_breaks_only_between_words()
    linebreak.clear_cache()


def test_the_segmentation_in_use_agrees_with_pythainlp_newmm():
    """nlpo3 (when installed) segments on pythainlp's own dictionary: its word boundaries are
    pythainlp newmm's, over every seed line."""
    from pathlib import Path

    from reports.pdf.thai import linebreak

    seeds = Path(__file__).resolve().parent / "data" / "seeds"
    lines = [" ".join(line.split()) for path in sorted(seeds.glob("*.txt")) for line in path.read_text().splitlines()]
    lines = [line for line in lines if _THAI_RE.search(line)]
    assert len(lines) > 100

    def boundaries(tokens):
        out, position = set(), 0
        for token in tokens:
            position += len(token)
            out.add(position)
        return out

    total = agreed = 0
    for line in lines:
        ours = linebreak.segment(line)
        assert "".join(ours) == line
        reference = boundaries(word_tokenize(line, engine="newmm", keep_whitespace=True))
        total += len(reference)
        agreed += len(reference & boundaries(ours))
    assert agreed / total >= 0.995, f"{linebreak.newmm_engine()}: {agreed / total:.2%} of newmm's boundaries"


def test_a_word_wider_than_its_column_breaks_between_its_dictionary_words(monkeypatch):
    """A header such as งบประมาณ in a budget column too narrow for it breaks as งบ|ประมาณ, not
    wherever character wrapping cuts it (งบประม|าณ); without the split the check sees the cut."""
    from reports.pdf.thai import linebreak

    cases = {"งบประมาณ": "งบ|ประมาณ", "เปลี่ยนแปลง": "เปลี่ยน|แปลง", "วัตถุประสงค์": "วัตถุ|ประสงค์"}

    def lines(word):
        html = f'<p style="width: 4em; font-weight: bold; overflow-wrap: anywhere">{word}</p>'
        return "|".join(line.strip() for line in pdftotext_text(render_pdf(html), raw=True).splitlines() if line.strip())

    assert {word: lines(word) for word in cases} == cases
    monkeypatch.setattr(linebreak, "sub_words", lambda word: ())
    linebreak.clear_cache()
    assert {word: lines(word) for word in cases} != cases
    linebreak.clear_cache()


def test_a_label_that_is_one_protected_word_is_not_cut_a_pixel_at_a_time(monkeypatch):
    """The memo's "ส่วนราชการ" label before an agency name too long for the rest of the line: WeasyPrint
    asks whether the label can break, and if told yes, lays it out 1 px narrower at a time (some
    hundred layouts for one line). The patch answers no for a box that is one protected word, so
    the render makes about as many layouts as stock WeasyPrint."""
    import weasyprint.layout.inline as inline_module
    import weasyprint.text.line_break as line_break_module

    from reports.pdf import thai
    from reports.pdf.thai import linebreak
    from reports.rendering import MEMO_CSS

    agency = "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร (ทดสอบ)"
    division = "กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา"
    html = (  # the memo's ส่วนราชการ field, as templates/reports/pdf/memo.html writes it
        '<div class="memo"><div class="hfield wrap"><span class="label">ส่วนราชการ</span>'
        f'<span class="keep-together">{agency}</span> <span class="keep-together">{division}</span></div></div>'
    )
    calls = []
    original = line_break_module.Layout.setup
    monkeypatch.setattr(line_break_module.Layout, "setup", lambda self, *a, **k: calls.append(1) or original(self, *a, **k))

    def layouts(**kwargs) -> int:
        calls.clear()
        linebreak.clear_cache()
        render_pdf(html, words=[agency, division], stylesheets=[MEMO_CSS], **kwargs)
        return len(calls)

    with thai.suspended():
        stock = layouts()
    patched = layouts()
    assert patched <= stock + 10, (patched, stock)
    monkeypatch.setattr(inline_module, "can_break_text", linebreak.stock_can_break_text)
    assert layouts() > stock + 50, "without the answer the label is cut a pixel at a time: the test sees it"
