"""What a report kind is: one :class:`DocumentKind` subclass per kind, registered by
:func:`register` in :data:`REGISTRY` and found with :func:`kind_for` (see the package docstring
for the steps to add a kind)."""

from __future__ import annotations

import abc
import dataclasses
from collections.abc import Sequence
from typing import ClassVar

from django.core.exceptions import ImproperlyConfigured

from ita_portal import thai
from reports.documents.common import Fmt
from reports.models import Report, ReportKind

__all__ = ["COMMON_SEED_FIELDS", "REGISTRY", "SEED_FIELDS", "DocumentKind", "MemoTexts", "kind_for", "register"]

#: Report fields for what the seeds print beyond the memo and the attachment's table (issue 11).
#: Every kind has the ones in :data:`COMMON_SEED_FIELDS`; a kind adds its own in ``seed_fields``.
SEED_FIELDS = (
    "cover_page",
    "cover_lines",
    "summary",
    "show_grade_legend",
    "plan_layout",
    "results_plan_table",
    "results_period_column",
    "status_columns",
    "distribution",
    "head_signature_label",
    "certified_by_name",
    "certified_by_position",
)
#: Seed 000's distribution list, seed 004's label above the head's signature and the attachments'
#: "สำเนาถูกต้อง" block: every kind.
COMMON_SEED_FIELDS = ("distribution", "head_signature_label", "certified_by_name", "certified_by_position")

#: How every cover memo closes (the seeds' wording).
CLOSING = "จึงเรียนมาเพื่อโปรดพิจารณา"


@dataclasses.dataclass(frozen=True)
class MemoTexts:
    """The kind-specific texts of a new report's memo; :meth:`DocumentKind.defaults` puts them
    in the seeds' shape."""

    subject: str
    background: str  # the first paragraph, "ตามที่ … นั้น"
    work: str  # what the unit did, between "ในการนี้ <unit>" and "จึงเห็นควรดำเนินการ ดังนี้"
    proposals: Sequence[str]  # numbered ๑., ๒., … one a line
    title: str  # the attachment's title
    intro: str = ""  # the attachment's opening paragraph


class DocumentKind(abc.ABC):
    """One kind of report document: its memo defaults, the data its attachment prints, and how
    it is laid out. Subclasses set the class attributes and implement :meth:`memo_texts` and
    :meth:`gather`; :func:`register` makes the kind known to the portal."""

    #: The :class:`reports.models.ReportKind` value this class serves.
    kind: ClassVar[str]
    #: The attachment template, included by ``templates/reports/pdf/memo.html``.
    template: ClassVar[str]
    #: Whether the attachment is printed on landscape pages.
    landscape: ClassVar[bool]
    #: The OIT item a new report of this kind answers by default (editable per report).
    default_oit_key: ClassVar[str]
    #: Whether a report of this kind belongs to one fiscal quarter (1–4), which it must name.
    needs_quarter: ClassVar[bool] = False
    #: The kind's own :data:`SEED_FIELDS` beyond :data:`COMMON_SEED_FIELDS` (cover, legend, …).
    seed_fields: ClassVar[tuple[str, ...]] = ()

    def report_seed_fields(self) -> tuple[str, ...]:
        """The seed fields a report of this kind prints (and its form shows)."""
        return (*self.seed_fields, *COMMON_SEED_FIELDS)

    @abc.abstractmethod
    def memo_texts(self, *, agency, year: int, quarter: int | None) -> MemoTexts:
        """The memo's kind-specific texts for a new report of ``agency`` and fiscal ``year``."""

    @abc.abstractmethod
    def gather(self, report: Report, fmt: Fmt) -> dict:
        """What the attachment prints, read through ``reports.selectors`` and already formatted:
        a JSON-serialisable dict, the only input of :attr:`template`."""

    def defaults(self, *, agency, year: int, division_name: str, quarter: int | None = None) -> dict:
        """Subject, body, proposals, closing, title and intro of a new report, as the seeds
        write them: "ตามที่ …", then "ในการนี้ <the division, else the agency> … จึงเห็นควร
        ดำเนินการ ดังนี้", numbered proposals and the usual closing."""
        texts = self.memo_texts(agency=agency, year=year, quarter=quarter)
        unit = division_name or agency.name
        return {
            "subject": texts.subject,
            "body": f"{texts.background}\n\nในการนี้ {unit} {texts.work} จึงเห็นควรดำเนินการ ดังนี้",
            "proposals": "\n".join(f"{thai.to_thai_digits(n)}. {text}" for n, text in enumerate(texts.proposals, start=1)),
            "closing": CLOSING,
            "title": texts.title,
            "intro": texts.intro,
        }


REGISTRY: dict[str, DocumentKind] = {}


def register(cls: type[DocumentKind]) -> type[DocumentKind]:
    """Class decorator: make ``cls`` the document of its :attr:`~DocumentKind.kind`."""
    if cls.kind not in ReportKind.values:
        raise ImproperlyConfigured(f"{cls.__name__}.kind = {cls.kind!r} is not a ReportKind value")
    if cls.kind in REGISTRY:
        raise ImproperlyConfigured(f"two document classes for report kind {cls.kind!r}")
    REGISTRY[cls.kind] = cls()
    return cls


def kind_for(kind: str) -> DocumentKind:
    """The registered document of report kind ``kind`` (KeyError for an unknown kind)."""
    return REGISTRY[kind]
