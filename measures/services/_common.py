"""Checks shared by the measures services (and the forms that show their messages early):
everything a row points at belongs to its agency, periods are ordered, dates fall in the fiscal year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ita_portal.agencies.models import Agency, Division, Membership
from ita_portal.thai import fiscal_year_bounds, format_date


def check_divisions(agency: Agency, divisions: Iterable[Division], field: str = "responsible_divisions") -> list[Division]:
    divisions = list(divisions)
    if any(d.agency_id != agency.pk for d in divisions):
        raise ValidationError({field: _("เลือกได้เฉพาะกลุ่มงานของหน่วยงานนี้")})
    return divisions


def check_people(agency: Agency, people: Iterable[Membership], field: str = "responsible_people") -> list[Membership]:
    people = list(people)
    if any(p.agency_id != agency.pk for p in people):
        raise ValidationError({field: _("เลือกได้เฉพาะบุคลากรของหน่วยงานนี้")})
    return people


def check_period(start, end, *, field: str = "end_date", times: bool = False) -> None:
    """An end (date or time) is not before its start: the one place this rule is written.

    The services call it before saving (the database constraint stays as the last guard); the
    forms call it too, so the message stands under the field the person typed. ``times``: the
    message speaks of times (a meeting's hours) rather than dates.
    """
    if start is not None and end is not None and end < start:
        message = _("เวลาสิ้นสุดต้องไม่ก่อนเวลาเริ่ม") if times else _("วันสิ้นสุดต้องไม่ก่อนวันเริ่มต้น")
        raise ValidationError({field: message})


def check_fiscal_year(fiscal_year: int) -> None:
    if not 2500 <= int(fiscal_year) <= 2700:
        raise ValidationError({"fiscal_year": _("ปีงบประมาณต้องเป็นปีพุทธศักราช")})


def check_within_fiscal_year(fiscal_year: int, dates: dict[str, dt.date | None]) -> None:
    """Every given date falls in ``fiscal_year`` (1 Oct – 30 Sep).

    The seeds' plans all run inside one fiscal year (ตุลาคม 2565 ถึง กันยายน 2566, พฤษภาคม –
    ๑๕ กรกฎาคม ๒๕๖๗), so a date outside it is a typing mistake (often the year) and is refused, by
    field, with the year's bounds in the message.
    """
    first, last = fiscal_year_bounds(int(fiscal_year))
    errors = {
        field: _("%(day)s อยู่นอกปีงบประมาณ %(year)s (%(first)s – %(last)s)")
        % {
            "day": format_date(day, thai_digits=False, abbr=True),
            "year": fiscal_year,
            "first": format_date(first, thai_digits=False, abbr=True),
            "last": format_date(last, thai_digits=False, abbr=True),
        }
        for field, day in dates.items()
        if day is not None and not first <= day <= last
    }
    if errors:
        raise ValidationError(errors)
