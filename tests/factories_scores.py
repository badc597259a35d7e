"""Helpers for the score tests: assessments built through the real services, seed 001's numbers."""

from __future__ import annotations

from decimal import Decimal

from indicators.models import Assessment, Framework
from indicators.services import ItemInput, assessment_save_scores
from ita_portal.agencies.models import Agency

# Seed 001: สพป.สมุทรสาคร, ITA 2565, indicator number → score (ranked table of the seed).
SEED_001_2565 = {
    10: "100",
    6: "96.04",
    1: "95.67",
    7: "94.40",
    3: "93.91",
    8: "93.79",
    4: "90.22",
    5: "89.66",
    2: "88.69",
    9: "86.28",
}


def save_scores(agency: Agency, framework: Framework, scores: dict, items: dict | None = None, user=None) -> Assessment:
    """Scores by indicator number and item results by code (True/False) through ``assessment_save_scores``."""
    indicators = {i.number: i.pk for i in framework.indicators.all()}
    codes = {i.code: i.pk for i in framework.items.all()}
    return assessment_save_scores(
        agency=agency,
        framework=framework,
        scores={indicators[n]: Decimal(str(v)) for n, v in scores.items()},
        items={codes[c]: ItemInput(passed=v) for c, v in (items or {}).items()},
        user=user,
    )
