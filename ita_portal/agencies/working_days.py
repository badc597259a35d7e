"""Working days of an agency: Monday–Friday that are neither a Thai public or government holiday
(the maintained ``holidays`` package, Thailand, public + government categories: it follows the
cabinet's substitution days) nor one of the agency's own days off (``DayOff``).

Used by the meeting generator ("เฉพาะวันทำการ": a meeting on a day off moves to the next working
day) and by reminder moments (a reminder due on a day off is sent on the previous working day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import holidays
from django.utils.translation import gettext as _

from ita_portal.agencies.models import Agency, DayOff

# A month either way is enough for any move across Songkran or the New Year.
_MARGIN = dt.timedelta(days=31)


def thai_holidays(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """Thai public and government holidays (Thai names) from ``start`` to ``end``."""
    table = holidays.country_holidays(
        "TH", years=range(start.year, end.year + 1), categories=("public", "government"), language="th"
    )
    return {day: name for day, name in sorted(table.items()) if start <= day <= end}


def days_off(agency: Agency | None, start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """Every non-working weekday of ``agency`` near ``start``–``end`` with its name (weekends are
    not listed: ``is_working_day`` knows them), the agency's own days off included."""
    start, end = start - _MARGIN, end + _MARGIN
    found = thai_holidays(start, end)
    if agency is not None:
        for day, name in DayOff.objects.filter(agency=agency, date__range=(start, end)).values_list("date", "name"):
            found[day] = f"{found[day]}; {name}" if day in found else name
    return found


def is_working_day(day: dt.date, off: Mapping[dt.date, str]) -> bool:
    return day.weekday() < 5 and day not in off


def next_working_day(day: dt.date, off: Mapping[dt.date, str]) -> dt.date:
    """``day`` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day, off):
        day += dt.timedelta(days=1)
    return day


def previous_working_day(day: dt.date, off: Mapping[dt.date, str]) -> dt.date:
    """``day`` itself if it is a working day, else the last working day before it."""
    while not is_working_day(day, off):
        day -= dt.timedelta(days=1)
    return day


def why_not_working(day: dt.date, off: Mapping[dt.date, str]) -> str:
    """'วันเสาร์', 'วันอาทิตย์' or the holiday's name; '' for a working day."""
    if day in off:
        return off[day]
    return {5: _("วันเสาร์"), 6: _("วันอาทิตย์")}.get(day.weekday(), "")
