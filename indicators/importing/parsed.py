"""What checking a score file gives back: the values to write, per agency and framework, and the
row errors (in Thai, numbered by the file's line)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.importing.values import MAX_STORED_ERRORS
from indicators.models import Framework


@dataclass(frozen=True)
class RowError:
    row: int  # as numbered in the spreadsheet: the header is row 1
    message: str

    def __str__(self) -> str:
        return _("แถวที่ %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass(slots=True)
class ItemValue:
    passed: bool | None
    url: str
    remark: str
    row: int


@dataclass
class ParsedScores:
    """A checked file: values keyed by (agency id, framework id, indicator/item id), and errors."""

    layout: str = ""
    encoding: str = ""
    row_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    frameworks: dict[int, Framework] = field(default_factory=dict)
    indicator_scores: dict[tuple[int, int, int], tuple[Decimal, int]] = field(default_factory=dict)
    item_results: dict[tuple[int, int, int], ItemValue] = field(default_factory=dict)
    agencies: dict[int, str] = field(default_factory=dict)  # id → name, for the preview
    has_url: bool = False
    has_remark: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0 and self.row_count > 0

    def add_error(self, row: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(RowError(row, message))

    def summary(self) -> dict:
        return {
            "agencies": len(self.agencies),
            "indicator_scores": len(self.indicator_scores),
            "item_results": len(self.item_results),
            "years": sorted({f.fiscal_year for f in self.frameworks.values()}),
            "agency_names": sorted(self.agencies.values())[:50],
        }
