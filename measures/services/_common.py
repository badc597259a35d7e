"""Checks shared by the measures services: everything a row points at belongs to its agency."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ita_portal.agencies.models import Agency, Division, Membership


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


def check_fiscal_year(fiscal_year: int) -> None:
    if not 2500 <= int(fiscal_year) <= 2700:
        raise ValidationError({"fiscal_year": _("ปีงบประมาณต้องเป็นปีพุทธศักราช")})
