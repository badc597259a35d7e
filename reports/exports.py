"""Editable copies: a Word (DOCX) file of any draft, and Excel files of the measures plan and calendar.

Both are made from what the PDF prints, never re-gathered differently: the memo from the source
data's ``memo`` part, the attachment from the very HTML the PDF is rendered from (its paragraphs
and tables walked in order), so fields, table cells and Thai digits are the PDF's. Sarabun 16 pt,
as the PDF. A DOCX is for editing before signing; the signed copy is only ever the frozen PDF.
"""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from lxml import html as lxml_html

from reports.documents import build_source, kind_for
from reports.documents.common import Fmt

FONT = "Sarabun"
SIZE = Pt(16)


def attachment_html(source: dict) -> str:
    """The attachment part of the document's HTML (what the PDF prints after the memo)."""
    module = kind_for(source["kind"])
    return render_to_string(module.template, {"a": source["attachment"], "src": source})


def _blocks(fragment: str) -> list[tuple]:
    """The attachment as ("p", text, css classes) and ("table", rows) blocks, in order; a row is a
    list of (texts of the cell, colspan, is_header). The CSS-added parentheses around printed
    signature names are written out."""
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    out: list[tuple] = []

    def text_of(el) -> str:
        return " ".join(el.text_content().split())

    def walk(el) -> None:
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            classes = set((child.get("class") or "").split())
            if tag == "table":
                rows = []
                for tr in child.iter("tr"):
                    cells = []
                    for cell in tr:
                        if cell.tag not in ("td", "th"):
                            continue
                        parts = [text_of(p) for p in cell if isinstance(p.tag, str) and p.tag in ("p", "div")]
                        parts = [p for p in parts if p] or [text_of(cell)]
                        cells.append((parts, int(cell.get("colspan", "1")), cell.tag == "th"))
                    rows.append(cells)
                out.append(("table", rows))
            elif tag in ("p", "h1", "h2", "h3"):
                text = text_of(child)
                if text:
                    if "name" in classes and "signature" in (el.get("class") or ""):
                        text = f"({text})"
                    out.append(("p", text, classes | set((el.get("class") or "").split())))
            elif tag in ("div", "section"):
                walk(child)

    walk(root)
    return out


def _set_fonts(document: Document) -> None:
    """Sarabun 16 pt for Latin and Thai (complex-script) text alike."""
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = SIZE
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    size_cs = rpr.find(qn("w:szCs"))
    if size_cs is None:
        size_cs = rpr.makeelement(qn("w:szCs"), {})
        rpr.append(size_cs)
    size_cs.set(qn("w:val"), str(int(SIZE.pt * 2)))
    style.paragraph_format.space_after = Pt(0)


def _para(document_or_cell, text: str, *, bold=False, size=None, align=None, indent=None, left=None):
    p = document_or_cell.add_paragraph()
    run = p.add_run(text)
    run.bold = bold
    if size:
        run.font.size = size
        run.element.get_or_add_rPr().get_or_add_sz()
    if align is not None:
        p.alignment = align
    if indent is not None:
        p.paragraph_format.first_line_indent = indent
    if left is not None:
        p.paragraph_format.left_indent = left
    return p


def _memo(document: Document, memo: dict) -> None:
    _para(document, "บันทึกข้อความ", bold=True, size=Pt(29), align=WD_ALIGN_PARAGRAPH.CENTER)
    for label, value in (("ส่วนราชการ", memo["department"]), ("ที่", memo["number"]), ("วันที่", memo["date"])):
        p = document.add_paragraph()
        p.add_run(label + " ").bold = True
        p.add_run(value)
    p = document.add_paragraph()
    p.add_run("เรื่อง ").bold = True
    p.add_run(memo["subject"])
    p = document.add_paragraph()
    p.add_run("เรียน ").bold = True
    p.add_run(memo["addressee"])
    for text in memo["paragraphs"] + memo["proposals"]:
        _para(document, text, indent=Cm(2.5), align=WD_ALIGN_PARAGRAPH.THAI_JUSTIFY)
    if memo["closing"]:
        _para(document, memo["closing"], indent=Cm(2.5))
    document.add_paragraph()
    name = f"({memo['signer_name']})" if memo["signer_name"] else "(.......................................................)"
    for text in (name, memo["signer_position"]):
        _para(document, text, align=WD_ALIGN_PARAGRAPH.CENTER, left=Cm(8))
    for review in memo.get("reviews") or []:
        document.add_paragraph()
        for line in review["lines"]:
            _para(document, line, indent=Cm(1))
        for text in (f"({review['name']})", review["position"], review["date"]):
            if text:
                _para(document, text, align=WD_ALIGN_PARAGRAPH.CENTER)


