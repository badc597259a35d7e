"""The filters and sort of a supervisor's area."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.models import Grade


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
    # Column headers sort too (e.g. "-name"), so any key of measures.selectors.AREA_SORTS is accepted here.
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
