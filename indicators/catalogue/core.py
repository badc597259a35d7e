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
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from indicators.catalogue import rules
from indicators.models import Assessor, Framework, Indicator, Instrument, Item, ItemKind
from ita_portal.thai import to_arabic_digits

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
CODE_RE = re.compile(r"^([OIE])\s*(\d{1,4})$")
DEFAULT_WEIGHTS = {"iit": Decimal("30"), "eit": Decimal("30"), "oit": Decimal("40")}

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
TRUE_WORDS = {"1", "true", "yes", "y", "ใช่", "ยืนยัน", "ยืนยันแล้ว", "จริง"}
FALSE_WORDS = {"0", "false", "no", "n", "ไม่", "ไม่ใช่", "ยังไม่ยืนยัน", "เท็จ", ""}


# ---------------------------------------------------------------------------------------------
# validation


def _decimal(value: Any, label: str, errors: list[str], *, default: Decimal | None = None) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        errors.append(_("%(label)s ต้องเป็นตัวเลข") % {"label": label})
        return default
    try:
        number = Decimal(to_arabic_digits(str(value)).strip().replace(",", ""))
    except InvalidOperation:
        errors.append(_("%(label)s ต้องเป็นตัวเลข (ได้ “%(value)s”)") % {"label": label, "value": value})
        return default
    if not number.is_finite():
        errors.append(_("%(label)s ต้องเป็นตัวเลข (ได้ “%(value)s”)") % {"label": label, "value": value})
        return default
    return number


