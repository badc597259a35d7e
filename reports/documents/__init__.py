"""One module per report kind; each gathers the data its document prints (read-only, through
``reports.selectors``) and names its attachment template and page orientation.

``build_source(report)`` is the single entry point: the memo plus the kind's attachment as one
JSON-serialisable dict — the ``source_data`` a rendition is made from and frozen with.
"""

from __future__ import annotations

from types import ModuleType

from reports.documents import calendar, measures_plan, monitoring, quarterly, results
from reports.documents.common import Fmt, memo_source
from reports.models import Report, ReportKind

KINDS: dict[str, ModuleType] = {
    ReportKind.MEASURES_PLAN: measures_plan,
    ReportKind.RESULTS: results,
    ReportKind.MONITORING: monitoring,
    ReportKind.CALENDAR: calendar,
    ReportKind.QUARTERLY: quarterly,
}

SOURCE_VERSION = 1


def module_for(kind: str) -> ModuleType:
    return KINDS[kind]


def build_source(report: Report) -> dict:
    """Everything the PDF of ``report`` prints, already formatted (digits, BE dates)."""
    fmt = Fmt(thai_digits=report.use_thai_digits)
    module = module_for(report.kind)
    return {
        "v": SOURCE_VERSION,
        "kind": report.kind,
        "report": {"id": report.pk, "series": str(report.series), "version": report.version, "state": report.state},
        "thai_digits": report.use_thai_digits,
        "landscape": module.LANDSCAPE,
        "memo": memo_source(report, fmt),
        "attachment": module.gather(report, fmt),
    }
