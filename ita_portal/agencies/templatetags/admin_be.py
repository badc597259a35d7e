"""Template filters for the admin's own templates (``templates/admin/``)."""

from __future__ import annotations

import re

from django import template

from ita_portal.thai import BE_OFFSET

register = template.Library()

_CE_YEAR = re.compile(r"\b(1[89]\d\d|2[01]\d\d)\b")


@register.filter
def ce_years_to_be(text: object) -> str:
    """'พฤศจิกายน 2024' → 'พฤศจิกายน 2567': Django's date drill-down prints CE years."""
    return _CE_YEAR.sub(lambda m: str(int(m.group(1)) + BE_OFFSET), str(text))
