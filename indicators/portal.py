"""What the scores app adds to the shared shell (``ita_portal.agencies``), from ``AppConfig.ready()``:
its navigation entry, the catalogue's years for the year switcher and the score box of the home
and agency pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from indicators.models import Assessment, Framework
from ita_portal.agencies import dashboard, navigation, selectors


def framework_years() -> list[int]:
    """Fiscal years that have an assessment framework in the catalogue (one query)."""
    return list(Framework.objects.order_by().values_list("fiscal_year", flat=True).distinct())


def score_facts(user, agency_ids: list[int], year: int) -> dict[int, dict]:
    """Per agency: the year's assessments (one per assessor) and, when the year has none, the
    latest earlier one. One query."""
    facts: dict[int, dict] = {pk: {"assessments": [], "earlier": None} for pk in agency_ids}
    rows = selectors.scope_queryset(
        Assessment.objects.filter(agency_id__in=agency_ids, framework__fiscal_year__lte=year)
        .select_related("framework__assessor")
        .order_by("-framework__fiscal_year", "framework__assessor__name"),
        user,
    )
    for assessment in rows:
        fact = facts[assessment.agency_id]
        if assessment.framework.fiscal_year == year:
            fact["assessments"].append(assessment)
        elif fact["earlier"] is None:
            fact["earlier"] = assessment
    return facts


def register() -> None:
    navigation.section_register(navigation.Section(_("ผลคะแนน ITA"), "bi-bar-chart-line", ("indicators:dashboard",), order=10))
    navigation.year_source_register(framework_years)
    dashboard.card_register(dashboard.Card(order=10, template="indicators/_summary_card.html", facts=score_facts))
