"""The report kinds' registry (``reports.documents``): every kind has one class, its template
exists, and the registry refuses a class that would shadow a kind or serve an unknown one."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import get_template

from reports.documents import REGISTRY, DocumentKind, kind_for
from reports.documents.kind import MemoTexts, register
from reports.models import ReportKind


def test_every_report_kind_has_one_document_class_with_its_template():
    assert set(REGISTRY) == set(ReportKind.values)
    for kind in ReportKind.values:
        document = kind_for(kind)
        assert isinstance(document, DocumentKind)
        assert document.kind == kind
        get_template(document.template)  # raises TemplateDoesNotExist
        assert isinstance(document.landscape, bool)
        assert document.default_oit_key


def test_only_the_quarterly_report_needs_a_quarter():
    assert {kind for kind, document in REGISTRY.items() if document.needs_quarter} == {ReportKind.QUARTERLY}


class _Draft(DocumentKind):
    template = "reports/pdf/attachments/calendar.html"
    landscape = False
    default_oit_key = "integrity-measures"

    def memo_texts(self, *, agency, year, quarter):
        return MemoTexts(subject="", background="", work="", proposals=(), title="")

    def gather(self, report, fmt):
        return {}


def test_register_refuses_a_second_class_for_a_kind_and_an_unknown_kind(monkeypatch):
    monkeypatch.setattr(_Draft, "kind", ReportKind.CALENDAR, raising=False)
    with pytest.raises(ImproperlyConfigured, match="two document classes"):
        register(_Draft)
    monkeypatch.setattr(_Draft, "kind", "minutes", raising=False)
    with pytest.raises(ImproperlyConfigured, match="not a ReportKind"):
        register(_Draft)
    assert type(kind_for(ReportKind.CALENDAR)).__name__ == "Calendar"
    assert "minutes" not in REGISTRY
