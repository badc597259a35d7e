"""Where every word of a PDF is drawn: ``pdftotext -bbox-layout`` (poppler) read into pages of
blocks, lines and words with their boxes (PDF points, origin top-left), and the page's text area
(the page box minus the margins of the ``@page`` rule that page follows).

Used by ``tests/test_reports_layout.py`` (nothing outside the text area, rows whose cells start on
one page, no heading ending a page, signature blocks with text above them).
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from tests.pdf_helpers import _tool

__all__ = ["CM", "Box", "Line", "Page", "Word", "margins_for", "outside_text_area", "pages_of", "text_area"]

CM = 72 / 2.54
_NS = re.compile(r"\{[^}]*\}")


@dataclass
class Box:
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Word(Box):
    text: str
    page: int  # 0-based


@dataclass
class Line(Box):
    words: list[Word] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass
class Page:
    number: int  # 0-based
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    @property
    def words(self) -> list[Word]:
        return [w for line in self.lines for w in line.words]


def pages_of(pdf: bytes) -> list[Page]:
    """Every page's lines and words with their boxes, in poppler's reading order."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.pdf"
        path.write_bytes(pdf)
        xml = subprocess.run(
            [_tool("pdftotext"), "-bbox-layout", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
        ).stdout
    root = ET.fromstring(xml)
    pages = []
    for element in root.iter():
        if _NS.sub("", element.tag) != "page":
            continue
        page = Page(number=len(pages), width=float(element.get("width")), height=float(element.get("height")))
        for line_el in (e for e in element.iter() if _NS.sub("", e.tag) == "line"):
            line = Line(*(float(line_el.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
            for w in (e for e in line_el if _NS.sub("", e.tag) == "word"):
                line.words.append(
                    Word(*(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")), text=w.text or "", page=page.number)
                )
            if line.words:
                page.lines.append(line)
        pages.append(page)
    return pages


def margins_for(page: Page, *, first_memo_page: bool = False) -> tuple[float, float, float, float]:
    """Top, right, bottom, left margins (pt) of the ``@page`` rule the page follows
    (``templates/reports/pdf/memo.css``): memo pages 1.5/2/2/3 cm, portrait attachments
    2/2/2/3 cm, landscape attachments 2/1.5/1.5/2 cm. The memo's portrait pages come first; an
    attachment page in portrait is told apart by the caller (``first_memo_page`` is unused)."""
    if page.landscape:
        return (2 * CM, 1.5 * CM, 1.5 * CM, 2 * CM)
    return (1.5 * CM, 2 * CM, 2 * CM, 3 * CM)


def text_area(page: Page, margins: tuple[float, float, float, float]) -> Box:
    top, right, bottom, left = margins
    return Box(left, top, page.width - right, page.height - bottom)


def outside_text_area(
    pages: list[Page],
    margins: dict[int, tuple[float, float, float, float]] | None = None,
    tolerance: float = 1.0,
    vertical_tolerance: float = 1.5,
) -> list[tuple[int, str, Box]]:
    """Words drawn (partly) outside their page's text area: (page, word, box). ``margins`` gives a
    page's margins where :func:`margins_for` would not (portrait attachment pages: 2 cm top).
    Horizontally ``tolerance`` points are allowed (rounding of advances). Vertically poppler's word
    box spans Sarabun's ascent to descent (1.3 em) whatever the line height, so a 1.15-em table line
    that ends exactly at the bottom margin has its box 0.075 em (1.2 pt at 16 pt) below it:
    ``vertical_tolerance`` points are allowed there."""
    out = []
    for page in pages:
        area = text_area(page, (margins or {}).get(page.number) or margins_for(page))
        for w in page.words:
            if (
                w.x0 < area.x0 - tolerance
                or w.x1 > area.x1 + tolerance
                or w.y0 < area.y0 - vertical_tolerance
                or w.y1 > area.y1 + vertical_tolerance
            ):
                out.append((page.number, w.text, Box(w.x0, w.y0, w.x1, w.y1)))
    return out


# ---- the laid-out boxes (what WeasyPrint drew on each page) ------------------------------------


@contextlib.contextmanager
def captured_documents():
    """Collect the ``weasyprint.Document`` of every render made inside the block (its pages keep
    their laid-out boxes), so that one render gives both the PDF and where each row landed."""
    import weasyprint

    documents = []
    original = weasyprint.HTML.render

    def render(self, *args, **kwargs):
        document = original(self, *args, **kwargs)
        documents.append(document)
        return document

    weasyprint.HTML.render = render
    try:
        yield documents
    finally:
        weasyprint.HTML.render = original


def _flow(box, header=False):
    """(box, inside a table header) for ``box`` and its descendants, margin boxes left out."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.MarginBox):
        return
    if isinstance(box, boxes.TableRowGroupBox) and (box.is_header or box.is_footer):
        header = True
    yield box, header
    for child in getattr(box, "children", ()):
        yield from _flow(child, header)


def _has_text(box) -> bool:
    from weasyprint.formatting_structure import boxes

    return any(
        isinstance(b, (boxes.TextBox, boxes.ReplacedBox)) and (not isinstance(b, boxes.TextBox) or b.text.strip())
        for b, _ in _flow(box)
    )


def _classes(box) -> set[str]:
    element = getattr(box, "element", None)
    return set((element.get("class") or "").split()) if element is not None else set()


def _content_bottom(page_box) -> float:
    return page_box.content_box_y() + page_box.height


@dataclass
class RowProblem:
    page: int  # 0-based page of the row's first fragment
    text: str
    reason: str


def _text_of(box, limit: int = 60) -> str:
    from weasyprint.formatting_structure import boxes

    return " ".join(b.text for b, _ in _flow(box) if isinstance(b, boxes.TextBox))[:limit]


def row_problems(document) -> list[RowProblem]:
    """Body rows whose cells start on different pages, and rows split although they would fit
    whole on the page they continue on (under its repeated header) — except rows split on purpose
    (reports/pdf/tables.py): a table's last row carrying its last lines to the signature block
    below it, a row carrying lines to the next row of its ``tbody.together`` (the plan's period
    row), a table's first row in the top quarter of a page (moved, it would leave the title or
    lead above it alone)."""
    from weasyprint.formatting_structure import boxes

    rows: dict = {}
    last_row: dict = {}  # page → the last body row box drawn on it
    signature_top: dict = {}  # page → top of the first head-of-agency signature block on it
    followed: set = set()  # row boxes followed on their page by a row of their tbody.together
    first_rows: set = set()  # elements of the first body row of tables starting in a page's top quarter
    tables_seen: set = set()
    for number, page in enumerate(document.pages):
        page_box = page._page_box
        for box, header in _flow(page_box):
            if isinstance(box, boxes.BlockBox) and "head-signature" in _classes(box):
                signature_top.setdefault(number, box.position_y)
            if isinstance(box, boxes.TableRowGroupBox) and "together" in _classes(box):
                followed.update(id(row) for row in box.children[:-1])
            if isinstance(box, boxes.TableBox) and id(box.element) not in tables_seen:
                # The table's first part (not a continuation, which always starts a page's top).
                tables_seen.add(id(box.element))
                body = next((g for g in box.children if not (g.is_header or g.is_footer) and g.children), None)
                if body is not None and starts_in_top_quarter(page_box, box):
                    first_rows.add(id(body.children[0].element))
            if header or not isinstance(box, boxes.TableRowBox):
                continue
            last_row[number] = box
            cells = {id(c.element): _has_text(c) for c in box.children}
            rows.setdefault(id(box.element), []).append((number, box, cells, _content_bottom(page_box)))
    problems = []
    for fragments in rows.values():
        first: dict = {}
        for number, _box, cells, _bottom in fragments:
            for cell, has_text in cells.items():
                if has_text:
                    first.setdefault(cell, number)
        page0, box0 = fragments[0][0], fragments[0][1]
        if len(set(first.values())) > 1:
            problems.append(RowProblem(page0, _text_of(box0), f"cells start on pages {sorted({p + 1 for p in first.values()})}"))
        end_page, end_box = fragments[-1][0], fragments[-1][1]
        # Let split on purpose (reports/pdf/tables.py): to carry its last lines to the signature
        # below it or to the next row of its group, or as a table's first row in the top quarter
        # of a page, below a title or lead that moving it would leave alone.
        carried = (
            (last_row.get(end_page) is end_box and signature_top.get(end_page, -1) >= end_box.position_y)
            or id(end_box) in followed
            or id(box0.element) in first_rows
        )
        if len(fragments) > 1 and not carried:
            height = sum(f[1].margin_height() for f in fragments)
            room = fragments[1][3] - fragments[1][1].position_y
            if height <= room - 1:
                problems.append(
                    RowProblem(page0, _text_of(box0), f"split although {height:.0f} pt fits the {room:.0f} pt below the header")
                )
    return problems


def split_short_tables(document, max_rows: int = 3) -> list[tuple[int, str]]:
    """Tables of at most ``max_rows`` body rows drawn on more than one page although they would fit
    on one page: (first page, text). A table taller than a page has to split, and so does one that
    starts in the top quarter of a page below its title or lead (reports/pdf/tables.py: moved, it
    would leave them alone on that page)."""
    from weasyprint.formatting_structure import boxes

    tables: dict = {}
    for number, page in enumerate(document.pages):
        for box, _header in _flow(page._page_box):
            if isinstance(box, boxes.TableBox):
                if id(box.element) not in tables and starts_in_top_quarter(page._page_box, box):
                    tables[id(box.element)] = {"pages": set(), "rows": set(), "box": box, "height": 0.0, "top": True}
                entry = tables.setdefault(id(box.element), {"pages": set(), "rows": set(), "box": box, "height": 0.0})
                entry["pages"].add(number)
                entry["page_height"] = page._page_box.height
                header = next((g for g in box.children if g.is_header), None)
                entry["header"] = header.margin_height() if header is not None else 0.0
                for group in box.children:
                    if not (group.is_header or group.is_footer):
                        entry["height"] += group.margin_height()
                        entry["rows"].update(id(row.element) for row in group.children)
    return [
        (min(t["pages"]), _text_of(t["box"]))
        for t in tables.values()
        if len(t["pages"]) > 1
        and 0 < len(t["rows"]) <= max_rows
        and t["height"] + t["header"] <= t["page_height"]
        and not t.get("top")
    ]


def starts_in_top_quarter(page_box, table_box) -> bool:
    """Whether a table's first part starts in the top quarter of its page's text area."""
    return table_box.position_y - page_box.content_box_y() < 0.25 * page_box.height


HEADING_CLASSES = frozenset({"att-title", "att-subtitle", "att-heading", "att-label", "memo-title"})


def _line_boxes(page_box):
    """(line box, its block's classes and its ancestors', inside a header) of a page's flow."""
    from weasyprint.formatting_structure import boxes

    def walk(box, classes, header):
        if isinstance(box, boxes.MarginBox):
            return
        if isinstance(box, boxes.TableRowGroupBox) and (box.is_header or box.is_footer):
            header = True
        classes = classes | _classes(box)
        if isinstance(box, boxes.LineBox):
            if _has_text(box):
                yield box, classes, header
            return
        for child in getattr(box, "children", ()):
            yield from walk(child, classes, header)

    yield from walk(page_box, frozenset(), False)


def headings_ending_pages(document) -> list[tuple[int, str]]:
    """Pages (but the last) whose lowest line is a heading, or a table header with no row under it."""
    problems = []
    for number, page in enumerate(document.pages[:-1]):
        lines = list(_line_boxes(page._page_box))
        if not lines:
            continue
        bottom = max(line.position_y + line.height for line, _c, _h in lines)
        last = [(line, classes, header) for line, classes, header in lines if line.position_y + line.height >= bottom - 0.5]
        for line, classes, header in last:
            if classes & HEADING_CLASSES or header:
                problems.append((number, _text_of(line)))
                break
    return problems


SIGNATURE_CLASSES = frozenset({"signature", "head-signature", "endorsement", "review"})


def lines_above_signatures(document) -> list[tuple[int, int]]:
    """For each page holding the start of a signature block (memo signer, head of agency): (page,
    lines of other text drawn on that page above the block)."""
    from weasyprint.formatting_structure import boxes

    out = []
    for number, page in enumerate(document.pages):
        starts = [
            b
            for b, _h in _flow(page._page_box)
            if isinstance(b, boxes.BlockBox) and _classes(b) & {"signature", "head-signature"}
        ]
        for block in starts:
            above = [
                line
                for line, classes, _h in _line_boxes(page._page_box)
                if not classes & SIGNATURE_CLASSES and line.position_y + line.height <= block.position_y + 0.5
            ]
            out.append((number, len(above)))
    return out


def duplicated_lines(document, min_chars: int = 15) -> list[tuple[int, str]]:
    """Text drawn twice: an element (paragraph, cell) whose part on a page starts again with what
    its part on the page before holds, whole — a continued element goes on where it stopped, a
    row drawn twice repeats itself (the whole of its first part, not only its first words: the
    stress set's long cells repeat their sentences). Repeated table headers are left out, and
    parts shorter than ``min_chars`` characters."""
    parts: dict = {}
    for number, page in enumerate(document.pages):
        for line, _classes_, header in _line_boxes(page._page_box):
            if not header:
                parts.setdefault(id(line.element), {}).setdefault(number, []).append(_text_of(line, 500))
    problems = []
    for pages in parts.values():
        for number, lines in pages.items():
            before = pages.get(number - 1)
            if not before:
                continue
            text, previous = "".join(lines).replace(" ", ""), "".join(before).replace(" ", "")
            if len(previous) >= min_chars and text.startswith(previous):
                problems.append((number, previous[:60]))
    return sorted(problems)


PX = 0.75  # WeasyPrint lays out in CSS px; poppler's boxes are in pt


def cell_texts(document, pages: list[Page]) -> list[str]:
    """The text of every table cell as poppler reads it back: the words whose centre lies in the
    cell's box, line after line, the cell's parts on consecutive pages joined — so a link wrapped
    over several lines of one cell reads back as one string (side-by-side cells stay apart, which
    poppler's own lines do not guarantee)."""
    from weasyprint.formatting_structure import boxes

    order: list = []
    words: dict = {}
    for number, page in enumerate(document.pages):
        cells = []
        for box, _header in _flow(page._page_box):
            if isinstance(box, boxes.TableCellBox):
                x0, y0 = box.border_box_x() * PX, box.border_box_y() * PX
                cells.append((box, x0, y0, x0 + box.border_width() * PX, y0 + box.border_height() * PX))
                if id(box.element) not in words:
                    words[id(box.element)] = []
                    order.append(id(box.element))
        for w in pages[number].words:
            cx, cy = (w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2
            for box, x0, y0, x1, y1 in cells:
                if x0 <= cx <= x1 and y0 <= cy <= y1:
                    words[id(box.element)].append((number, round(w.y0), w.x0, w.text))
                    break
    return [" ".join(t for *_k, t in sorted(words[key])) for key in order]
