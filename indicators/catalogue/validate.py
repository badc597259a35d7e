"""A framework dict checked and cleaned (``framework_validate``): every problem found at once, each a
Thai sentence naming its place (the assessor, an indicator, an item); and the small value parsers the
CSV/XLSX layout (``files``) and the rules (``rules``) share."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from indicators.catalogue import rules
from indicators.models import Instrument
from ita_portal.thai import to_arabic_digits

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
CODE_RE = re.compile(r"^([OIE])\s*(\d{1,4})$")
DEFAULT_WEIGHTS = {"iit": Decimal("30"), "eit": Decimal("30"), "oit": Decimal("40")}
TRUE_WORDS = {"1", "true", "yes", "y", "ใช่", "ยืนยัน", "ยืนยันแล้ว", "จริง"}
FALSE_WORDS = {"0", "false", "no", "n", "ไม่", "ไม่ใช่", "ยังไม่ยืนยัน", "เท็จ", ""}


#: Longest guideline text of one item (a few short paragraphs).
GUIDELINE_MAX_LENGTH = 3000


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


def _validate_header(data: dict, errors: list[str]) -> dict:
    """The framework's own fields (assessor, year, name, pass mark, weights), cleaned."""
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

    return {
        "assessor": {"code": assessor_code, "name": assessor_name},
        "fiscal_year": year,
        "name": name,
        "pass_mark": pass_mark,
        "weights": weights,
    }


def _validate_indicators(raw_indicators: Any, errors: list[str]) -> tuple[list[dict], set]:
    """The indicators, cleaned, and the set of their numbers (items point at them)."""
    indicators, numbers, ind_keys = [], set(), set()
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

    return indicators, numbers


def _validate_items(raw_items: Any, numbers: set, errors: list[str]) -> list[dict]:
    """The items (O/I/E codes with their indicator, title and stable key), cleaned."""
    items, codes, item_keys = [], set(), set()
    raw_items = raw_items or []
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
        # Absent = unchanged (CSV files and the framework page's item rows do not carry it).
        guideline = None
        if "guideline" in raw:
            guideline = _text(raw.get("guideline"))
            if len(guideline) > GUIDELINE_MAX_LENGTH:
                errors.append(_("%(label)s: แนวทางยาวเกิน %(n)s ตัวอักษร") % {"label": label, "n": GUIDELINE_MAX_LENGTH})
        items.append(
            {
                "code": parsed,
                "indicator": indicator,
                "title": title,
                "sub_area": sub_area,
                "stable_key": key,
                "absorbs": absorbs,
                "guideline": guideline,
            }
        )
    return items


def framework_validate(*, data: Any) -> dict:
    """Check a framework dict and return it cleaned (Decimals, ints, parsed item codes).

    Raises ``ValidationError`` with every problem found, each a Thai sentence naming the place.
    """
    errors: list[str] = []
    if not isinstance(data, dict):
        raise ValidationError(_("ข้อมูลกรอบการประเมินต้องเป็นออบเจ็กต์ JSON"))
    header = _validate_header(data, errors)
    indicators, numbers = _validate_indicators(data.get("indicators"), errors)
    items = _validate_items(data.get("items"), numbers, errors)
    rules.check_absorbs_unique(items, errors)
    rating = rules.clean_rating(data.get("rating"), errors)
    # Absent = unchanged (a new framework is not a draft): the admin's dict does not carry it.
    is_draft = _bool(data["is_draft"], _("ฉบับร่าง"), errors) if "is_draft" in data else None

    if errors:
        raise ValidationError(errors)
    return {
        **header,
        "source_note": _text(data.get("source_note")),
        "is_confirmed": _bool(data.get("is_confirmed", False), _("ยืนยันแล้ว"), errors),
        "is_draft": is_draft,
        "rating": rating,
        "indicators": indicators,
        "items": items,
    }
