"""One score-file row's indicator and item cells turned into values (``parse_scores`` calls it per
row), every distinct code and result word resolved once."""

from __future__ import annotations

from django.utils.translation import gettext as _

from indicators.importing.parsed import ItemValue, ParsedScores
from indicators.importing.values import indicator_number as read_indicator_number
from indicators.importing.values import item_code, parse_result, parse_score
from indicators.item_text import clean_remark, clean_url
from indicators.models import Framework, Indicator, Item
from ita_portal.spreadsheets import unquote_cell


class Resolver:
    """Turns one row's indicator/item cells into values, caching every distinct code it meets."""

    def __init__(self, parsed: ParsedScores, at: dict[str, int]):
        self.parsed = parsed
        self.at = at
        self.indicators: dict[tuple[int, str], Indicator | None] = {}
        self.items: dict[tuple[int, str], Item | None] = {}
        self.results: dict[str, bool | str] = {}

    def indicator(self, framework: Framework, numbers: dict[int, Indicator], text: str) -> Indicator | None:
        key = (framework.pk, text)
        if key not in self.indicators:
            number = read_indicator_number(text)
            self.indicators[key] = numbers.get(number) if number is not None else None
        return self.indicators[key]

    def item(self, framework: Framework, codes: dict[str, Item], text: str) -> Item | None:
        key = (framework.pk, text)
        if key not in self.items:
            code = item_code(text)
            self.items[key] = codes.get(code) if code else None
        return self.items[key]

    def score(self, number: int, key: tuple[int, int, int], text: str, indicator_number: int) -> None:
        parsed = self.parsed
        try:
            score = parse_score(text)
        except ValueError as exc:
            parsed.add_error(number, f"{_indicator_label(indicator_number)}: {exc}")
            return
        first = parsed.indicator_scores.get(key)
        if first is not None:
            parsed.add_error(
                number, _("%(label)s ซ้ำกับแถวที่ %(row)s") % {"label": _indicator_label(indicator_number), "row": first[1]}
            )
            return
        parsed.indicator_scores[key] = (score, number)

    def result(self, number: int, key: tuple[int, int, int], text: str, code: str, url: str = "", remark: str = "") -> None:
        parsed = self.parsed
        value = self.results.get(text)
        if value is None:
            try:
                value = parse_result(text)
            except ValueError as exc:
                value = str(exc)
            self.results[text] = value
        if isinstance(value, str):
            parsed.add_error(number, f"{_item_label(code)}: {value}")
            return
        first = parsed.item_results.get(key)
        if first is not None:
            parsed.add_error(number, _("%(label)s ซ้ำกับแถวที่ %(row)s") % {"label": _item_label(code), "row": first.row})
            return
        try:  # the database's own rules, so that a preview that passes is a commit that passes
            url, remark = (clean_url(url) if url else ""), (clean_remark(remark) if remark else "")
        except ValueError as exc:
            parsed.add_error(number, f"{_item_label(code)}: {exc}")
            return
        parsed.item_results[key] = ItemValue(passed=value, url=url, remark=remark, row=number)

    def long_row(self, number, cells, agency_id, entry) -> None:
        framework, numbers, codes = entry
        parsed, at = self.parsed, self.at
        indicator_text, item_text = cells[at["indicator"]].strip(), cells[at["item"]].strip()
        value = cells[at["score"]].strip() or cells[at["result"]].strip()
        if indicator_text and item_text:
            parsed.add_error(number, _("ระบุได้เพียง ตัวชี้วัดที่ หรือ ข้อ อย่างใดอย่างหนึ่งต่อแถว"))
        elif indicator_text:
            indicator = self.indicator(framework, numbers, indicator_text)
            if indicator is None:
                parsed.add_error(
                    number,
                    _("ไม่พบตัวชี้วัดที่ “%(value)s” ในกรอบการประเมินปี %(year)s")
                    % {"value": indicator_text, "year": framework.fiscal_year},
                )
            elif not value:
                parsed.add_error(number, _("ตัวชี้วัดที่ %(n)s: ไม่ได้กรอกคะแนน") % {"n": indicator.number})
            else:
                self.score(number, (agency_id, framework.pk, indicator.pk), value, indicator.number)
        elif item_text:
            item = self.item(framework, codes, item_text)
            if item is None:
                parsed.add_error(
                    number,
                    _("ไม่พบข้อ “%(value)s” ในกรอบการประเมินปี %(year)s") % {"value": item_text, "year": framework.fiscal_year},
                )
            elif not value:
                parsed.add_error(number, _("ข้อ %(code)s: ไม่ได้กรอกผล") % {"code": item.code})
            else:
                self.result(
                    number,
                    (agency_id, framework.pk, item.pk),
                    value,
                    item.code,
                    unquote_cell(cells[at["url"]].strip()),
                    unquote_cell(cells[at["remark"]].strip()),
                )
        else:
            parsed.add_error(number, _("ไม่ได้ระบุ ตัวชี้วัดที่ หรือ ข้อ"))

    def wide_row(self, number, cells, wide_indicators, wide_items, agency_id, entry) -> None:
        framework, numbers, codes = entry
        parsed = self.parsed
        found = False
        for index, indicator_number in wide_indicators.items():
            text = cells[index].strip()
            if not text:
                continue
            found = True
            indicator = numbers.get(indicator_number)
            if indicator is None:
                parsed.add_error(
                    number,
                    _("ไม่พบ%(label)s ในกรอบการประเมินปี %(year)s")
                    % {"label": _indicator_label(indicator_number), "year": framework.fiscal_year},
                )
                continue
            self.score(number, (agency_id, framework.pk, indicator.pk), text, indicator_number)
        for index, code in wide_items.items():
            text = cells[index].strip()
            if not text:
                continue
            found = True
            item = codes.get(code)
            if item is None:
                parsed.add_error(
                    number, _("ไม่พบข้อ %(code)s ในกรอบการประเมินปี %(year)s") % {"code": code, "year": framework.fiscal_year}
                )
                continue
            self.result(number, (agency_id, framework.pk, item.pk), text, code)
        if not found:
            parsed.add_error(number, _("แถวนี้ไม่มีคะแนนหรือผลรายข้อ"))


def _indicator_label(number: int) -> str:
    return _("ตัวชี้วัดที่ %(n)s") % {"n": number}


def _item_label(code: str) -> str:
    return _("ข้อ %(code)s") % {"code": code}
