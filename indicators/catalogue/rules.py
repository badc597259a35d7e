"""The parts of a framework file added for the yearly routine: merged keys and the rating bands.

- ``absorbs`` on an item: the stable keys of earlier items merged into it (their keys end there,
  rule 2 of ``fixtures/frameworks/README.md``). Only used to tell "merged" from "ended" when a year
  is compared with the one before.
- ``rating`` on the framework: the qualitative rating published beside the score from 2568 on
  (ผ่านดี / ผ่าน …), as bands best first; each band a label, a minimum overall score and optional
  minimum instrument scores. The NACC's table is not known, so the shipped files carry none and no
  rating is shown; a catalogue editor enters it when it is published.

Both are optional: a file (or a CSV/XLSX sheet) without them leaves what is stored unchanged.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from indicators.catalogue import validate as core  # the value parsers (a module import: no cycle)

INSTRUMENT_KEYS = ("iit", "eit", "oit")


def clean_absorbs(raw: Any, label: str, own_key: str, errors: list[str]) -> list[str] | None:
    """A list of stable keys (or a comma-separated string); None when the field was not given."""
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = [part for part in raw.replace(";", ",").split(",")]
    if not isinstance(raw, list):
        errors.append(_("%(label)s: รวมข้อเดิม (absorbs) ต้องเป็นรายการรหัสคงที่") % {"label": label})
        return []
    keys: list[str] = []
    for value in raw:
        key = core._text(value)
        if not key:
            continue
        if not core.SLUG_RE.match(key) or len(key) > 80:
            errors.append(_("%(label)s: รหัสคงที่ที่รวมไว้ “%(key)s” ใช้ได้เฉพาะอักษรอังกฤษ ตัวเลข - และ _") % {"label": label, "key": key})
        elif key == own_key:
            errors.append(_("%(label)s: รวมรหัสคงที่ของตนเอง (“%(key)s”) ไม่ได้") % {"label": label, "key": key})
        elif key not in keys:
            keys.append(key)
    return keys


def check_absorbs_unique(items: list[dict], errors: list[str]) -> None:
    """A key merged into one item is neither merged into another nor still used by an item."""
    own = {item["stable_key"] for item in items}
    seen: dict[str, str] = {}
    for item in items:
        code = f"{item['code'][0]}{item['code'][1]}" if item["code"] else "?"
        for key in item.get("absorbs") or []:
            if key in own:
                errors.append(_("ข้อ %(code)s: รหัสคงที่ “%(key)s” ยังเป็นของข้ออื่นในกรอบนี้ จึงรวมเข้ามาไม่ได้") % {"code": code, "key": key})
            elif key in seen:
                errors.append(
                    _("ข้อ %(code)s: รหัสคงที่ “%(key)s” ถูกรวมไว้ในข้อ %(other)s แล้ว") % {"code": code, "key": key, "other": seen[key]}
                )
            seen[key] = code


def _score(value: Any, label: str, errors: list[str]) -> Decimal | None:
    number = core._decimal(value, label, errors)
    if number is not None and not Decimal("0") <= number <= Decimal("100"):
        errors.append(_("%(label)s ต้องอยู่ระหว่าง 0 ถึง 100") % {"label": label})
        return None
    return number


def clean_rating(raw: Any, errors: list[str]) -> list[dict] | None:
    """Rating bands as stored in ``Framework.rating_rules`` (numbers as strings); None = not given."""
    if raw is None:
        return None
    if not isinstance(raw, list):
        errors.append(_("เกณฑ์ผลการประเมินเชิงคุณภาพ (rating) ต้องเป็นรายการระดับ"))
        return []
    bands, labels = [], set()
    for position, band in enumerate(raw, 1):
        band = band if isinstance(band, dict) else {}
        where = _("เกณฑ์เชิงคุณภาพระดับที่ %(n)s") % {"n": position}
        label = core._text(band.get("label"))
        if not label:
            errors.append(_("%(where)s: ไม่มีชื่อระดับ (เช่น ผ่านดี)") % {"where": where})
        elif len(label) > 100:
            errors.append(_("%(where)s: ชื่อระดับยาวเกิน 100 ตัวอักษร") % {"where": where})
        elif label in labels:
            errors.append(_("%(where)s: ชื่อระดับ “%(label)s” ซ้ำ") % {"where": where, "label": label})
        labels.add(label)
        min_score = _score(band.get("min_score"), _("%(where)s: คะแนนรวมขั้นต่ำ") % {"where": where}, errors)
        if min_score is None and band.get("min_score") in (None, ""):
            errors.append(_("%(where)s: ไม่มีคะแนนรวมขั้นต่ำ") % {"where": where})
        minimums = band.get("min_instruments") or {}
        if not isinstance(minimums, dict):
            errors.append(_("%(where)s: คะแนนขั้นต่ำรายเครื่องมือต้องระบุเป็น iit/eit/oit") % {"where": where})
            minimums = {}
        clean_min = {}
        for key, value in minimums.items():
            key = core._text(key).lower()
            if key not in INSTRUMENT_KEYS:
                errors.append(_("%(where)s: ไม่รู้จักเครื่องมือ “%(key)s” (ใช้ iit, eit หรือ oit)") % {"where": where, "key": key})
                continue
            number = _score(value, _("%(where)s: คะแนน %(ins)s ขั้นต่ำ") % {"where": where, "ins": key.upper()}, errors)
            if number is not None:
                clean_min[key] = str(number)
        bands.append(
            {"label": label, "min_score": str(min_score) if min_score is not None else "0", "min_instruments": clean_min}
        )
    return bands


def export_rating(rules: list[dict]) -> list[dict]:
    """Stored bands as written to a framework file (numbers as numbers)."""

    def number(text: str) -> int | float:
        value = Decimal(text)
        return int(value) if value == value.to_integral_value() else float(value)

    out = []
    for band in rules or []:
        row = {"label": band["label"], "min_score": number(band["min_score"])}
        if band.get("min_instruments"):
            row["min_instruments"] = {k: number(v) for k, v in band["min_instruments"].items()}
        out.append(row)
    return out
