"""Boxes that apps above add to the agency's scores pages (the year's table and the year-over-year
page), e.g. the measures' "did a measure move its indicator?" table and chart.

Indicators sits below measures and never imports it: an app registers a ``Panel`` from its
``AppConfig.ready()`` (as ``ita_portal.agencies.dashboard`` does for the home page boxes). A
panel's ``facts(user, agency, year, page)`` reads through the access-scoped selectors, costs a
fixed number of queries, and returns the template's context or None (nothing to show).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: The pages a panel may appear on.
DASHBOARD = "dashboard"
TREND = "trend"


@dataclass(frozen=True)
class Panel:
    order: int
    template: str
    facts: Callable[[Any, Any, int, str], dict | None]
    #: Static files (JavaScript) the panel needs besides the vendored Chart.js.
    scripts: tuple[str, ...] = ()
    pages: tuple[str, ...] = (DASHBOARD, TREND)


@dataclass(frozen=True)
class PanelFacts:
    template: str
    facts: dict
    scripts: tuple[str, ...]


PANELS: list[Panel] = []


def panel_register(panel: Panel) -> None:
    """Add an app's panel to the scores pages (idempotent), kept in ``order``."""
    if panel not in PANELS:
        PANELS.append(panel)
        PANELS.sort(key=lambda p: p.order)


def panels_for(user, agency, year: int, page: str) -> list[PanelFacts]:
    """The panels of ``page`` that have something to show for the agency's year."""
    out = []
    for panel in PANELS:
        if page not in panel.pages:
            continue
        facts = panel.facts(user, agency, year, page)
        if facts is not None:
            out.append(PanelFacts(panel.template, facts, panel.scripts))
    return out
