"""A framework as a flat file (CSV or XLSX) and back, and importing any framework file.

Layout: one row per item, with the item's indicator on the same row (an indicator without items,
such as the IIT/EIT indicators 1–8, has a row with the item columns empty) and the framework's own
columns (year, assessor, weights, …) repeated on every row. Headers are Thai on export; Thai or
English headers are accepted on import (``COLUMNS``). CSV is written as UTF-8 with a BOM so Excel
shows Thai; it is read as UTF-8 with or without BOM (Windows-874 as a fallback).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from indicators.catalogue.core import (
    COLUMNS,
    FRAMEWORK_KEYS,
    HEADER_ALIASES,
    _bool,
    _int,
    _text,
    framework_export,
    framework_load,
)
from indicators.importing.values import csv_reader
from indicators.models import Assessor, Framework
from ita_portal.spreadsheets import csv_row, unquote_cell, xlsx_append
from ita_portal.thai import to_arabic_digits

XLSX_SHEET = "กรอบการประเมิน"


def framework_rows(*, framework: Framework) -> list[list[Any]]:
    """Header row plus one row per item (and per indicator without items), export order."""
    data = framework_export(framework=framework)
    head = [
        data["fiscal_year"],
        data["assessor"]["code"],
        data["assessor"]["name"],
        data["name"],
        data["pass_mark"],
        data["weights"]["iit"],
        data["weights"]["eit"],
        data["weights"]["oit"],
        "ใช่" if data["is_confirmed"] else "ไม่ใช่",
        data["source_note"],
    ]
    rows: list[list[Any]] = [[thai for _key, thai, _aliases in COLUMNS]]
    for ind in data["indicators"]:
        ind_cols = [ind["number"], ind["name"], ind["instrument"], ind["stable_key"], ind.get("weight", "")]
        items = [item for item in data["items"] if item["indicator"] == ind["number"]]
        if not items:
            rows.append([*head, *ind_cols, "", "", "", ""])
        for item in items:
            rows.append([*head, *ind_cols, item["code"], item["sub_area"], item["title"], item["stable_key"]])
    return rows


def framework_export_csv(*, framework: Framework) -> bytes:
    """The framework as CSV bytes: UTF-8 with BOM (Excel opens Thai correctly)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(csv_row(r) for r in framework_rows(framework=framework))
    return buffer.getvalue().encode("utf-8-sig")


