"""Grades, pass mark, weights and the stored computed fields (indicators/grading.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators.grading import WeightedIndicator, grade_for, indicator_weights, overall_score, passed
from indicators.models import Indicator, IndicatorScore
from indicators.services import assessment_recompute
from tests.factories import AgencyFactory, make_framework
from tests.factories_scores import SEED_001_2565, save_scores


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        ("100", "AA"),
        ("95.00", "AA"),
        ("94.99", "A"),
        ("85.00", "A"),
        ("84.99", "B"),
        ("75", "B"),
        ("74.99", "C"),
        ("65", "C"),
        ("64.99", "D"),
        ("55", "D"),
        ("54.99", "E"),
        ("50", "E"),
        ("49.99", "F"),
        ("0", "F"),
    ],
)
def test_grade_boundaries(score, grade):
    assert grade_for(Decimal(score)) == grade
    assert grade_for(score) == grade


@pytest.mark.parametrize("bad", ["-0.01", "100.01"])
def test_grade_rejects_out_of_range(bad):
    with pytest.raises(ValueError):
        grade_for(bad)


def test_pass_mark_boundary():
    assert passed(Decimal("85.00"), 85) is True
    assert passed(Decimal("84.99"), 85) is False
    assert passed(None, 85) is None
    assert passed(Decimal("80"), Decimal("80")) is True


WEIGHTS = {"IIT": Decimal("30"), "EIT": Decimal("30"), "OIT": Decimal("40")}
TEN = [WeightedIndicator(n, "IIT" if n <= 5 else "EIT" if n <= 8 else "OIT", None) for n in range(1, 11)]


def test_equal_share_weights_within_instrument():
    weights = indicator_weights(TEN, WEIGHTS)
    assert weights[1] == Decimal("6")
    assert weights[6] == Decimal("10")
    assert weights[9] == Decimal("20")
    assert sum(weights.values()) == Decimal("100")


def test_explicit_indicator_weight_takes_its_share_first():
    indicators = [*TEN[:8], WeightedIndicator(9, "OIT", Decimal("30")), WeightedIndicator(10, "OIT", None)]
    weights = indicator_weights(indicators, WEIGHTS)
    assert weights[9] == Decimal("30") and weights[10] == Decimal("10")


def test_seed_001_overall_is_93_17_grade_a():
    scores = {n: Decimal(v) for n, v in SEED_001_2565.items()}
    summary = overall_score(indicators=TEN, scores=scores, instrument_weights=WEIGHTS, pass_mark=Decimal("85"))
    # Seed 001 reports 93.17 (A) for the agency: IIT 91.63, EIT 94.74, OIT 93.14 weighted 30/30/40.
    assert summary.instruments == {"IIT": Decimal("91.63"), "EIT": Decimal("94.74"), "OIT": Decimal("93.14")}
    assert summary.overall == Decimal("93.17")
    assert summary.grade == "A" and summary.passed is True


def test_weights_change_the_overall():
    scores = {n: Decimal("100") if n <= 8 else Decimal("50") for n in range(1, 11)}
    default = overall_score(indicators=TEN, scores=scores, instrument_weights=WEIGHTS, pass_mark=Decimal("85"))
    heavy_oit = overall_score(
        indicators=TEN, scores=scores, instrument_weights={"IIT": 10, "EIT": 10, "OIT": 80}, pass_mark=Decimal("85")
    )
    assert default.overall == Decimal("80.00") and default.grade == "B"
    assert heavy_oit.overall == Decimal("60.00") and heavy_oit.grade == "D"


def test_incomplete_scores_give_no_grade():
    summary = overall_score(indicators=TEN, scores={1: Decimal("90")}, instrument_weights=WEIGHTS, pass_mark=Decimal("85"))
    assert summary.overall is None and summary.grade == "" and summary.passed is None
    assert summary.instruments["IIT"] is None


@pytest.mark.django_db
def test_recompute_stores_computed_fields_from_framework_weights():
    framework = make_framework(2565)
    agency = AgencyFactory()
    assessment = save_scores(agency, framework, SEED_001_2565)
    assessment.refresh_from_db()
    assert (assessment.overall_score, assessment.grade, assessment.passed) == (Decimal("93.17"), "A", True)
    assert assessment.oit_score == Decimal("93.14")
    # The year's weights are data: change them and recompute.
    framework.iit_weight, framework.eit_weight, framework.oit_weight = Decimal("0"), Decimal("0"), Decimal("100")
    framework.save()
    Indicator.objects.filter(framework=framework, number=9).update(weight=Decimal("80"))
    IndicatorScore.objects.filter(assessment=assessment, indicator__number=9).update(score=Decimal("84.99"))
    assessment_recompute(assessment=assessment)
    assessment.refresh_from_db()
    # OIT only: 84.99 × 80 + 100 × 20 over 100 = 87.99.
    assert assessment.overall_score == Decimal("87.99") and assessment.grade == "A"
