"""Typed scores and the computed fields of an assessment (overall, instruments, grade, pass)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from indicators import grading
from indicators.models import Assessment, AssessmentSource, Framework, IndicatorScore, ItemResult
from ita_portal.agencies.models import Agency

# --- computed fields ----------------------------------------------------------------------------


def _apply_summary(assessment: Assessment, summary: grading.ScoreSummary) -> None:
    assessment.overall_score = summary.overall
    assessment.iit_score = summary.instruments.get("IIT")
    assessment.eit_score = summary.instruments.get("EIT")
    assessment.oit_score = summary.instruments.get("OIT")
    assessment.grade = summary.grade
    assessment.passed = summary.passed


COMPUTED_FIELDS = ["overall_score", "iit_score", "eit_score", "oit_score", "grade", "passed"]


@transaction.atomic
def assessment_recompute(*, assessment: Assessment) -> Assessment:
    """Store the overall and instrument scores, grade and pass computed from the indicator scores.

    These fields are never typed by users; every service that changes a score calls this.
    """
    framework = assessment.framework
    indicators = grading.weighted_indicators(framework.indicators.all())
    scores = dict(IndicatorScore.objects.filter(assessment=assessment).values_list("indicator_id", "score"))
    summary = grading.overall_score(
        indicators=indicators,
        scores=scores,
        instrument_weights=grading.framework_instrument_weights(framework),
        pass_mark=framework.pass_mark,
    )
    _apply_summary(assessment, summary)
    assessment.save(update_fields=[*COMPUTED_FIELDS, "updated_at"])
    return assessment


# --- typed entry --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemInput:
    passed: bool | None
    remark: str = ""
    url: str = ""

    @property
    def is_empty(self) -> bool:
        return self.passed is None and not self.remark and not self.url


@transaction.atomic
def assessment_save_scores(
    *,
    agency: Agency,
    framework: Framework,
    scores: Mapping[int, Decimal | None],
    items: Mapping[int, ItemInput] | None = None,
    rating_text: str = "",
    note: str = "",
    user=None,
) -> Assessment:
    """Save an agency's typed scores of one framework and recompute its overall score and grade.

    ``scores`` maps indicator ids to a score (0–100) or None to clear it; ``items`` maps item ids to
    pass/fail, remark and URL (an empty input clears the item). Ids must belong to the framework.
    """
    items = items or {}
    indicator_ids = set(framework.indicators.values_list("pk", flat=True))
    item_ids = set(framework.items.values_list("pk", flat=True))
    if set(scores) - indicator_ids:
        raise ValidationError(_("ตัวชี้วัดไม่อยู่ในกรอบการประเมินของปีนี้"))
    if set(items) - item_ids:
        raise ValidationError(_("ข้อการประเมินไม่อยู่ในกรอบการประเมินของปีนี้"))
    for value in scores.values():
        if value is not None and not (Decimal("0") <= value <= Decimal("100")):
            raise ValidationError(_("คะแนนต้องอยู่ระหว่าง 0 ถึง 100"))
    assessment, _created = Assessment.objects.get_or_create(agency=agency, framework=framework)
    assessment.rating_text = rating_text
    assessment.note = note
    assessment.source = AssessmentSource.ENTERED
    assessment.updated_by = user
    assessment.save(update_fields=["rating_text", "note", "source", "updated_by", "updated_at"])

    keep_scores = {k: v for k, v in scores.items() if v is not None}
    IndicatorScore.objects.filter(assessment=assessment, indicator_id__in=[k for k, v in scores.items() if v is None]).delete()
    IndicatorScore.objects.bulk_create(
        [IndicatorScore(assessment=assessment, indicator_id=k, score=v) for k, v in keep_scores.items()],
        update_conflicts=True,
        unique_fields=["assessment", "indicator"],
        update_fields=["score"],
    )
    ItemResult.objects.filter(assessment=assessment, item_id__in=[k for k, v in items.items() if v.is_empty]).delete()
    ItemResult.objects.bulk_create(
        [
            ItemResult(assessment=assessment, item_id=k, passed=v.passed, remark=v.remark, url=v.url)
            for k, v in items.items()
            if not v.is_empty
        ],
        update_conflicts=True,
        unique_fields=["assessment", "item"],
        update_fields=["passed", "remark", "url"],
    )
    return assessment_recompute(assessment=assessment)
