"""Database constraints hold even when code forgets to validate, and model validation speaks Thai."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from indicators.models import Assessment, IndicatorScore
from ita_portal.agencies.models import Division
from measures.models import FollowUp, Measure, ProgressUpdate
from reports.models import Report
from tests.factories import AgencyFactory, MeasureFactory, make_framework


@pytest.fixture
def assessment(db):
    framework = make_framework(2566)
    return Assessment.objects.create(agency=AgencyFactory(), framework=framework)


@pytest.mark.parametrize("bad", [Decimal("-0.01"), Decimal("100.01")])
def test_indicator_score_range_in_database(assessment, bad):
    indicator = assessment.framework.indicators.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorScore.objects.create(assessment=assessment, indicator=indicator, score=bad)


def test_indicator_score_validation_message_is_thai(assessment):
    score = IndicatorScore(assessment=assessment, indicator=assessment.framework.indicators.first(), score=Decimal("101"))
    with pytest.raises(ValidationError) as exc:
        score.full_clean()
    assert "คะแนนต้องไม่เกิน 100" in str(exc.value)


def test_overall_score_range(assessment):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=assessment.pk).update(overall_score=Decimal("120"))


def test_reversed_measure_period_rejected_with_thai_message(db):
    measure = MeasureFactory.build(agency=AgencyFactory(), start_date=dt.date(2024, 7, 1), end_date=dt.date(2024, 6, 1))
    with pytest.raises(ValidationError) as exc:
        measure.full_clean()
    assert "วันสิ้นสุดต้องไม่ก่อนวันเริ่มต้น" in str(exc.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        measure.save()


def test_negative_budget_rejected(db):
    measure = MeasureFactory.build(agency=AgencyFactory(), budget_planned=Decimal("-1"))
    with pytest.raises(ValidationError) as exc:
        measure.full_clean()
    assert "ติดลบ" in str(exc.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        measure.save()


def test_progress_budget_and_percent(db):
    measure = MeasureFactory(agency=AgencyFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdate.objects.create(measure=measure, reported_on=dt.date(2024, 6, 1), status="done", budget_spent=Decimal("-5"))
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdate.objects.create(measure=measure, reported_on=dt.date(2024, 6, 1), status="done", percent_complete=150)


def test_followup_end_before_start(db):
    agency = AgencyFactory()
    start = dt.datetime(2024, 5, 30, 9, 0, tzinfo=dt.UTC)
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.create(agency=agency, fiscal_year=2567, number=1, starts_at=start, ends_at=start - dt.timedelta(hours=1))


def test_fiscal_year_must_be_buddhist_era(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Measure.objects.create(agency=AgencyFactory(), fiscal_year=2024, title="x")


def test_unique_keys(db, assessment):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(agency=assessment.agency, framework=assessment.framework)
    agency = AgencyFactory()
    Division.objects.create(agency=agency, name="กลุ่มอำนวยการ")
    with pytest.raises(IntegrityError), transaction.atomic():
        Division.objects.create(agency=agency, name="กลุ่มอำนวยการ")


def test_document_number_unique_per_agency_year(db):
    agency = AgencyFactory()
    common = {"agency": agency, "fiscal_year": 2567, "kind": "measures_plan", "subject": "s", "addressee": "a", "body": "b"}
    Report.objects.create(doc_number=12, **common)
    Report.objects.create(doc_number=None, **common)
    Report.objects.create(doc_number=None, **common)  # drafts have no number yet
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(doc_number=12, **common)
    Report.objects.create(doc_number=12, **{**common, "fiscal_year": 2568})
