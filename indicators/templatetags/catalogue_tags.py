"""``{% missing_catalogue agency year %}``: what to do on a page of a year without a catalogue.

Used by the entry, import, weaknesses and measures pages instead of a dead end: catalogue editors
get a link to start the year's catalogue (or to the draft waiting for confirmation); everyone
else is told whom to ask (the supervisors of the ministry-level agencies above their agency).
"""

from __future__ import annotations

from django import template
from django.urls import reverse

from indicators.catalogue.upkeep import can_edit_catalogue, catalogue_editors_for
from indicators.models import Framework
from indicators.rating import rating_for
from indicators.selectors import framework_for

register = template.Library()


@register.inclusion_tag("indicators/_missing_catalogue.html", takes_context=True)
def missing_catalogue(context, agency, year: int, purpose: str = "") -> dict:
    """Context for the notice: the year, a waiting draft, the editor link or the people to ask."""
    request = context.get("request")
    user = getattr(request, "user", None)
    draft = Framework.objects.filter(fiscal_year=year, is_draft=True).select_related("assessor").first()
    editor = can_edit_catalogue(user)
    link = ""
    if editor:
        if draft is not None:
            link = reverse("indicators:catalogue_detail", args=[draft.assessor.code, draft.fiscal_year])
        else:
            link = reverse("indicators:catalogue_list") + f"?year={year}"
    return {
        "year": year,
        "purpose": purpose,
        "draft": draft,
        "editor": editor,
        "link": link,
        "editors": [] if editor else catalogue_editors_for(agency),
    }


@register.simple_tag
def catalogue_of_year(year: int):
    """The confirmed (national-first) catalogue of ``year``, or None: ``{% catalogue_of_year y as fw %}``."""
    return framework_for(int(year))


@register.simple_tag
def rating_of(framework, overall, iit=None, eit=None, oit=None) -> str:
    """The rating by ``framework``'s bands of scores given one by one (the area table's annotations)."""
    if framework is None or not framework.rating_rules:
        return ""
    return rating_for(framework.rating_rules, overall, {"iit": iit, "eit": eit, "oit": oit})
