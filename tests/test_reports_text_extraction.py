"""Issues 7 and 11 for every report kind: the text of each data field a document prints comes back
exactly from the PDF in every engine — poppler's ``pdftotext`` and PDFium (Chrome, Edge; through
pypdfium2), which honour /ActualText, and pdf.js (Firefox; ``pdfjs-dist`` under Node) and pypdf,
which read only the ToUnicode map. Nothing is composed back: sara am is ำ glyph by glyph.

Each of the five kinds is rendered from factories (memo and attachment, approved so the endorsement
prints too), with Thai digits and with Arabic digits. The expected strings are taken from the
rendition's source data — exactly what the templates print — never retyped here.

- Memo paragraphs, proposals and the closing are compared line by line (``equal_modulo_wraps``):
  every line the PDF gives back must be the next piece of the typed paragraph.
- A URL in the endorsement note comes back intact (as the document prints it) in every engine.
- PDFium drops the space before a cluster whose mark is shifted (``ใหญ่ น้ำ`` in bold reads
  ``ใหญ่น้ำ``; so does stock WeasyPrint's), so its prose is compared with whitespace removed.
- Header fields, names, positions and table cells wrap inside narrow boxes and are drawn cell by
  cell, so they are compared on the content-stream text (``pdftotext -raw``, and each other
  engine's text) with whitespace removed: every character, mark and digit must be there, in order, with nothing between them —
  except, for a table row split across pages, the next page's repeated header between the two
  runs of lines.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from reports import services
from reports.documents import build_source
from reports.documents.common import VERBATIM_RE
from reports.models import ReportKind
from reports.rendering import render_source_pdf
from tests.factories_reports import make_demo_data
from tests.pdf_helpers import (
    _run,
    equal_modulo_wraps,
    first_difference,
    normalise_ws,
    pdfium_text,
    pdfjs_texts,
    pdftotext_text,
    pypdf_text,
)

pytestmark = [pytest.mark.pdf, pytest.mark.django_db]

SIGNER = ("นางสมศรี ตั้งใจดี", "นักวิเคราะห์นโยบายและแผนชำนาญการ")
NOTE = "เห็นควรเผยแพร่ทางเว็บไซต์ของหน่วยงาน https://www.example.go.th/ita/2567/O42/evidence-01.pdf"


def _render(world, kind: str, *, thai: bool) -> tuple[dict, bytes]:
    make_demo_data(world.agency_a, 2567, measures=2)
    staff, director = world.users["staff_a"], world.users["director_a"]
    data = {"signer_name": SIGNER[0], "signer_position": SIGNER[1], "doc_date": dt.date(2024, 6, 15), "use_thai_digits": thai}
    if kind == ReportKind.QUARTERLY:
        data["quarter"] = 3
    report = services.report_create(agency=world.agency_a, year=2567, kind=kind, actor=staff, data=data)
    report = services.report_submit(report=report, actor=staff)
    report = services.report_approve(report=report, actor=director, decision="อนุญาต", note=NOTE)
    source = build_source(report)
    return source, render_source_pdf(source)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _lines_for(extracted: str, source: str) -> str:
    """The run of extracted lines that starts where ``source`` starts and covers it (or '')."""
    lines = [normalise_ws(line) for line in extracted.splitlines() if line.strip()]
    target = normalise_ws(source)
    for start, line in enumerate(lines):
        if not (line and target.startswith(line)):
            continue
        taken, rest = [], target
        for piece in lines[start:]:
            if not rest or not rest.startswith(piece):
                break
            taken.append(piece)
            rest = rest[len(piece) :].removeprefix(" ")
        if not rest:
            return "\n".join(taken)
    return ""


def _without_page_numbers(text: str, thai_digits: bool) -> str:
    """pdftotext's text without the "- ๒ -" that heads each continuation page. Its plain mode joins
    a line ending in "-" to the next one, so a memo paragraph that starts page 2 reads "-๒๒. ขอ…"."""
    pages = text.split("\f")
    for i in range(1, len(pages)):
        number = str(i + 1).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")) if thai_digits else str(i + 1)
        for marker in (f"- {number} -", f"-{number}"):
            if pages[i].startswith(marker):
                pages[i] = pages[i][len(marker) :].lstrip(" ")
                break
    return "\f".join(pages)


def _memo_prose(src: dict) -> list[str]:
    memo = src["memo"]
    return [*memo["paragraphs"], *memo["proposals"], memo["closing"]]


def _memo_fields(src: dict) -> list[str]:
    memo = src["memo"]
    end = memo["endorsement"]
    return [
        *memo["department_parts"],
        memo["number"],
        memo["date"],
        memo["subject"],
        memo["addressee"],
        f"({memo['signer_name']})",
        memo["signer_position"],
        end["decision"],
        end["note"],
        f"({end['name']})",
        end["position"],
        end["date"],
    ]


def _attachment_fields(kind: str, a: dict) -> list[str]:
    """Every data field the kind's attachment prints (measure titles, steps, units, names …)."""
    out: list[str] = []
    if kind == ReportKind.MEASURES_PLAN:
        out += [a["title"], a["agency"]]
        out += [s["name"] for s in a["scores"]]
        for issue in a["issues"]:
            out += [issue["heading"], *[f"- {item}" for item in issue["items"]]]
            for r in issue["rows"]:
                out += [*r["weakness"], *r["improvement"], *r["responsible"], *r["steps"], *r["monitoring"]]
                out += [r["period"], r["limitations"]]
    elif kind == ReportKind.RESULTS:
        out += [a["title"], *a["intro"]]
        out += [s["name"] for s in a["scores"]]
        for r in a["rows"]:
            out += [r["measure"], *r["steps"], *r["summary"], *r["outcome"]]
        for m in a["money"]:
            out += [f"{m['number']}. {m['measure']}", m["budget"], *m["obstacles"], *m["suggestions"]]
    elif kind == ReportKind.MONITORING:
        out += a["title_lines"]
        for r in a["rows"]:
            out += [*r["items"], *r["result"], *r["responsible"]]
    elif kind == ReportKind.CALENDAR:
        out += a["title_lines"]
        for r in a["rows"]:
            out += [r["date"], *r.get("lead", []), *r["activities"], *r["responsible"], r["note"]]
    elif kind == ReportKind.QUARTERLY:
        out += [a["title"], a["agency"]]
        for r in a["rows"]:
            out += [*r["activity"], *r["objective"], r["period"], *r["steps"], r["budget"], r["result"], *r["summary"]]
            out += [*r["problems"], *[text for t in r["targets"] for text in t["texts"]]]
    if "head" in a:
        out += [a["head"]["name"], a["head"]["position"]]
    return out


