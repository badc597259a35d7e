"""Follow-up meetings: one meeting, the generator of a series, the minutes."""

from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ita_portal.agencies.models import Agency, Division, Membership
from ita_portal.forms_thai import ThaiDateField, ThaiTimeField
from ita_portal.text_limits import BoundedTextMixin
from measures.forms._common import AgencyScopedMixin, textarea
from measures.models import FollowUp, Measure
from measures.services._common import check_period


class FollowUpForm(BoundedTextMixin, AgencyScopedMixin, forms.Form):
    """One meeting: date (BE), time, place or online link, agenda, people."""

    measure = forms.ModelChoiceField(
        label=_("มาตรการ"), queryset=Measure.objects.none(), required=False, help_text=_("ว่างไว้ = การกำกับติดตามของทั้งแผน")
    )
    title = forms.CharField(label=_("รายการกิจกรรม / หัวข้อ"), max_length=500, required=False)
    date = ThaiDateField(label=_("วันที่"), error_messages={"required": _("กรุณาระบุวันที่")})
    start_time = ThaiTimeField(label=_("เวลาเริ่ม"), initial=dt.time(9, 0))
    end_time = ThaiTimeField(label=_("เวลาสิ้นสุด"), required=False)
    place = forms.CharField(label=_("สถานที่"), max_length=255, required=False)
    online_url = forms.URLField(
        label=_("ลิงก์ประชุมออนไลน์"),
        max_length=1000,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("ลิงก์ไม่ถูกต้อง")},
    )
    agenda = forms.CharField(label=_("วาระ / รายการติดตาม"), required=False, widget=textarea(3))
    attendees = forms.ModelMultipleChoiceField(
        label=_("ผู้เข้าร่วม"), queryset=Membership.objects.none(), required=False, widget=forms.SelectMultiple(attrs={"size": 5})
    )
    responsible_divisions = forms.ModelMultipleChoiceField(
        label=_("ผู้รับผิดชอบ (กลุ่มงาน)"), queryset=Division.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("หมายเหตุ"), max_length=500, required=False)

    def __init__(self, *args, agency: Agency, fiscal_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope(agency, fiscal_year)
        self.fields["measure"].queryset = Measure.objects.filter(agency=agency, fiscal_year=fiscal_year).order_by("order", "pk")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "measure",
            "title",
            Row(
                Column("date", css_class="col-md-4"),
                Column("start_time", css_class="col-md-4"),
                Column("end_time", css_class="col-md-4"),
            ),
            Row(Column("place", css_class="col-md-6"), Column("online_url", css_class="col-md-6")),
            "agenda",
            Row(Column("attendees", css_class="col-md-6"), Column("responsible_divisions", css_class="col-md-6")),
            "note",
        )

    def clean(self):
        data = super().clean()
        try:
            check_period(data.get("start_time"), data.get("end_time"), field="end_time", times=True)
        except ValidationError as exc:
            self.add_error(None, exc)
        return data

    def service_kwargs(self) -> dict:
        from measures.services.followups import BANGKOK

        data = dict(self.cleaned_data)
        day, start, end = data.pop("date"), data.pop("start_time"), data.pop("end_time")
        data["starts_at"] = dt.datetime.combine(day, start, tzinfo=BANGKOK)
        data["ends_at"] = dt.datetime.combine(day, end, tzinfo=BANGKOK) if end else None
        return data

    @classmethod
    def initial_for(cls, followup: FollowUp) -> dict:
        from django.utils import timezone

        start = timezone.localtime(followup.starts_at)
        end = timezone.localtime(followup.ends_at) if followup.ends_at else None
        return {
            "measure": followup.measure_id,
            "title": followup.title,
            "date": start.date(),
            "start_time": start.time(),
            "end_time": end.time() if end else None,
            "place": followup.place,
            "online_url": followup.online_url,
            "agenda": followup.agenda,
            "attendees": list(followup.attendees.all()),
            "responsible_divisions": list(followup.responsible_divisions.all()),
            "note": followup.note,
        }


