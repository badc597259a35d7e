"""Template filters for the admin's own templates (``templates/admin/``, ``templates/simple_history/``)."""

from __future__ import annotations

import datetime as dt
import re

from django import template

from ita_portal import admin_be
from ita_portal.thai import BE_OFFSET

register = template.Library()

_CE_YEAR = re.compile(r"\b(1[89]\d\d|2[01]\d\d)\b")


@register.filter
def ce_years_to_be(text: object) -> str:
    """'พฤศจิกายน 2024' → 'พฤศจิกายน 2567': Django's date drill-down prints CE years."""
    return _CE_YEAR.sub(lambda m: str(int(m.group(1)) + BE_OFFSET), str(text))


@register.filter
def be_datetime(value) -> str:
    """'15 มิ.ย. 2567 09:30' in Thai (history pages' "วันเวลา"); Django's format in English."""
    if not value:
        return ""
    return admin_be.display_for_value(value, "")


@register.filter
def be_value(value) -> str:
    """A value of a history change ("old → new"): dates in BE, nothing for None."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.date):
        return admin_be.display_for_value(value, "")
    return value