def _table(document_or_cell, rows: list) -> None:
    width = max((sum(span for _parts, span, _h in row) for row in rows), default=0)
    if not width:
        return
    table = document_or_cell.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        c = 0
        for parts, span, header in row:
            cell = table.cell(r, c)
            if span > 1:
                cell = cell.merge(table.cell(r, c + span - 1))
            cell.paragraphs[0].text = ""
            for i, text in enumerate(parts):
                p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
                run = p.add_run(text)
                run.bold = header
                if header:
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            c += span


def report_docx(report) -> bytes:
    """The DOCX of a report as it is now: memo, then (on a new, landscape if need be, section) the attachment."""
    source = build_source(report)
    document = Document()
    _set_fonts(document)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin, section.top_margin, section.bottom_margin = Cm(3), Cm(2), Cm(2.5), Cm(2)
    _memo(document, source["memo"])
    parts = source.get("parts") or {}
    _seed_front(document, parts)
    attachment = document.add_section()
    if source.get("landscape"):
        attachment.orientation = WD_ORIENT.LANDSCAPE
        attachment.page_width, attachment.page_height = Cm(29.7), Cm(21)
        attachment.left_margin, attachment.right_margin = Cm(1.5), Cm(1.5)
    for block in _blocks(attachment_html(source)):
        if block[0] == "table":
            _table(document, block[1])
        else:
            _kind, text, classes = block
            title = bool(classes & {"att-title", "att-subtitle"})
            right = bool(classes & {"head-signature", "signature"})
            align = WD_ALIGN_PARAGRAPH.CENTER if title or right else None
            _para(document, text, bold=title or "att-heading" in classes, align=align, left=Cm(12) if right else None)
    if certification := parts.get("certification"):
        document.add_paragraph()
        for text in ("สำเนาถูกต้อง", f"({certification['name']})", certification["position"]):
            if text:
                _para(document, text, align=WD_ALIGN_PARAGRAPH.CENTER, bold=text == "สำเนาถูกต้อง")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _seed_front(document: Document, parts: dict) -> None:
    """The seeds' parts around the memo (``reports.documents.seed_parts``): the distribution list
    under the signatures, then the cover page and บทสรุป, each on a page of its own."""
    for name in parts.get("distribution") or []:
        _para(document, f"- {name}", left=Cm(6))
    if cover := parts.get("cover"):
        document.add_section()
        for line in [*cover["title_lines"], f"ประจำปีงบประมาณ พ.ศ. {cover['year']}", "", *cover["lines"]]:
            _para(document, line, bold=True, size=Pt(20), align=WD_ALIGN_PARAGRAPH.CENTER)
    if summary := parts.get("summary"):
        document.add_section()
        _para(document, "บทสรุป", bold=True, size=Pt(18), align=WD_ALIGN_PARAGRAPH.CENTER)
        for text in summary:
            _para(document, text, indent=Cm(2.5))


# ----------------------------------------------------------------------------------------- Excel


def plan_xlsx(*, agency, year: int, kind: str) -> bytes:
    """Excel of the agency's measures plan or follow-up calendar of ``year`` as it is now, with the
    attachment's headings and table rows (cells as printed, Thai digits as the agency prints them)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from reports.models import Report

    module = kind_for(kind)
    defaults = module.defaults(agency=agency, year=year, division_name="")
    draft = Report(
        agency=agency, fiscal_year=year, kind=kind, title=defaults["title"], intro="", use_thai_digits=agency.use_thai_digits
    )
    source = {"kind": kind, "attachment": module.gather(draft, Fmt(thai_digits=agency.use_thai_digits))}
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "มาตรการ" if kind == "measures_plan" else "ปฏิทินการกำกับติดตาม"
    font, bold = Font(name=FONT, size=14), Font(name=FONT, size=14, bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    row_no = 1
    widest = 1
    for block in _blocks(attachment_html(source)):
        if block[0] == "p":
            cell = sheet.cell(row=row_no, column=1, value=block[1])
            cell.font = bold if block[2] & {"att-title", "att-subtitle", "att-heading", "att-label"} else font
            row_no += 1
            continue
        for row in block[1]:
            col = 1
            for parts, span, header in row:
                cell = sheet.cell(row=row_no, column=col, value="\n".join(parts))
                cell.font, cell.alignment = (bold if header else font), wrap
                if span > 1:
                    sheet.merge_cells(start_row=row_no, start_column=col, end_row=row_no, end_column=col + span - 1)
                col += span
            widest = max(widest, col - 1)
            row_no += 1
        row_no += 1
    for col in range(1, widest + 1):
        sheet.column_dimensions[sheet.cell(row=1, column=col).column_letter].width = 32
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
