"""What the scores app adds to the shared shell (``ita_portal.agencies``), from ``AppConfig.ready()``:
its navigation entry, the catalogue's years for the year switcher and the score box of the home
and agency pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from indicators.models import Assessment, Framework
from ita_portal.agencies import dashboard, navigation, selectors
from ita_portal.cache import bump_generation, remember

CATALOGUE = "catalogue"


def framework_years() -> list[int]:
    """Fiscal years that have an assessment framework in the catalogue: read on every page (the
    year switcher), so cached under the catalogue's generation, which every change of a framework,
    indicator, item or assessor bumps (``catalogue_changed``)."""
    return remember(
        CATALOGUE, "years", lambda: sorted(Framework.objects.order_by().values_list("fiscal_year", flat=True).distinct())
    )


def catalogue_changed(**_kwargs) -> None:
    """Signal receiver (saves and deletes of the catalogue's models): cached catalogue data is stale."""
    bump_generation(CATALOGUE)


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
    from django.db.models.signals import post_delete, post_save

    from indicators.models import Assessor, Indicator, Item

    for model in (Framework, Indicator, Item, Assessor):
        post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-save-{model.__name__}")
        post_delete.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-delete-{model.__name__}")
    navigation.section_register(navigation.Section(_("ผลคะแนน ITA"), "bi-bar-chart-line", ("indicators:dashboard",), order=10))
    navigation.year_source_register(framework_years)
    dashboard.card_register(dashboard.Card(order=10, template="indicators/_summary_card.html", facts=score_facts))
