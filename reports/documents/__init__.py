"""Report documents: one class per report kind behind a typed registry.

Each kind is a :class:`~reports.documents.kind.DocumentKind` subclass in its own module here,
registered with ``@register``: it names its attachment template, page orientation, default OIT
item and whether it belongs to a quarter, writes its memo's default texts
(:meth:`~reports.documents.kind.DocumentKind.memo_texts`) and gathers the data its attachment
prints (:meth:`~reports.documents.kind.DocumentKind.gather`, read-only, through
``reports.selectors``). Everything else — the report form, the sign-off services, rendering,
the list of kinds a user can start — asks the registry (:func:`kind_for`), never a kind's name.

``build_source(report)`` is the single entry point for printing: the memo plus the kind's
attachment as one JSON-serialisable dict — the ``source_data`` a rendition is made from and
frozen with.

Adding a report kind
--------------------
1. Add its value to :class:`reports.models.ReportKind` (Thai label) and run
   ``python manage.py makemigrations reports`` (the field's choices change).
2. Write ``reports/documents/<kind>.py`` with one ``@register``-ed ``DocumentKind`` subclass
   (``kind``, ``template``, ``landscape``, ``default_oit_key``, ``needs_quarter`` if it is
   quarterly; ``memo_texts`` and ``gather``), and import the module below.
3. Write its attachment template ``templates/reports/pdf/attachments/<kind>.html`` (it gets the
   gathered dict as ``a``; end it with ``_head_signature.html`` where the head signs).
4. Run ``make messages`` for the new label; add the kind to the expectations of
   ``tests/test_reports_pdf.py`` and ``tests/test_reports_text_extraction.py``.

Importing this package fails when a ``ReportKind`` value has no registered class, so a kind
cannot be half added.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from reports.documents import calendar, measures_plan, monitoring, quarterly, results  # noqa: F401 - they register
from reports.documents.common import Fmt, is_signed_off, memo_source
from reports.documents.kind import REGISTRY, DocumentKind, kind_for
from reports.documents.seed_parts import seed_parts
from reports.models import Report, ReportKind

__all__ = ["REGISTRY", "SOURCE_VERSION", "DocumentKind", "build_source", "kind_for"]

if missing := set(ReportKind.values) - set(REGISTRY):
    raise ImproperlyConfigured(f"report kinds without a document class in reports.documents: {sorted(missing)}")

SOURCE_VERSION = 1


def build_source(report: Report) -> dict:
    """Everything the PDF of ``report`` prints, already formatted (digits, BE dates)."""
    fmt = Fmt(thai_digits=report.use_thai_digits)
    # Digits are chosen per part (as the seeds do): a Thai-digit memo may carry Arabic-digit tables.
    attachment_fmt = Fmt(thai_digits=report.attachment_thai_digits)
    document = kind_for(report.kind)
    return {
        "v": SOURCE_VERSION,
        "kind": report.kind,
        "report": {"id": report.pk, "series": str(report.series), "version": report.version, "state": report.state},
        "thai_digits": report.use_thai_digits,
        "attachment_thai_digits": report.attachment_thai_digits,
        # Everything before approval is a draft: its pages carry the "ร่าง" watermark.
        "draft": not is_signed_off(report),
        "landscape": document.landscape,
        "memo": memo_source(report, fmt),
        "attachment": document.gather(report, attachment_fmt),
        "parts": seed_parts(report, fmt, document.report_seed_fields()),
    }
