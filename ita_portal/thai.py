"""Thai calendar, digits and money: the one module every screen, document and import uses.

- Buddhist Era (BE) years = CE + 543.
- ปีงบประมาณ (fiscal year) runs 1 October → 30 September and is named by the BE year it ends in:
  FY 2567 = 1 Oct 2566 – 30 Sep 2567.
- ไตรมาส 1 = ต.ค.–ธ.ค., 2 = ม.ค.–มี.ค., 3 = เม.ย.–มิ.ย., 4 = ก.ค.–ก.ย.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.utils.translation import gettext, gettext_lazy

BE_OFFSET = 543

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")

MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
MONTHS_ABBR = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
# English mode of the pages (never documents, which are Thai): the same BE years, English month names.
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTHS_ABBR_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")


def to_thai_digits(value: object) -> str:
    """'2567' → '๒๕๖๗'; any other characters are kept."""
    return str(value).translate(_TO_THAI)


def to_arabic_digits(value: object) -> str:
    """'๑๕/๐๖/๒๕๖๗' → '15/06/2567'."""
    return str(value).translate(_TO_ARABIC)


def digits(value: object, thai: bool) -> str:
    """Render digits in the set a document or agency chose."""
    return to_thai_digits(value) if thai else str(value)


# --- one digit rule per page ----------------------------------------------------------------
# A staff page about one agency writes every number with the digits the agency chose
# (``Agency.use_thai_digits``, the setting its documents follow), so "ครั้งที่ ๑" never stands
# beside "ครั้งที่ 1". The view states the rule (``set_page_digits``); the template filters of
# ``thai_tags`` (be_date, be_datetime, thai_digits, digits, baht) follow it. Codes, URLs and
# e-mail addresses are not passed through those filters and keep their characters. English
# pages always use Arabic digits. The locale middleware clears the rule around each request.
_PAGE_THAI_DIGITS: ContextVar[bool | None] = ContextVar("page_thai_digits", default=None)


def set_page_digits(thai: bool | None) -> None:
    """The digit rule of the page being made: True Thai, False Arabic, None no rule (each filter's own default)."""
    _PAGE_THAI_DIGITS.set(thai)


def page_thai_digits() -> bool | None:
    """The current page's digit rule: None when the page states none, False on an English page."""
    from django.utils.translation import get_language

    rule = _PAGE_THAI_DIGITS.get()
    if rule is None:
        return None
    return rule and not (get_language() or "").startswith("en")


@contextmanager
def page_digits(thai: bool | None):
    """Run a block (a request, a test) with a digit rule, restoring the previous one afterwards."""
    token = _PAGE_THAI_DIGITS.set(thai)
    try:
        yield
    finally:
        _PAGE_THAI_DIGITS.reset(token)


def be_year(value: dt.date | int) -> int:
    """The Buddhist-Era year of a date (or of a CE year)."""
    year = value if isinstance(value, int) else value.year
    return year + BE_OFFSET


def ce_year(be: int) -> int:
    return be - BE_OFFSET


def fiscal_year_of(day: dt.date) -> int:
    """The BE fiscal year a date falls in (October starts the next one)."""
    return be_year(day.year + 1 if day.month >= 10 else day.year)


def fiscal_year_bounds(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a BE fiscal year: 2567 → (2023-10-01, 2024-09-30)."""
    end_ce = ce_year(fiscal_year)
    return dt.date(end_ce - 1, 10, 1), dt.date(end_ce, 9, 30)


def fiscal_quarter_of(day: dt.date) -> int:
    """ไตรมาส 1–4 of the fiscal year (Oct–Dec is 1)."""
    return (day.month - 10) % 12 // 3 + 1


def fiscal_quarter_bounds(fiscal_year: int, quarter: int) -> tuple[dt.date, dt.date]:
    if quarter not in (1, 2, 3, 4):
        raise ValueError("quarter must be 1–4")
    start, _ = fiscal_year_bounds(fiscal_year)
    month0 = start.month - 1 + (quarter - 1) * 3  # 0-based month counted from January of start year
    year = start.year + month0 // 12
    month = month0 % 12 + 1
    first = dt.date(year, month, 1)
    nxt_month0 = month0 + 3
    nxt = dt.date(start.year + nxt_month0 // 12, nxt_month0 % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def format_date(day: dt.date | dt.datetime | None, *, thai_digits: bool = True, abbr: bool = False, english: bool = False) -> str:
    """'๑๕ มิถุนายน ๒๕๖๗' (or '15 มิ.ย. 2567' with abbr and Arabic digits; '15 June 2567' with
    ``english``, for the pages in English mode — documents always call it without)."""
    if day is None:
        return ""
    if english:
        months = MONTHS_ABBR_EN if abbr else MONTHS_EN
    else:
        months = MONTHS_ABBR if abbr else MONTHS
    text = f"{day.day} {months[day.month - 1]} {be_year(day)}"
    return digits(text, thai_digits)


def format_short_date(day: dt.date | None, *, thai_digits: bool = False) -> str:
    """'15/06/2567': the form people type into date fields."""
    if day is None:
        return ""
    return digits(f"{day.day:02d}/{day.month:02d}/{be_year(day)}", thai_digits)


class ThaiDateError(ValueError):
    """A typed date that cannot be read; the message is Thai and safe to show to the user."""


_SEP = r"\s*[/.\-]\s*"
_DATE_RE = re.compile(rf"^(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{2}}|\d{{4}})$")
_ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS_RE = re.compile(r"^(\d{1,2})\s*([^\d\s][^\d]*?)\s*(?:(พ\.?\s*ศ\.?|ค\.?\s*ศ\.?)\s*)?(\d{2}|\d{4})$")


def _month_key(word: str) -> str:
    return re.sub(r"[\s.]", "", word)


# Every way officers write a month: full names, abbreviations with or without dots.
_MONTH_WORDS = {_month_key(name): i for i, name in enumerate(MONTHS, 1)}
_MONTH_WORDS.update({_month_key(abbr): i for i, abbr in enumerate(MONTHS_ABBR, 1)})
# …and the spoken short forms (มิถุนา, ธันวา): the name without its -คม/-ยน/-พันธ์ ending.
_MONTH_WORDS.update({re.sub(r"(คม|ยน|พันธ์)$", "", name): i for i, name in enumerate(MONTHS, 1)})

# The parser's messages are read in the request's language (gettext at the moment of the error):
# Thai by default, English for a user who chose English.
FORMAT_MESSAGE = gettext_lazy("รูปแบบวันที่ไม่ถูกต้อง กรุณาพิมพ์เป็น วัน/เดือน/ปี พ.ศ. เช่น 15/6/2567, ๑๕/๐๖/๒๕๖๗ หรือ 15 มิ.ย. 2567")


def _ce_refusal(year: int, month: int, day: int) -> ThaiDateError:
    """A Christian-era year is never taken silently: say so and name the BE date probably meant."""
    try:
        meant = gettext(" (น่าจะเป็น %(date)s)") % {"date": format_short_date(dt.date(year, month, day))}
    except ValueError:
        meant = gettext(" (น่าจะเป็น พ.ศ. %(year)s)") % {"year": year + BE_OFFSET}
    return ThaiDateError(gettext("ปี %(year)s เป็นปีคริสต์ศักราช กรุณาระบุปีพุทธศักราช%(meant)s") % {"year": year, "meant": meant})


def _split(raw: str) -> tuple[int, int, str, bool]:
    """(day, month, year as typed, year written after ค.ศ.) from any accepted layout."""
    iso = _ISO_RE.match(raw)
    if iso:
        year, month, day = iso.groups()
        return int(day), int(month), year, False
    numeric = _DATE_RE.match(raw)
    if numeric:
        day, month, year = numeric.groups()
        return int(day), int(month), year, False
    words = _WORDS_RE.match(raw)
    if words:
        day, month_word, era, year = words.groups()
        month = _MONTH_WORDS.get(_month_key(month_word))
        if month is None:
            raise ThaiDateError(gettext("ไม่รู้จักชื่อเดือน “%(word)s”") % {"word": month_word} + f" {FORMAT_MESSAGE}")
        return int(day), month, year, bool(era and era.startswith("ค"))
    raise ThaiDateError(str(FORMAT_MESSAGE))


#: The years any date in the portal may have (measures, steps, meetings, reports, progress):
#: BE 2500–2600 (CE 1957–2057). A year outside is a typing slip, never silently shifted.
BE_YEAR_MIN, BE_YEAR_MAX = 2500, 2600


def _out_of_window(year: int) -> str:
    return gettext("ปี %(year)s อยู่นอกช่วงที่รับได้ กรุณาระบุปี พ.ศ. %(min)s–%(max)s") % {
        "year": year,
        "min": BE_YEAR_MIN,
        "max": BE_YEAR_MAX,
    }


def parse_be_date(text: str) -> dt.date:
    """Read a date typed the Thai way, the one parser of every date field and import.

    Accepted: ``15/6/2567``, ``๑๕/๐๖/๒๕๖๗``, ``15-06-67``, ``15.6.67``, ``1 มิ.ย. 2567``,
    ``1 มิถุนายน พ.ศ. 2567``, ``๑ มิ.ย. ๖๗`` and year-first BE ``2567-06-15`` (the date picker
    itself writes ``dd/mm/BBBB``, converting the browser's CE value before it reaches the field).
    Two-digit years are BE 25xx. A Christian-era year (1900–2200, in any layout, ISO included,
    or written after ค.ศ.) is refused with a message naming the BE date probably meant, because
    taking it silently moves the date by 543 years. Every year must lie in ``BE_YEAR_MIN``–``BE_YEAR_MAX``
    (``9999-12-31`` is refused, not moved to 9456).
    """
    raw = re.sub(r"\s+", " ", to_arabic_digits(text or "").strip())
    if not raw:
        raise ThaiDateError(gettext("กรุณาระบุวันที่"))
    day, month, year_text, written_ce = _split(raw)
    year = int(year_text)
    if len(year_text) == 2:
        year += 2500
    elif written_ce or 1900 <= year <= 2200:
        # A CE year is refused; one that would be outside the window even in BE says so instead.
        if not BE_YEAR_MIN <= year + BE_OFFSET <= BE_YEAR_MAX:
            raise ThaiDateError(_out_of_window(year))
        raise _ce_refusal(year, month, day)
    if not BE_YEAR_MIN <= year <= BE_YEAR_MAX:
        raise ThaiDateError(_out_of_window(year))
    try:
        return dt.date(year - BE_OFFSET, month, day)
    except ValueError as exc:
        raise ThaiDateError(gettext("ไม่มีวันที่ %(date)s ในปฏิทิน") % {"date": text.strip()}) from exc


def baht_text(amount: Decimal | int | float) -> str:
    """Amount in words as written on Thai official documents: 'หนึ่งพันบาทถ้วน'."""
    # pythainlp costs ~0.3 s at import; only documents spell amounts out, so web workers and
    # `manage.py check` do not pay for it.
    from pythainlp.util import bahttext

    return bahttext(float(amount))


def format_baht(amount: Decimal | int | float | None, *, thai_digits: bool = False) -> str:
    """'12,500.00' with the digit set chosen."""
    if amount is None:
        return ""
    return digits(f"{Decimal(amount):,.2f}", thai_digits)


def format_number(value: object, *, thai_digits: bool) -> str:
    return digits(value, thai_digits)


# Characters that extend the grapheme cluster before them: combining marks (Mn, Mc, Me), ZWNJ,
# ZWJ, and the Grapheme_Cluster_Break=SpacingMark letters that matter here (Thai sara am, Lao am).
GRAPHEME_EXTEND = (
    "".join(chr(c) for c in range(0x300, 0x10000) if unicodedata.category(chr(c)) in ("Mn", "Mc", "Me"))
    + "\u200c\u200d\u0e33\u0eb3"
)
GRAPHEME_RE = re.compile(f"(?:[^{re.escape(GRAPHEME_EXTEND)}]|^)[{re.escape(GRAPHEME_EXTEND)}]*", re.S)


def grapheme_count(text: str) -> int:
    """Number of grapheme clusters in ``text`` (a base character with all its marks is one)."""
    return sum(1 for part in GRAPHEME_RE.findall(text) if part)
