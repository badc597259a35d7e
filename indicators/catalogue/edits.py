"""Edits of the catalogue made one row at a time (the admin): each becomes a whole framework dict
and goes through ``framework_load``, so a page edit is checked and matched exactly like a file.

``framework_data`` gives the dict of a framework as stored; the admin changes its framework
fields, indicator rows or item rows and hands it to ``framework_save``. Assessors are the one
catalogue table outside a framework dict and have their own small services here.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from indicators.catalogue.core import framework_export, framework_load, framework_validate
from indicators.models import Assessor, Framework, Indicator, Item


def framework_data(framework: Framework | None) -> dict:
    """The framework as ``framework_load`` reads it; an empty skeleton for a new one."""
    if framework is None or framework.pk is None:
        return {"indicators": [], "items": []}
    return framework_export(framework=framework)


def framework_check(*, framework: Framework | None, data: dict) -> dict:
    """Validate ``data`` as the new state of ``framework`` (None: a new framework) without writing.

    Besides ``framework_validate``: a framework is identified by its year and assessor, so a new
    one, or a change of year or assessor, may not land on another framework's place.
    """
    clean = framework_validate(data=data)
    clash = Framework.objects.filter(fiscal_year=clean["fiscal_year"], assessor__code=clean["assessor"]["code"])
    if framework is not None and framework.pk is not None:
        clash = clash.exclude(pk=framework.pk)
    if clash.exists():
        raise ValidationError(
            _("มีกรอบการประเมินของผู้ประเมิน %(code)s ปีงบประมาณ %(year)s อยู่แล้ว")
            % {"code": clean["assessor"]["code"], "year": clean["fiscal_year"]}
        )
    if framework is not None and framework.pk is not None:
        _check_removals(framework, clean)
    return clean


def _check_removals(framework: Framework, clean: dict) -> None:
    """Indicators and items the new state drops may not have results (``framework_load`` refuses
    it too; checking first lets a page show it instead of failing on save)."""
    refused = _("ลบ%(label)s ออกจากกรอบการประเมินไม่ได้ เพราะมีผลการประเมินอ้างถึงแล้ว")
    numbers = {row["number"] for row in clean["indicators"]}
    keys = {row["stable_key"] for row in clean["items"]}
    codes = {row["code"] for row in clean["items"]}
    errors = [
        refused % {"label": _("ตัวชี้วัดที่ %(n)s") % {"n": number}}
        for number in Indicator.objects.filter(framework=framework, scores__isnull=False)
        .exclude(number__in=numbers)
        .values_list("number", flat=True)
        .distinct()
    ]
    for item in Item.objects.filter(framework=framework, results__isnull=False).distinct():
        if item.stable_key not in keys and (item.kind, item.number) not in codes:
            errors.append(refused % {"label": _("ข้อ %(code)s") % {"code": item.code}})
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def framework_save(*, framework: Framework | None, data: dict) -> Framework:
    """Write ``data`` as the new state of ``framework`` (None: create it) through ``framework_load``.

    A changed year or assessor moves the framework row first, so its indicators, items and the
    assessments that use them stay attached. All or nothing: a ValidationError writes nothing.
    """
    clean = framework_check(framework=framework, data=data)
    if framework is not None and framework.pk is not None:
        current = Framework.objects.select_for_update().select_related("assessor").get(pk=framework.pk)
        if (current.fiscal_year, current.assessor.code) != (clean["fiscal_year"], clean["assessor"]["code"]):
            assessor, _created = Assessor.objects.get_or_create(
                code=clean["assessor"]["code"], defaults={"name": clean["assessor"]["name"]}
            )
            Framework.objects.filter(pk=current.pk).update(fiscal_year=clean["fiscal_year"], assessor=assessor)
    return framework_load(data=data)


def _refuse_protected(obj, message: str) -> None:
    try:
        obj.delete()
    except ProtectedError as exc:
        raise ValidationError(message) from exc


@transaction.atomic
def framework_delete(*, framework: Framework) -> None:
    """Remove a framework with its indicators and items; refused once assessments use it."""
    _refuse_protected(framework, _("ลบกรอบการประเมินนี้ไม่ได้ เพราะมีผลการประเมินอ้างถึงแล้ว"))


@transaction.atomic
def assessor_save(*, assessor: Assessor | None, code: str, name: str, description: str = "") -> Assessor:
    """Create (``assessor=None``) or change an assessor; the code is what framework files name."""
    assessor = assessor if assessor is not None else Assessor()
    assessor.code, assessor.name, assessor.description = code, name, description
    assessor.full_clean()
    assessor.save()
    return assessor


@transaction.atomic
def assessor_delete(*, assessor: Assessor) -> None:
    """Remove an assessor; refused while frameworks belong to it."""
    _refuse_protected(assessor, _("ลบผู้ประเมินนี้ไม่ได้ เพราะมีกรอบการประเมินอยู่"))
