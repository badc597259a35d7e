"""The ITA catalogue as data: load, export, import and export as CSV/XLSX.

A framework file (``fixtures/frameworks/*.json``, schema in ``fixtures/frameworks/README.md``) holds one
fiscal year of one assessor: indicators, items, weights and pass mark. ``framework_load`` is an
idempotent upsert: the same year and assessor is updated in place; indicators are matched by number,
items by ``stable_key`` and then by code, so re-loading an edited file changes rows instead of adding
new ones, and assessments that already point at an item keep pointing at it.

CSV and XLSX carry the same data flat: one row per item with the indicator's columns on each row (an
indicator with no item gets a row of its own) and the framework's columns repeated on every row.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from indicators.catalogue import rules
from indicators.catalogue.validate import (  # noqa: F401  (re-exported: files, edits and tests read them here)
    CODE_RE,
    DEFAULT_WEIGHTS,
    SLUG_RE,
    _bool,
    _decimal,
    _int,
    _text,
    framework_validate,
    parse_item_code,
)
from indicators.models import Assessor, Framework, Indicator, Item, ItemKind

# (key, Thai header written on export, other accepted headers)
COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("fiscal_year", "ปีงบประมาณ", ("fiscal_year", "year")),
    ("assessor_code", "รหัสผู้ประเมิน", ("assessor_code", "assessor")),
    ("assessor_name", "ชื่อผู้ประเมิน", ("assessor_name",)),
    ("framework_name", "ชื่อกรอบการประเมิน", ("framework_name", "name")),
    ("pass_mark", "เกณฑ์ผ่าน", ("pass_mark",)),
    ("iit_weight", "น้ำหนัก IIT", ("iit_weight", "iit")),
    ("eit_weight", "น้ำหนัก EIT", ("eit_weight", "eit")),
    ("oit_weight", "น้ำหนัก OIT", ("oit_weight", "oit")),
    ("is_confirmed", "ยืนยันแล้ว", ("is_confirmed", "confirmed")),
    ("source_note", "แหล่งที่มา / หมายเหตุ", ("source_note", "แหล่งที่มา", "หมายเหตุ")),
    ("indicator", "ตัวชี้วัดที่", ("indicator", "indicator_number")),
    ("indicator_name", "ประเด็นตัวชี้วัด", ("indicator_name",)),
    ("instrument", "เครื่องมือ", ("instrument",)),
    ("indicator_key", "รหัสคงที่ตัวชี้วัด", ("indicator_key", "indicator_stable_key")),
    ("indicator_weight", "น้ำหนักตัวชี้วัด", ("indicator_weight",)),
    ("code", "ข้อ", ("code", "item")),
    ("sub_area", "หัวข้อย่อย", ("sub_area",)),
    ("title", "ชื่อข้อ", ("title",)),
    ("stable_key", "รหัสคงที่ข้อ", ("stable_key", "item_key")),
)
FRAMEWORK_KEYS = COLUMNS[:10]
HEADER_ALIASES = {alias.strip().lower(): key for key, thai, others in COLUMNS for alias in (thai, *others)}


# ---------------------------------------------------------------------------------------------
# load / export


def _delete_or_refuse(obj, label: str) -> None:
    try:
        obj.delete()
    except ProtectedError as exc:
        raise ValidationError(_("ลบ%(label)s ออกจากกรอบการประเมินไม่ได้ เพราะมีผลการประเมินอ้างถึงแล้ว") % {"label": label}) from exc


@transaction.atomic
def framework_load(*, data: dict) -> Framework:
    """Create or update the framework described by ``data`` (one fiscal year of one assessor).

    Idempotent: loading the same data twice changes nothing; loading edited data updates rows in
    place (indicators by number, items by stable key and then by code). Indicators and items missing
    from ``data`` are removed unless results already refer to them (then the load is refused). All
    or nothing: on any error nothing is written.
    """
    from indicators.portal import catalogue_changed

    catalogue_changed()  # also for rows written by update(), which sends no signal
    clean = framework_validate(data=data)
    assessor, _created = Assessor.objects.get_or_create(
        code=clean["assessor"]["code"], defaults={"name": clean["assessor"]["name"]}
    )
    if assessor.name != clean["assessor"]["name"]:
        assessor.name = clean["assessor"]["name"]
        assessor.save(update_fields=["name"])
    weights = clean["weights"]
    framework, _created = Framework.objects.select_for_update().get_or_create(
        fiscal_year=clean["fiscal_year"], assessor=assessor, defaults={"name": clean["name"]}
    )
    framework.name = clean["name"]
    framework.pass_mark = clean["pass_mark"]
    framework.iit_weight, framework.eit_weight, framework.oit_weight = weights["iit"], weights["eit"], weights["oit"]
    framework.source_note = clean["source_note"]
    framework.is_confirmed = clean["is_confirmed"]
    if clean["is_draft"] and not framework.is_draft and framework.assessments.exists():
        raise ValidationError(_("กรอบการประเมินปี %(year)s มีผลการประเมินแล้ว จึงกลับเป็นฉบับร่างไม่ได้") % {"year": framework.fiscal_year})
    if clean["is_draft"] is not None:
        framework.is_draft = clean["is_draft"]
    if clean["rating"] is not None:
        framework.rating_rules = clean["rating"]
    framework.full_clean(validate_unique=False)
    framework.save()

    # Indicators: matched by number. Keys are parked first so two indicators may swap keys.
    existing = {ind.number: ind for ind in framework.indicators.all()}
    wanted = {row["number"] for row in clean["indicators"]}
    for number, indicator in existing.items():
        if number not in wanted:
            _delete_or_refuse(indicator, _("ตัวชี้วัดที่ %(n)s") % {"n": number})
    for indicator in existing.values():
        if indicator.number in wanted:
            Indicator.objects.filter(pk=indicator.pk).update(stable_key=f"~parked-{indicator.pk}")
    indicators: dict[int, Indicator] = {}
    for row in clean["indicators"]:
        indicator = existing.get(row["number"]) or Indicator(framework=framework, number=row["number"])
        indicator.name, indicator.instrument = row["name"], row["instrument"]
        indicator.stable_key, indicator.weight = row["stable_key"], row["weight"]
        indicator.save()
        indicators[row["number"]] = indicator

    # Items: matched by stable key, then by code. Codes and keys are parked first so renumbering
    # (O42 → O25) and swaps never trip the unique constraints half-way.
    current = list(framework.items.all())
    by_key = {item.stable_key: item for item in current}
    by_code = {(item.kind, item.number): item for item in current}
    matched: dict[int, Item] = {}
    used: set[int] = set()
    for position, row in enumerate(clean["items"]):
        for item in (by_key.get(row["stable_key"]), by_code.get(row["code"])):
            if item is not None and item.pk not in used:
                matched[position] = item
                used.add(item.pk)
                break
    for item in current:
        if item.pk not in used:
            _delete_or_refuse(item, _("ข้อ %(code)s") % {"code": item.code})
    _refuse_key_changes_with_results(matched, clean["items"])
    for position, item in matched.items():
        # Real numbers stay below 10000 (validated by CODE_RE's four digits), so 30000+ is free.
        Item.objects.filter(pk=item.pk).update(number=30000 + position, stable_key=f"~parked-{item.pk}")
    for position, row in enumerate(clean["items"]):
        item = matched.get(position) or Item(framework=framework)
        item.kind, item.number = row["code"]
        item.indicator = indicators[row["indicator"]]
        item.title, item.sub_area, item.stable_key = row["title"], row["sub_area"], row["stable_key"]
        if row["absorbs"] is not None:
            item.absorbs = row["absorbs"]
        if row["guideline"] is not None:
            item.guideline = row["guideline"]
        item.save()
    return framework


def _refuse_key_changes_with_results(matched: dict[int, Item], rows: list[dict]) -> None:
    """An item that already has results keeps its stable key: a new key would cut its results off
    from every other year (year-over-year tables, the measures pair, the public page)."""
    changed = {pos: item for pos, item in matched.items() if item.stable_key != rows[pos]["stable_key"]}
    if not changed:
        return
    with_results = set(
        Item.objects.filter(pk__in=[item.pk for item in changed.values()], results__isnull=False).values_list("pk", flat=True)
    )
    errors = [
        _("ข้อ %(code)s มีผลการประเมินแล้ว จึงเปลี่ยนรหัสคงที่จาก “%(old)s” เป็น “%(new)s” ไม่ได้")
        % {"code": item.code, "old": item.stable_key, "new": rows[pos]["stable_key"]}
        for pos, item in changed.items()
        if item.pk in with_results
    ]
    if errors:
        raise ValidationError(errors)


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


KIND_ORDER = {ItemKind.OIT: 0, ItemKind.IIT: 1, ItemKind.EIT: 2}


def framework_export(*, framework: Framework) -> dict:
    """The framework as the dict ``framework_load`` reads (the schema of ``fixtures/frameworks``)."""
    indicators = list(framework.indicators.order_by("number"))
    numbers = {ind.pk: ind.number for ind in indicators}
    items = sorted(framework.items.all(), key=lambda i: (numbers[i.indicator_id], KIND_ORDER.get(i.kind, 9), i.number))
    ind_rows = []
    for ind in indicators:
        row = {"number": ind.number, "name": ind.name, "instrument": ind.instrument, "stable_key": ind.stable_key}
        if ind.weight is not None:
            row["weight"] = _number(ind.weight)
        ind_rows.append(row)
    return {
        "assessor": {"code": framework.assessor.code, "name": framework.assessor.name},
        "fiscal_year": framework.fiscal_year,
        "name": framework.name,
        "pass_mark": _number(framework.pass_mark),
        "weights": {
            "iit": _number(framework.iit_weight),
            "eit": _number(framework.eit_weight),
            "oit": _number(framework.oit_weight),
        },
        "source_note": framework.source_note,
        "is_confirmed": framework.is_confirmed,
        **({"is_draft": True} if framework.is_draft else {}),
        "rating": rules.export_rating(framework.rating_rules),
        "indicators": ind_rows,
        "items": [
            {
                "code": item.code,
                "indicator": numbers[item.indicator_id],
                "sub_area": item.sub_area,
                "title": item.title,
                "stable_key": item.stable_key,
                **({"absorbs": list(item.absorbs)} if item.absorbs else {}),
                **({"guideline": item.guideline} if item.guideline else {}),
            }
            for item in items
        ],
    }


def framework_load_file(*, path: str | Path) -> Framework:
    """Load one JSON framework file (UTF-8, with or without BOM)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(_("อ่านไฟล์ %(name)s ไม่ได้: %(error)s") % {"name": path.name, "error": exc}) from exc
    return framework_load(data=data)
