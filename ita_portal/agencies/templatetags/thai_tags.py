"""Template filters for Thai dates, digits and money, thin wrappers over ``ita_portal.thai``.

``{% load thai_tags %}`` then:

- ``{{ day|be_date }}`` → ``๑๕ มิถุนายน ๒๕๖๗``; ``be_date:"abbr"`` → ``15 มิ.ย. 2567``;
  ``be_date:"short"`` → ``15/06/2567``. Add ``thai`` or ``arabic`` to choose the digits
  (``be_date:"abbr,thai"`` → ``๑๕ มิ.ย. ๒๕๖๗``). Aware datetimes are shown in Bangkok time.
- ``{{ moment|be_datetime }}`` → ``15 มิ.ย. 2567 เวลา 09.30 น.`` (same options, default ``abbr``).
- ``{{ value|thai_digits }}`` → Thai digits; ``thai_digits:agency.use_thai_digits`` follows a preference.
- ``{{ value|digits }}`` → the page's digit rule (``ita_portal.thai.set_page_digits``), which the
  date, digit and money filters follow too unless given ``thai`` or ``arabic``.
- ``{{ amount|baht }}`` → ``12,500.00 บาท``; ``baht:"thai"`` Thai digits, ``baht:"plain"`` without the
  unit, ``baht:"text"`` → ``หนึ่งหมื่นสองพันห้าร้อยบาทถ้วน``.
- ``{{ span|minutes }}`` → whole minutes of a ``timedelta`` (rounded up), e.g. a lock-out's cool-off.
- ``{{ day|fiscal_year }}`` → ``2567`` (the BE fiscal year a date falls in); ``{{ day|be_year }}``.
Empty values (None, "") render as an empty string, never as "None".

In English mode (the user chose English) month names are English and the time reads
``15 Jun 2567, 09.30``; years stay Buddhist Era. Documents do not use these filters (their
``reports.documents.common.Fmt`` is always Thai), so official text stays Thai.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone
from django.utils.translation import get_language, gettext

from ita_portal import thai

register = template.Library()


def _options(arg: object) -> set[str]:
    return {part.strip().lower() for part in str(arg or "").split(",") if part.strip()}


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def english() -> bool:
    """The page is in English (the user's choice): month names and units in English."""
    return (get_language() or "").startswith("en")


def page_rule() -> bool | None:
    """The page's digit rule (``thai.set_page_digits``): Arabic on English pages, None without a rule."""
    return thai.page_thai_digits()


def _thai_digits(opts: set[str], default_thai: bool) -> bool:
    """An explicit ``thai``/``arabic`` option wins, then the page's rule, then the filter's default."""
    if "thai" in opts:
        return True
    if "arabic" in opts:
        return False
    rule = page_rule()
    return default_thai if rule is None else rule


def _format_day(day: dt.date, opts: set[str], *, default_thai: bool) -> str:
    thai_digits = _thai_digits(opts, default_thai)
    if "short" in opts:
        return thai.format_short_date(day, thai_digits=thai_digits)
    return thai.format_date(day, thai_digits=thai_digits, abbr="abbr" in opts, english=english())


@register.filter
def be_date(value: object, arg: object = "") -> str:
    """A date in the Buddhist Era, Thai style (see the module docstring for the options)."""
    day = _as_date(value)
    if day is None:
        return ""
    opts = _options(arg)
    # The long form is the official one and uses Thai digits; abbreviated and numeric forms are
    # for tables and forms, where Arabic digits are what people type.
    default_thai = not ({"abbr", "short"} & opts)
    return _format_day(day, opts, default_thai=default_thai)


@register.filter
def be_datetime(value: object, arg: object = "abbr") -> str:
    """Date and time: ``15 มิ.ย. 2567 เวลา 09.30 น.``."""
    if not isinstance(value, dt.datetime):
        return be_date(value, arg)
    moment = timezone.localtime(value) if timezone.is_aware(value) else value
    opts = _options(arg)
    default_thai = not ({"abbr", "short"} & opts)
    thai_digits = _thai_digits(opts, default_thai)
    time_text = thai.digits(f"{moment.hour:02d}.{moment.minute:02d}", thai_digits)
    return gettext("%(date)s เวลา %(time)s น.") % {
        "date": _format_day(moment.date(), opts, default_thai=default_thai),
        "time": time_text,
    }


_UNSET = object()


@register.filter
def thai_digits(value: object, use_thai: object = _UNSET) -> str:
    """Arabic digits → Thai digits (unless ``use_thai`` is false: then unchanged); without an
    argument on a page with a digit rule, the rule decides."""
    if value is None:
        return ""
    if use_thai is _UNSET:
        rule = page_rule()
        use_thai = True if rule is None else rule
    return thai.digits(value, bool(use_thai))


@register.filter
def digits(value: object) -> str:
    """A number (or text of numbers: '4/10', '40%', the document number 'ศธ ๐๒๑๐๒/1') in the
    page's digits: Thai or Arabic as the page's agency chose, as it is on a page without a rule.
    Not for codes, URLs or e-mail addresses."""
    if value is None:
        return ""
    rule = page_rule()
    if rule is None:
        return str(value)
    return thai.to_thai_digits(value) if rule else thai.to_arabic_digits(value)


@register.filter
def baht(value: object, arg: object = "") -> str:
    """An amount of money: ``12,500.00 บาท`` (options ``thai``, ``plain``, ``text``; ``dash``
    writes "-" for no amount or 0, where 0 means "no budget" rather than a sum worth printing)."""
    opts = _options(arg)
    empty = "-" if "dash" in opts else ""
    if value is None or value == "":
        return empty
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return empty
    if not amount and "dash" in opts:
        return empty
    if "text" in opts:
        return thai.baht_text(amount)
    number = thai.format_baht(amount, thai_digits=_thai_digits(opts, False))
    if "plain" in opts:
        return number
    unit = gettext("บาท")
    return f"{number} {unit}"


@register.filter
def fiscal_year(value: object) -> int | str:
    """The BE fiscal year (ปีงบประมาณ) a date falls in: 1 Oct 2023 → 2567."""
    day = _as_date(value)
    return "" if day is None else thai.fiscal_year_of(day)


@register.filter
def be_year(value: object) -> int | str:
    """The Buddhist-Era year of a date or of a CE year number."""
    day = _as_date(value)
    if day is not None:
        return thai.be_year(day)
    if isinstance(value, int):
        return thai.be_year(value)
    return ""


@register.filter
def minutes(value: object) -> int | str:
    """Whole minutes of a ``timedelta``, rounded up (``timedelta(seconds=61)`` → 2); "" otherwise."""
    if not isinstance(value, dt.timedelta):
        return ""
    return max(0, -(-int(value.total_seconds()) // 60))
