"""Forms of the score pages: one score per indicator, one row per OIT item, the upload.
Thai digits are accepted everywhere a number is typed."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.item_text import REMARK_MAX_LENGTH, url_form_field
from ita_portal.thai import to_arabic_digits

MAX_UPLOAD_BYTES = 30 * 1024 * 1024


class ThaiDecimalField(forms.DecimalField):
    """A 0–100 score with at most two decimals; '๙๕.๖๗' is read as 95.67."""

    default_error_messages = {
        "invalid": _("กรุณากรอกคะแนนเป็นตัวเลข เช่น 95.67"),
        "max_value": _("คะแนนต้องไม่เกิน %(limit_value)s"),
        "min_value": _("คะแนนต้องไม่น้อยกว่า %(limit_value)s"),
        "max_decimal_places": _("คะแนนมีทศนิยมได้ไม่เกิน %(max)s ตำแหน่ง"),
        "max_digits": _("คะแนนมีตัวเลขได้ไม่เกิน %(max)s หลัก"),
        "max_whole_digits": _("คะแนนมีตัวเลขได้ไม่เกิน %(max)s หลัก"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("max_value", Decimal("100"))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control text-end", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = to_arabic_digits(value).strip()
        return super().to_python(value)


class _SharedFields(dict):
    """``base_fields`` whose "deep copy" (what ``BaseForm.__init__`` makes for every instance) is a
    new dict of the same field objects."""

    def __deepcopy__(self, memo):
        return dict(self)


def shared_fields(form_class):
    """Class decorator for a form made once per row of a long page (score entry: one per indicator
    and one per OIT item, about 60) whose fields and widgets nothing changes per instance: the
    instances share the class's field objects instead of Django's deep copy of every field, widget
    and choice list per form. A form that changes ``self.fields[...]`` in place must not use it
    (adding or removing fields is per instance and stays safe)."""
    form_class.base_fields = _SharedFields(form_class.base_fields)
    return form_class


@shared_fields
class IndicatorScoreForm(forms.Form):
    score = ThaiDecimalField(label=_("คะแนน"))

    def __init__(self, *args, indicator=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator


RESULT_CHOICES = [("", _("— ยังไม่ระบุ —")), ("1", _("ผ่าน")), ("0", _("ไม่ผ่าน"))]


@shared_fields
class ItemResultForm(forms.Form):
    result = forms.ChoiceField(
        label=_("ผล"), choices=RESULT_CHOICES, required=False, widget=forms.Select(attrs={"class": "form-select form-select-sm"})
    )
    remark = forms.CharField(
        label=_("หมายเหตุ"),
        required=False,
        max_length=REMARK_MAX_LENGTH,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    url = url_form_field(label=_("URL ที่เผยแพร่"), required=False)
    url.widget.attrs["class"] = "form-control form-control-sm"

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item

    def passed(self) -> bool | None:
        return {"1": True, "0": False}.get(self.cleaned_data.get("result", ""))


class AssessmentForm(forms.Form):
    rating_text = forms.CharField(
        label=_("ผลการประเมินเชิงคุณภาพ"), required=False, max_length=100, help_text=_("เช่น ผ่านดี (ตั้งแต่ปี 2568)")
    )
    note = forms.CharField(label=_("หมายเหตุ"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ScoreUploadForm(forms.Form):
    file = forms.FileField(
        label=_("ไฟล์คะแนน (.csv หรือ .xlsx)"),
        error_messages={"required": _("กรุณาเลือกไฟล์"), "empty": _("ไฟล์ว่าง")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("รองรับเฉพาะไฟล์ .csv และ .xlsx"))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("ไฟล์ใหญ่เกิน 30 MB ใช้คำสั่ง import_scores สำหรับไฟล์ขนาดใหญ่"))
        return upload