class GenerateForm(FollowUpForm):
    """ "Every N days from … to …" with the weekdays-only option."""

    start = ThaiDateField(label=_("ตั้งแต่วันที่"), error_messages={"required": _("กรุณาระบุวันเริ่มต้น")})
    end = ThaiDateField(label=_("ถึงวันที่"), error_messages={"required": _("กรุณาระบุวันสิ้นสุด")})
    mode = forms.ChoiceField(
        label=_("รอบการประชุม"),
        choices=[("every", _("ทุก ๆ กี่วัน นับจากวันเริ่มต้น")), ("monthly", _("ทุกวันที่ที่กำหนดของเดือน"))],
        initial="every",
        widget=forms.RadioSelect,
    )
    every_days = forms.IntegerField(
        label=_("ทุก ๆ (วัน)"),
        min_value=1,
        max_value=366,
        required=False,
        error_messages={"min_value": _("จำนวนวันต้องอย่างน้อย 1 วัน"), "invalid": _("กรุณาระบุจำนวนวันเป็นตัวเลข")},
    )
    days_of_month = forms.CharField(
        label=_("วันที่ของเดือน"),
        required=False,
        help_text=_("คั่นด้วยจุลภาค เช่น 15, 30 (เดือนที่ไม่มีวันที่ 30 หรือ 31 ใช้วันสุดท้ายของเดือน)"),
    )
    weekdays_only = forms.BooleanField(
        label=_("เฉพาะวันทำการ"),
        required=False,
        help_text=_("วันที่ตรงกับวันเสาร์ อาทิตย์ วันหยุดราชการ หรือวันหยุดของหน่วยงาน จะเลื่อนไปเป็นวันทำการถัดไป"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("date")
        self.helper.layout = Layout(
            "measure",
            "title",
            Row(Column("start", css_class="col-md-6"), Column("end", css_class="col-md-6")),
            "mode",
            Row(Column("every_days", css_class="col-md-6"), Column("days_of_month", css_class="col-md-6")),
            "weekdays_only",
            Row(Column("start_time", css_class="col-md-6"), Column("end_time", css_class="col-md-6")),
            Row(Column("place", css_class="col-md-6"), Column("online_url", css_class="col-md-6")),
            "agenda",
            Row(Column("attendees", css_class="col-md-6"), Column("responsible_divisions", css_class="col-md-6")),
        )
        self.fields.pop("note")

    def clean_days_of_month(self):
        from ita_portal.thai import to_arabic_digits

        raw = to_arabic_digits(self.cleaned_data.get("days_of_month", "")).replace(" ", "")
        if not raw:
            return []
        parts = [p for p in raw.replace("และ", ",").split(",") if p]
        if not all(p.isdigit() and 1 <= int(p) <= 31 for p in parts):
            raise ValidationError(_("กรุณาระบุวันที่ 1–31 คั่นด้วยจุลภาค เช่น 15, 30"))
        return sorted({int(p) for p in parts})

    def clean(self):
        data = super().clean()
        try:
            check_period(data.get("start"), data.get("end"), field="end")
        except ValidationError as exc:
            self.add_error(None, exc)
        if data.get("mode") == "monthly":
            if not data.get("days_of_month") and "days_of_month" not in self.errors:
                self.add_error("days_of_month", _("กรุณาระบุวันที่ของเดือน เช่น 15, 30"))
        elif data.get("every_days") is None and "every_days" not in self.errors:
            self.add_error("every_days", _("กรุณาระบุจำนวนวัน"))
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        if data.pop("mode", "every") == "monthly":
            data["every_days"] = None
        else:
            data["days_of_month"] = None
        return data


class MinutesForm(BoundedTextMixin, forms.Form):
    text_limits = {"minutes": 10000}
    minutes = forms.CharField(label=_("บันทึกผลการประชุม"), widget=textarea(6), required=False)
