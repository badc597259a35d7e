"""What the seed documents print beyond the memo and the attachment's table (issue 11).

Each part is a :class:`~reports.models.Report` field of the kinds whose ``DocumentKind`` lists it
(``kind.report_seed_fields()``): seed 001's cover page, บทสรุป and grade legend; seed 000's
distribution list; seed 004's label above the head's signature; the attachments' "สำเนาถูกต้อง"
block. :func:`seed_parts` gives them to the templates as ``src.parts``, already formatted.
"""

from __future__ import annotations

from decimal import Decimal

from indicators.grading import GRADE_BANDS
from reports.documents.common import Fmt, emblem_url, lines, paragraphs
from reports.models import Report

#: The NACC's pass mark when the framework of the year does not say (ita_reference.md §1).
DEFAULT_PASS_MARK = Decimal("85")


def seed_parts(report: Report, fmt: Fmt, fields: tuple[str, ...]) -> dict:
    """The seed parts ``report`` prints: only those of ``fields`` (its kind's), and only when set."""
    fields_set = set(fields)
    agency = report.agency
    out: dict = {}
    if "cover_page" in fields_set and report.cover_page:
        title = report.title.strip() or agency.name
        out["cover"] = {
            "emblem_url": emblem_url(report),
            "title_lines": [fmt.d(x) for x in lines(title)],
            "year": fmt.d(report.fiscal_year),
            "lines": [fmt.d(x) for x in lines(report.cover_lines)] or [agency.name],
        }
    if "summary" in fields_set and report.summary.strip():
        out["summary"] = [fmt.d(p) for p in paragraphs(report.summary)]
    if "distribution" in fields_set:
        names = [fmt.d(x.lstrip("-–• ").strip()) for x in lines(report.distribution)]
        if names := [n for n in names if n]:
            out["distribution"] = names
    if "head_signature_label" in fields_set and report.head_signature_label.strip():
        out["head_label"] = fmt.d(report.head_signature_label.strip())
    if "certified_by_name" in fields_set and report.certified_by_name.strip():
        out["certification"] = {
            "name": fmt.d(report.certified_by_name.strip()),
            "position": fmt.d(report.certified_by_position.strip()),
        }
    return out


def grade_legend(fmt: Fmt, pass_mark: Decimal | None) -> dict:
    """Seed 001's "ระดับคะแนนและการแปลผลการประเมิน": each band's range, its grade, and whether it
    passes (``indicators.grading.GRADE_BANDS``; the pass mark of the framework, else 85)."""
    mark = Decimal(pass_mark) if pass_mark is not None else DEFAULT_PASS_MARK
    rows, upper = [], Decimal("100")
    for lower, grade in GRADE_BANDS:
        rows.append(
            {
                "range": f"{fmt.score(lower)} – {fmt.score(upper)}",
                "grade": str(grade),
                "result": "ผ่าน" if lower >= mark else "ไม่ผ่าน",
            }
        )
        upper = lower - Decimal("0.01")
    passing = [r["grade"] for r in rows if r["result"] == "ผ่าน"]
    return {
        "rows": rows,
        "pass_mark": fmt.d(f"{mark.normalize():f}"),
        "passing": " และ ".join(passing),
    }