def framework_export_xlsx(*, framework: Framework) -> bytes:
    """The framework as an XLSX workbook (one sheet, header row frozen, readable column widths)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = XLSX_SHEET
    for row in framework_rows(framework=framework):
        xlsx_append(sheet, row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths = {"ชื่อข้อ": 60, "ชื่อกรอบการประเมิน": 40, "แหล่งที่มา / หมายเหตุ": 40, "ชื่อผู้ประเมิน": 30, "หัวข้อย่อย": 30}
    for index, (_key, thai, _aliases) in enumerate(COLUMNS, 1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = widths.get(thai, 14)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# import


def _read_bytes(file: Any) -> tuple[str, bytes]:
    if isinstance(file, str | Path):
        path = Path(file)
        try:
            return path.name, path.read_bytes()
        except OSError as exc:
            raise ValidationError(_("อ่านไฟล์ %(name)s ไม่ได้: %(error)s") % {"name": path.name, "error": exc}) from exc
    name = getattr(file, "name", "") or ""
    if hasattr(file, "seek"):
        file.seek(0)
    content = file.read()
    return Path(name).name, content if isinstance(content, bytes) else str(content).encode("utf-8")


def _csv_rows(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp874"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp874 decodes almost anything; kept for clarity
        raise ValidationError(_("อ่านไฟล์ CSV ไม่ได้: ต้องเป็น UTF-8"))
    return list(csv_reader(text))  # Excel quoting whatever the sniffer guesses (doubled quotes)


def _xlsx_rows(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(_("อ่านไฟล์ XLSX ไม่ได้: ไฟล์เสียหรือไม่ใช่ไฟล์ Excel (.xlsx)")) from exc
    sheet = workbook[XLSX_SHEET] if XLSX_SHEET in workbook.sheetnames else workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unquote_cell(_text(value))  # the CSV export quotes formula-like text


def framework_data_from_rows(rows: list[list[Any]], *, fiscal_year: int | None = None, assessor_code: str | None = None) -> dict:
    """Turn flat rows (header first) into the framework dict ``framework_load`` reads.

    Framework columns missing from the file come from the arguments, then from the framework
    already stored for that year and assessor. Errors name the row (``แถวที่ 5``) in Thai.
    """
    rows = [row for row in rows if any(_cell(v) for v in row)]
    if not rows:
        raise ValidationError(_("ไฟล์ว่าง: ไม่มีแถวหัวตาราง"))
    header = [HEADER_ALIASES.get(_cell(h).lstrip("\ufeff").lower()) for h in rows[0]]
    if "indicator" not in header:
        raise ValidationError(_("ไม่พบคอลัมน์ “ตัวชี้วัดที่” ในแถวหัวตาราง"))
    errors: list[str] = []
    meta: dict[str, str] = {}
    indicators: dict[int, dict] = {}
    items: list[dict] = []
    for line, raw in enumerate(rows[1:], 2):
        row = {key: _cell(value) for key, value in zip(header, raw, strict=False) if key}
        where = _("แถวที่ %(n)s") % {"n": line}
        for key, _thai, _aliases in FRAMEWORK_KEYS:
            value = row.get(key, "")
            if value and meta.setdefault(key, value) != value:
                errors.append(_("%(where)s: ค่า “%(col)s” ไม่ตรงกับแถวก่อนหน้า") % {"where": where, "col": _thai})
        number = _int(row.get("indicator"), _("%(where)s: ตัวชี้วัดที่") % {"where": where}, errors)
        if number is None:
            errors.append(_("%(where)s: ไม่มีเลขตัวชี้วัด") % {"where": where})
            continue
        ind = {
            "number": number,
            "name": row.get("indicator_name", ""),
            "instrument": row.get("instrument", "").upper(),
            "stable_key": row.get("indicator_key", ""),
        }
        if row.get("indicator_weight"):
            ind["weight"] = row["indicator_weight"]
        if number in indicators and indicators[number] != ind:
            errors.append(_("%(where)s: ข้อมูลตัวชี้วัดที่ %(n)s ไม่ตรงกับแถวก่อนหน้า") % {"where": where, "n": number})
        indicators.setdefault(number, ind)
        if row.get("code") or row.get("title") or row.get("stable_key"):
            items.append(
                {
                    "code": to_arabic_digits(row.get("code", "")),
                    "indicator": number,
                    "sub_area": row.get("sub_area", ""),
                    "title": row.get("title", ""),
                    "stable_key": row.get("stable_key", ""),
                    "_line": line,
                }
            )
    if errors:
        raise ValidationError(errors)
    data = _framework_meta(meta, fiscal_year=fiscal_year, assessor_code=assessor_code)
    data["indicators"] = [indicators[n] for n in sorted(indicators)]
    data["items"] = [{k: v for k, v in item.items() if k != "_line"} for item in items]
    return data


def _framework_meta(meta: dict[str, str], *, fiscal_year: int | None, assessor_code: str | None) -> dict:
    errors: list[str] = []
    year = _int(meta.get("fiscal_year"), _("ปีงบประมาณ"), errors)
    if fiscal_year is not None and year is not None and year != int(fiscal_year):
        errors.append(_("ปีงบประมาณในไฟล์ (%(file)s) ไม่ตรงกับที่ระบุ (%(given)s)") % {"file": year, "given": fiscal_year})
    year = year if year is not None else fiscal_year
    code = meta.get("assessor_code") or ""
    if assessor_code and code and code != assessor_code:
        errors.append(_("รหัสผู้ประเมินในไฟล์ (%(file)s) ไม่ตรงกับที่ระบุ (%(given)s)") % {"file": code, "given": assessor_code})
    code = code or assessor_code or ""
    if year is None:
        errors.append(_("ไม่ทราบปีงบประมาณ: ใส่คอลัมน์ “ปีงบประมาณ” ในไฟล์ หรือระบุปีงบประมาณ"))
    if not code:
        errors.append(_("ไม่ทราบผู้ประเมิน: ใส่คอลัมน์ “รหัสผู้ประเมิน” ในไฟล์ หรือระบุรหัสผู้ประเมิน"))
    if errors:
        raise ValidationError(errors)
    stored = Framework.objects.select_related("assessor").filter(fiscal_year=year, assessor__code=code).first()
    base = framework_export(framework=stored) if stored else {}
    assessor = Assessor.objects.filter(code=code).first()
    assessor_name = meta.get("assessor_name") or (assessor.name if assessor else "")
    if not assessor_name:
        raise ValidationError(_("ไม่รู้จักผู้ประเมินรหัส “%(code)s”: ใส่คอลัมน์ “ชื่อผู้ประเมิน” ในไฟล์") % {"code": code})
    weights = dict(base.get("weights") or {})
    for key in ("iit", "eit", "oit"):
        if meta.get(f"{key}_weight"):
            weights[key] = meta[f"{key}_weight"]
    confirmed = base.get("is_confirmed", False)
    if "is_confirmed" in meta:
        confirmed = _bool(meta["is_confirmed"], _("ยืนยันแล้ว"), errors)
    if errors:
        raise ValidationError(errors)
    return {
        "assessor": {"code": code, "name": assessor_name},
        "fiscal_year": year,
        "name": meta.get("framework_name")
        or base.get("name")
        or _("กรอบการประเมิน ITA ประจำปีงบประมาณ พ.ศ. %(year)s") % {"year": year},
        "pass_mark": meta.get("pass_mark") or base.get("pass_mark"),
        "weights": weights,
        "source_note": meta.get("source_note") if "source_note" in meta else base.get("source_note", ""),
        "is_confirmed": confirmed,
        # Not carried by the flat layout: a sheet keeps the stored draft state, rating and merges.
        "is_draft": base.get("is_draft", False),
    }


def framework_import_file(*, file: Any, fiscal_year: int | None = None, assessor_code: str | None = None) -> Framework:
    """Load a framework from a .json, .csv or .xlsx file (a path or an uploaded file object).

    ``fiscal_year`` / ``assessor_code`` fill in what a CSV/XLSX file does not carry and must agree
    with what it does. All or nothing: a file with any error raises ``ValidationError`` (Thai
    messages naming rows or items) and writes nothing.
    """
    name, content = _read_bytes(file)
    suffix = Path(name).suffix.lower()
    if suffix == ".json":
        try:
            data = json.loads(content.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValidationError(_("อ่านไฟล์ JSON ไม่ได้: %(error)s") % {"error": exc}) from exc
        if isinstance(data, dict):
            given = {"fiscal_year": fiscal_year, "assessor_code": assessor_code}
            file_code = (data.get("assessor") or {}).get("code") if isinstance(data.get("assessor"), dict) else None
            mismatch = (fiscal_year is not None and str(data.get("fiscal_year")) != str(fiscal_year)) or (
                assessor_code and file_code != assessor_code
            )
            if mismatch:
                raise ValidationError(
                    _("ไฟล์เป็นกรอบปี %(year)s ผู้ประเมิน %(code)s ไม่ตรงกับที่ระบุ (%(given)s)")
                    % {"year": data.get("fiscal_year"), "code": file_code, "given": given}
                )
        return framework_load(data=data)
    if suffix == ".csv":
        rows = _csv_rows(content)
    elif suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(content)
    else:
        raise ValidationError(_("รองรับเฉพาะไฟล์ .json, .csv และ .xlsx (ได้ “%(name)s”)") % {"name": name})
    return framework_load(data=framework_data_from_rows(rows, fiscal_year=fiscal_year, assessor_code=assessor_code))
