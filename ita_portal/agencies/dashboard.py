"""A year at a glance for the home and agency pages: read-only summaries, always scoped.

The agencies app sits below indicators, measures and reports, so it never names them: each app
above adds its boxes (``card_register``) and the models whose rows tell which year an agency works
in (``activity_register``) from its ``AppConfig.ready()``. A card's ``facts`` function reads
through ``ita_portal.agencies.selectors`` for all the agencies at once, so the summaries for any
number of agencies cost a fixed number of queries (one per kind of fact), never one per agency.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Model, Q

from ita_portal.agencies import selectors
from ita_portal.agencies.models import Agency, Membership


@dataclass(frozen=True)
class Card:
    """One box of the year summary.

    ``facts(user, agency_ids, year)`` returns what the box shows for each of ``agency_ids`` (a
    fixed number of queries); ``template`` renders one agency's facts (as ``facts``, beside
    ``summary``). ``order`` places the box.
    """

    order: int
    template: str
    facts: Callable[[Any, list[int], int], dict[int, Any]]


@dataclass(frozen=True)
class CardFacts:
    template: str
    facts: Any


CARDS: list[Card] = []
# Models with ``agency`` and ``fiscal_year`` whose rows mean people work in that year.
ACTIVITY_MODELS: list[type[Model]] = []


def card_register(card: Card) -> None:
    """Add an app's box to the year summary (idempotent), kept in ``order``."""
    if card not in CARDS:
        CARDS.append(card)
        CARDS.sort(key=lambda c: c.order)


def activity_register(*models: type[Model]) -> None:
    """Name models whose rows for a year make it the year an agency works in (``working_years``).
    Each needs an index on ``fiscal_year`` alone: a supervisor's year is read down it."""
    for model in models:
        if model not in ACTIVITY_MODELS:
            ACTIVITY_MODELS.append(model)


@dataclass
class AgencyYearSummary:
    """What an agency has for one fiscal year: one entry per registered card, in order."""

    agency: Agency
    year: int
    cards: list[CardFacts] = field(default_factory=list)


def working_years(user, agencies: list[Agency], current_year: int) -> dict[int, int]:
    """Per agency, the fiscal year its people are working in.

    That is the current fiscal year once it has measures, meetings or reports (the registered
    activity models); before that (in October, while last year's results are still being reported,
    or in the demo data) it is the latest earlier year that has them; with nothing at all, the
    current year. For an agency the user supervises, the data of its whole subtree counts (a
    supervising office has few rows of its own). One query per activity model, plus one per
    activity model and supervised agency.
    """
    ids = [a.pk for a in agencies]
    # Agencies the user sees with their whole subtree (supervisors, by the policy table).
    supervised = {
        m.agency_id: m.agency.path
        for m, reach in selectors.memberships_granting(user, selectors.Action.VIEW)
        if reach == selectors.SUBTREE
    }
    latest: dict[int, int] = {}
    for model in ACTIVITY_MODELS:
        if not ids:
            continue
        rows = (
            selectors.scope_queryset(model.objects.filter(agency_id__in=ids, fiscal_year__lte=current_year), user)
            .order_by()
            .values("agency_id")
            .annotate(year=Max("fiscal_year"))
        )
        for row in rows:
            latest[row["agency_id"]] = max(latest.get(row["agency_id"], 0), row["year"])
        for agency_id, path in supervised.items():
            if agency_id not in ids:
                continue
            # The latest year first, read down an index on fiscal_year until a row of the subtree
            # (a MAX over the subtree read every row of it: 6 ms at 1,200 agencies, growing).
            qs = model.objects.filter(agency__path__startswith=path, fiscal_year__lte=current_year)
            year = selectors.scope_queryset(qs, user).order_by("-fiscal_year").values_list("fiscal_year", flat=True).first()
            if year is not None:
                latest[agency_id] = max(latest.get(agency_id, 0), year)
    return {pk: latest.get(pk, current_year) for pk in ids}


def summaries_for(user, agencies: list[Agency], year: int) -> dict[int, AgencyYearSummary]:
    """Summaries keyed by agency id for ``agencies`` (already read through the selectors) in ``year``.

    Costs a fixed number of queries per card whatever the number of agencies.
    """
    summaries = {a.pk: AgencyYearSummary(agency=a, year=year) for a in agencies}
    ids = list(summaries)
    if not ids:
        return summaries
    for card in CARDS:
        facts = card.facts(user, ids, year)
        for agency_id, summary in summaries.items():
            summary.cards.append(CardFacts(card.template, facts.get(agency_id)))
    return summaries


def subtree_sizes(user, memberships: list[Membership]) -> dict[int, int]:
    """For each supervising membership (by id): how many active agencies its subtree holds, the
    supervising agency included. One query for all of them."""
    supervising = [m for m in memberships if selectors.reach_of(m.role, selectors.Action.SUPERVISE) == selectors.SUBTREE]
    if not supervising:
        return {}
    visible = selectors.agencies_visible_to(user)
    totals = visible.aggregate(**{f"m{m.pk}": Count("pk", filter=Q(path__startswith=m.agency.path)) for m in supervising})
    return {m.pk: totals[f"m{m.pk}"] for m in supervising}
