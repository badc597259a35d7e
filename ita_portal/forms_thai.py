"""Thai input fields shared by every app's forms: dates typed in the Buddhist Era with Thai or
Arabic digits (``ita_portal.thai.parse_be_date``) and times written ``09:30`` or ``09.30``."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ita_portal.thai import ThaiDateError, format_short_date, parse_be_date

DATE_PLACEHOLDER = _("วว/ดด/ปปปป เช่น 15/6/2567")
DATE_HELP = _("ปีพุทธศักราช พิมพ์ได้ทั้งเลขไทยและเลขอารบิก เช่น ๑๕/๐๖/๒๕๖๗, 15/6/2567 หรือ 15 มิ.ย. 2567 หรือเลือกจากปฏิทิน (Alt+↓)")


class ThaiDateInput(forms.TextInput):
    """A text field (any typed form is read by the parser); static/js/thai-datepicker.js adds a
    Buddhist-Era calendar button beside every ``input.thai-date``."""

    input_type = "text"

    def __init__(self, attrs=None):
        base = {"placeholder": DATE_PLACEHOLDER, "autocomplete": "off", "class": "thai-date"}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, dt.date):
            return format_short_date(value)
        return super().format_value(value)


class ThaiDateField(forms.Field):
    """A date typed in the Buddhist Era (``๑๕/๐๖/๒๕๖๗``, ``15/6/2567``, ``1 มิ.ย. 2567``); CE years
    in any layout are refused with a message naming the BE date probably meant
    (``ita_portal.thai.parse_be_date``, the one parser)."""

    widget = ThaiDateInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", DATE_HELP)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return parse_be_date(str(value))
        except ThaiDateError as exc:
            raise ValidationError(str(exc), code="invalid") from exc


class ThaiTimeField(forms.TimeField):
    """``09:30`` or ``09.30`` (as Thai documents write times)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%H:%M", "%H.%M", "%H:%M:%S"])
        kwargs.setdefault("widget", forms.TimeInput(format="%H:%M", attrs={"placeholder": "09:30", "type": "time"}))
        kwargs.setdefault("error_messages", {"invalid": _("กรุณาระบุเวลาเป็น ชั่วโมง:นาที เช่น 09:30")})
        super().__init__(*args, **kwargs)
