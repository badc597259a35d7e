"""Forms of the score pages: one score per indicator, one row per OIT item, the upload, weaknesses,
and the area filter. Thai digits are accepted everywhere a number is typed."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.item_text import REMARK_MAX_LENGTH, url_form_field
from indicators.models import Grade
from ita_portal.text_limits import BoundedTextMixin
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


class IndicatorScoreForm(forms.Form):
    score = ThaiDecimalField(label=_("คะแนน"))

    def __init__(self, *args, indicator=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator


RESULT_CHOICES = [("", _("— ยังไม่ระบุ —")), ("1", _("ผ่าน")), ("0", _("ไม่ผ่าน"))]


class ItemResultForm(forms.Form):
    result = forms.ChoiceField(label=_("ผล"), choices=RESULT_CHOICES, required=False)
    remark = forms.CharField(label=_("หมายเหตุ"), required=False, max_length=REMARK_MAX_LENGTH)
    url = url_form_field(label=_("URL ที่เผยแพร่"), required=False)

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["result"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["remark"].widget.attrs["class"] = "form-control form-control-sm"
        self.fields["url"].widget.attrs["class"] = "form-control form-control-sm"

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


class WeaknessForm(BoundedTextMixin, forms.Form):
    kind = forms.ChoiceField(label=_("ประเภท"))
    title = forms.CharField(label=_("ประเด็น"), max_length=500, error_messages={"required": _("กรุณากรอกประเด็น")})
    analysis = forms.CharField(label=_("ผลการวิเคราะห์"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    indicator = forms.TypedChoiceField(label=_("ตัวชี้วัด"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, indicators=(), with_indicator=True, **kwargs):
        from measures.models import WeaknessKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = WeaknessKind.choices
        if with_indicator:
            self.fields["indicator"].choices = [("", _("— ไม่ระบุ —"))] + [(i.pk, f"{i.number}. {i.name}") for i in indicators]
        else:
            del self.fields["indicator"]


class AreaFilterForm(forms.Form):
    SORTS = [
        ("name", _("ชื่อหน่วยงาน")),
        ("code", _("รหัสหน่วยงาน")),
        ("-score", _("คะแนนรวม มาก → น้อย")),
        ("score", _("คะแนนรวม น้อย → มาก")),
        ("weakest", _("ตัวชี้วัดต่ำสุด น้อย → มาก")),
        ("-done", _("มาตรการดำเนินการแล้ว มาก → น้อย")),
    ]
    RESULTS = [("", _("ทั้งหมด")), ("passed", _("ผ่าน")), ("failed", _("ไม่ผ่าน")), ("missing", _("ยังไม่มีคะแนน"))]

    q = forms.CharField(label=_("ค้นหา"), required=False, max_length=100)
    grade = forms.ChoiceField(label=_("ระดับ"), required=False, choices=[("", _("ทุกระดับ")), *Grade.choices])
    result = forms.ChoiceField(label=_("ผลการประเมิน"), required=False, choices=RESULTS)
    # Column headers sort too (e.g. "-name"), so any key of selectors.AREA_SORTS is accepted here.
    sort = forms.CharField(label=_("เรียงตาม"), required=False, max_length=20, widget=forms.Select(choices=SORTS))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("grade", "result", "sort"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"q": data["q"].strip(), "grade": data["grade"], "result": data["result"], "sort": data["sort"] or "name"}