def _int(value: Any, label: str, errors: list[str]) -> int | None:
    number = _decimal(value, label, errors)
    if number is None:
        return None
    if number != number.to_integral_value():
        errors.append(_("%(label)s ต้องเป็นจำนวนเต็ม (ได้ “%(value)s”)") % {"label": label, "value": value})
        return None
    return int(number)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _bool(value: Any, label: str, errors: list[str]) -> bool:
    if isinstance(value, bool):
        return value
    word = _text(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    errors.append(_("%(label)s ต้องเป็น ใช่/ไม่ใช่ (ได้ “%(value)s”)") % {"label": label, "value": value})
    return False


def parse_item_code(code: Any) -> tuple[str, int] | None:
    """'O42' / 'o 42' / 'O๔๒' → ('O', 42); None when it is not an item code."""
    match = CODE_RE.match(to_arabic_digits(_text(code)).upper())
    return (match.group(1), int(match.group(2))) if match else None


def _check_key(key: str, label: str, errors: list[str]) -> None:
    if not key:
        errors.append(_("%(label)s: ไม่มีรหัสคงที่ (stable_key)") % {"label": label})
    elif not SLUG_RE.match(key) or len(key) > 80:
        errors.append(
            _("%(label)s: รหัสคงที่ “%(key)s” ใช้ได้เฉพาะอักษรอังกฤษ ตัวเลข - และ _ ไม่เกิน 80 ตัว") % {"label": label, "key": key}
        )


def framework_validate(*, data: Any) -> dict:
    """Check a framework dict and return it cleaned (Decimals, ints, parsed item codes).

    Raises ``ValidationError`` with every problem found, each a Thai sentence naming the place.
    """
    errors: list[str] = []
    if not isinstance(data, dict):
        raise ValidationError(_("ข้อมูลกรอบการประเมินต้องเป็นออบเจ็กต์ JSON"))
    assessor = data.get("assessor")
    if not isinstance(assessor, dict):
        errors.append(_("ไม่มีข้อมูลผู้ประเมิน (assessor ที่มี code และ name)"))
        assessor = {}
    assessor_code, assessor_name = _text(assessor.get("code")), _text(assessor.get("name"))
    if not assessor_code or not SLUG_RE.match(assessor_code) or len(assessor_code) > 50:
        errors.append(_("รหัสผู้ประเมิน “%(code)s” ต้องเป็นอักษรอังกฤษ ตัวเลข - หรือ _ (เช่น nacc)") % {"code": assessor_code})
    if not assessor_name:
        errors.append(_("ไม่มีชื่อผู้ประเมิน"))
    year = _int(data.get("fiscal_year"), _("ปีงบประมาณ"), errors)
    if year is None:
        errors.append(_("ไม่มีปีงบประมาณ"))
    elif not 2500 <= year <= 2700:
        errors.append(_("ปีงบประมาณ %(year)s ต้องเป็นปีพุทธศักราช (2500–2700)") % {"year": year})
    name = _text(data.get("name"))
    if not name:
        errors.append(_("ไม่มีชื่อกรอบการประเมิน"))
    elif len(name) > 255:
        errors.append(_("ชื่อกรอบการประเมินยาวเกิน 255 ตัวอักษร"))
    pass_mark = _decimal(data.get("pass_mark"), _("เกณฑ์ผ่าน"), errors, default=Decimal("85"))
    if pass_mark is not None and not Decimal("0") <= pass_mark <= Decimal("100"):
        errors.append(_("เกณฑ์ผ่านต้องอยู่ระหว่าง 0 ถึง 100"))
    raw_weights = data.get("weights") or {}
    if not isinstance(raw_weights, dict):
        errors.append(_("น้ำหนัก (weights) ต้องมี iit, eit และ oit"))
        raw_weights = {}
    weights = {}
    for key, default in DEFAULT_WEIGHTS.items():
        value = _decimal(raw_weights.get(key), _("น้ำหนัก %(instrument)s") % {"instrument": key.upper()}, errors, default=default)
        if value is not None and value < 0:
            errors.append(_("น้ำหนัก %(instrument)s ต้องไม่ติดลบ") % {"instrument": key.upper()})
        weights[key] = value if value is not None else default
    if sum(weights.values()) != 100:
        errors.append(_("น้ำหนัก IIT + EIT + OIT ต้องรวมเป็น 100 (ได้ %(total)s)") % {"total": sum(weights.values())})

    indicators, numbers, ind_keys = [], set(), set()
    raw_indicators = data.get("indicators")
    if not isinstance(raw_indicators, list) or not raw_indicators:
        errors.append(_("ไม่มีรายการตัวชี้วัด (indicators)"))
        raw_indicators = []
    for position, raw in enumerate(raw_indicators, 1):
        raw = raw if isinstance(raw, dict) else {}
        number = _int(raw.get("number"), _("ตัวชี้วัดลำดับที่ %(n)s") % {"n": position}, errors)
        label = _("ตัวชี้วัดที่ %(n)s") % {"n": number if number is not None else f"?{position}"}
        if number is None or number < 1:
            errors.append(_("%(label)s: เลขตัวชี้วัดต้องเป็นจำนวนเต็มตั้งแต่ 1") % {"label": label})
        elif number in numbers:
            errors.append(_("%(label)s: เลขตัวชี้วัดซ้ำ") % {"label": label})
        numbers.add(number)
        ind_name = _text(raw.get("name"))
        if not ind_name:
            errors.append(_("%(label)s: ไม่มีชื่อตัวชี้วัด") % {"label": label})
        instrument = _text(raw.get("instrument")).upper()
        if instrument not in Instrument.values:
            errors.append(_("%(label)s: เครื่องมือต้องเป็น IIT, EIT หรือ OIT (ได้ “%(value)s”)") % {"label": label, "value": instrument})
        key = _text(raw.get("stable_key"))
        _check_key(key, label, errors)
        if key and key in ind_keys:
            errors.append(_("%(label)s: รหัสคงที่ “%(key)s” ซ้ำ") % {"label": label, "key": key})
        ind_keys.add(key)
        weight = _decimal(raw.get("weight"), _("%(label)s: น้ำหนัก") % {"label": label}, errors)
        indicators.append({"number": number, "name": ind_name, "instrument": instrument, "stable_key": key, "weight": weight})

    items, codes, item_keys = [], set(), set()
    raw_items = data.get("items") or []
    if not isinstance(raw_items, list):
        errors.append(_("รายการข้อ (items) ต้องเป็นรายการ"))
        raw_items = []
    for position, raw in enumerate(raw_items, 1):
        raw = raw if isinstance(raw, dict) else {}
        parsed = parse_item_code(raw.get("code"))
        label = _("ข้อ %(code)s") % {"code": _text(raw.get("code")) or f"ลำดับที่ {position}"}
        if parsed is None:
            errors.append(_("%(label)s: รหัสข้อต้องเป็น O, I หรือ E ตามด้วยตัวเลข เช่น O42") % {"label": label})
        elif parsed in codes:
            errors.append(_("%(label)s: รหัสข้อซ้ำ") % {"label": label})
        codes.add(parsed)
        indicator = _int(raw.get("indicator"), _("%(label)s: ตัวชี้วัด") % {"label": label}, errors)
        if indicator not in numbers:
            errors.append(_("%(label)s: ไม่มีตัวชี้วัดที่ %(n)s ในกรอบนี้") % {"label": label, "n": indicator})
        title = _text(raw.get("title"))
        if not title:
            errors.append(_("%(label)s: ไม่มีชื่อข้อ") % {"label": label})
        elif len(title) > 500:
            errors.append(_("%(label)s: ชื่อข้อยาวเกิน 500 ตัวอักษร") % {"label": label})
        sub_area = _text(raw.get("sub_area"))
        if len(sub_area) > 255:
            errors.append(_("%(label)s: หัวข้อย่อยยาวเกิน 255 ตัวอักษร") % {"label": label})
        key = _text(raw.get("stable_key"))
        _check_key(key, label, errors)
        if key and key in item_keys:
            errors.append(_("%(label)s: รหัสคงที่ “%(key)s” ซ้ำกับข้ออื่น") % {"label": label, "key": key})
        item_keys.add(key)
        absorbs = rules.clean_absorbs(raw.get("absorbs"), label, key, errors)
        items.append(
            {"code": parsed, "indicator": indicator, "title": title, "sub_area": sub_area, "stable_key": key, "absorbs": absorbs}
        )
    rules.check_absorbs_unique(items, errors)
    rating = rules.clean_rating(data.get("rating"), errors)
    # Absent = unchanged (a new framework is not a draft): the admin's dict does not carry it.
    is_draft = _bool(data["is_draft"], _("ฉบับร่าง"), errors) if "is_draft" in data else None

    if errors:
        raise ValidationError(errors)
    return {
        "assessor": {"code": assessor_code, "name": assessor_name},
        "fiscal_year": year,
        "name": name,
        "pass_mark": pass_mark,
        "weights": weights,
        "source_note": _text(data.get("source_note")),
        "is_confirmed": _bool(data.get("is_confirmed", False), _("ยืนยันแล้ว"), errors),
        "is_draft": is_draft,
        "rating": rating,
        "indicators": indicators,
        "items": items,
    }


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