def _found(field: str, lines: list[str], whole: str) -> bool:
    """``field`` (whitespace removed) is in the text, or — a table row split across pages — it is
    a run of lines followed, after the next page's repeated header, by a run of lines."""
    if field in whole:
        return True
    for start, first in enumerate(lines):
        # The first line may begin with a neighbouring cell on the same baseline (the row number).
        head = next((first[k:] for k in range(len(first)) if field.startswith(first[k:])), "")
        if not head:
            continue
        covered, end = head, start + 1
        while end < len(lines) and lines[end] and field.startswith(covered + lines[end]):
            covered += lines[end]
            end += 1
        rest = field[len(covered) :]
        for later in range(end, len(lines)):
            if "".join(lines[later : later + 40]).startswith(rest):
                return True
    return False


def _assert_fields_in(text: str, fields: list[str], how: str) -> None:
    lines = [_squash(line) for line in text.splitlines()]
    whole = "".join(lines)
    missing = [f for f in fields if f and not _found(_squash(f), lines, whole)]
    assert not missing, f"{how}: {len(missing)} field(s) not extracted exactly, e.g. {missing[:3]}"


@pytest.mark.parametrize("thai", [True, False], ids=["thai-digits", "arabic-digits"])
@pytest.mark.parametrize("kind", ReportKind.values)
def test_every_printed_field_extracts_exactly(world, kind, thai):
    source, pdf = _render(world, kind, thai=thai)
    fields = _memo_fields(source) + _attachment_fields(kind, source["attachment"])
    assert len([f for f in fields if f]) >= 20, "the check must cover the document's fields"
    # The digits chosen reach the fields themselves (so the check really covers both sets).
    # URLs, e-mails, file names and codes keep their characters in either setting.
    digits = VERBATIM_RE.sub("", "".join(fields))
    assert re.search("[๐-๙]" if thai else "[0-9]", digits)
    assert not re.search("[0-9]" if thai else "[๐-๙]", digits)

    plain = pdftotext_text(pdf)
    raw = _run(["pdftotext", "-enc", "UTF-8", "-raw"], pdf).decode("utf-8")
    engines = {"pdftotext": plain, "PDFium": pdfium_text(pdf), "pdf.js": pdfjs_texts(pdf)[0], "pypdf": pypdf_text(pdf)}

    # Memo prose: line by line, each extracted line the next piece of the typed paragraph.
    prose_engines = {**engines, "pdftotext": _without_page_numbers(plain, thai)}
    for paragraph in _memo_prose(source):
        assert _squash(paragraph) in _squash(engines["PDFium"]), f"PDFium: {paragraph[:40]!r}"
        for name, extracted in prose_engines.items():
            if name == "PDFium":
                continue
            lines = _lines_for(extracted, paragraph)
            assert lines, f"{name}: paragraph not found from its start: {paragraph[:40]!r}"
            assert equal_modulo_wraps(lines, paragraph), first_difference(lines, paragraph)

    # Every field, in content-stream order (cells whole), and through the glyph map alone.
    (url,) = re.findall(r"https://\S+", source["memo"]["endorsement"]["note"])
    for name, extracted in {**engines, "pdftotext": raw}.items():
        _assert_fields_in(extracted, fields, name)
        assert url in _squash(extracted), f"{name}: the URL is not intact"


def test_the_check_fails_on_a_broken_cluster(world):
    """The comparison is strict: one wrong mark (กลุ่ม → กล่่ม, as stock WeasyPrint extracts it) fails it."""
    source, pdf = _render(world, ReportKind.MEASURES_PLAN, thai=True)
    text = pdftotext_text(pdf)
    responsible = source["attachment"]["issues"][0]["rows"][0]["responsible"][0]
    assert responsible.startswith("กลุ่ม")
    assert _squash(responsible) in _squash(text)
    broken = text.replace("กลุ่ม", "กล่่ม")
    with pytest.raises(AssertionError):
        _assert_fields_in(broken, [responsible], "broken")
    paragraph = source["memo"]["paragraphs"][0]
    lines = _lines_for(text, paragraph)
    assert equal_modulo_wraps(lines, paragraph)
    assert not equal_modulo_wraps(lines.replace("ประเมิน", "ประเมืน", 1), paragraph)
