"""Forms of the measures screens: Thai labels, help texts and errors; BE date inputs.

Forms only read and check what was typed; views hand ``cleaned_data`` to the services.
"""

from __future__ import annotations

import datetime as dt
import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator, Item
from indicators.selectors import frameworks_answered_by_measures
from ita_portal.agencies.models import Agency, Division, Membership
from ita_portal.thai import ThaiDateError, format_short_date, parse_be_date
from measures.models import FollowUp, Measure, MeasureStatus, ProgressUpdate, Weakness
from measures.uploads import ACCEPT_ATTR, validate_upload

DATE_PLACEHOLDER = "วว/ดด/ปปปป เช่น 15/6/2567"
DATE_HELP = _("ปีพุทธศักราช พิมพ์ได้ทั้งเลขไทยและเลขอารบิก เช่น ๑๕/๐๖/๒๕๖๗ หรือ 15/6/2567")
MONEY_ERRORS = {"min_value": _("จำนวนเงินต้องไม่ติดลบ"), "invalid": _("กรุณาระบุจำนวนเงินเป็นตัวเลข")}


class ThaiDateInput(forms.TextInput):
    input_type = "text"

    def __init__(self, attrs=None):
        base = {"placeholder": DATE_PLACEHOLDER, "inputmode": "numeric", "autocomplete": "off", "class": "thai-date"}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, dt.date):
            return format_short_date(value)
        return super().format_value(value)


class ThaiDateField(forms.Field):
    """A date typed in the Buddhist Era (``๑๕/๐๖/๒๕๖๗``, ``15/6/2567``); CE years are refused
    with a message naming the BE year probably meant (``ita_portal.thai.parse_be_date``)."""

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


def _money_field(label, help_text=""):
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=help_text,
        error_messages=MONEY_ERRORS,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )


def _textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class AgencyScopedMixin:
    """Limits division / people / weakness / indicator choices to one agency and fiscal year."""

    def scope(self, agency: Agency, fiscal_year: int) -> None:
        fields = self.fields  # type: ignore[attr-defined]
        if "responsible_divisions" in fields:
            fields["responsible_divisions"].queryset = Division.objects.filter(agency=agency, is_active=True).order_by(
                "order", "name"
            )
        for name in ("responsible_people", "attendees"):
            if name in fields:
                fields[name].queryset = (
                    Membership.objects.filter(agency=agency, is_active=True)
                    .select_related("agency")
                    .order_by("first_name_th", "last_name_th")
                )
                fields[name].label_from_instance = lambda m: (
                    f"{m.full_name}" + (f" — {m.position_title}" if m.position_title else "")
                )


class MeasureForm(AgencyScopedMixin, forms.ModelForm):
    """Everything seed 003 and 001 put in a measure row; steps are a list typed one per line."""

    steps_text = forms.CharField(
        label=_("ขั้นตอนหรือวิธีการปฏิบัติ"),
        required=False,
        widget=_textarea(6),
        help_text=_("หนึ่งบรรทัดต่อหนึ่งขั้นตอน ตามลำดับ (แก้ไข เพิ่ม ลบ และเรียงลำดับได้อีกครั้งในหน้ามาตรการ)"),
    )
    start_date = ThaiDateField(label=_("วันเริ่มต้น"), required=False)
    end_date = ThaiDateField(label=_("วันสิ้นสุด"), required=False)
    budget_planned = _money_field(_("งบประมาณที่วางแผน (บาท)"), _("ใส่ 0 หากไม่ใช้งบประมาณ"))

    class Meta:
        model = Measure
        fields = [
            "weakness",
            "indicator",
            "items",
            "issue_heading",
            "title",
            "weakness_text",
            "improvement_text",
            "guideline",
            "objective",
            "target_quantity",
            "target_quality",
            "responsible_divisions",
            "responsible_people",
            "responsible_note",
            "start_date",
            "end_date",
            "period_text",
            "budget_planned",
            "budget_source",
            "limitations",
            "monitoring_approach",
        ]
        widgets = {
            "weakness_text": _textarea(3),
            "improvement_text": _textarea(3),
            "guideline": _textarea(3),
            "objective": _textarea(2),
            "target_quantity": _textarea(2),
            "target_quality": _textarea(2),
            "limitations": _textarea(2),
            "monitoring_approach": _textarea(4),
            "responsible_divisions": forms.CheckboxSelectMultiple,
            "responsible_people": forms.SelectMultiple(attrs={"size": 6}),
            "items": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {
            "title": _("เช่น จัดทำคู่มือหรือมาตรฐานการปฏิบัติงานให้ครอบคลุมอย่างน้อย ๓ กระบวนงาน"),
            "limitations": _("เช่น งบประมาณสนับสนุนการดำเนินงานไม่เพียงพอ หรือ - ไม่มี -"),
            "monitoring_approach": _("เช่น กำกับติดตามการดำเนินงานทุก ๑๕ วัน ผ่านกลุ่มไลน์ และประชุมติดตาม"),
            "weakness": _("ว่างไว้ได้ หากเป็นมาตรการที่ไม่ได้มาจากจุดอ่อน"),
        }
        error_messages = {"title": {"required": _("กรุณาระบุชื่อมาตรการ")}}

    def __init__(self, *args, agency: Agency, fiscal_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency, self.fiscal_year = agency, fiscal_year
        self.scope(agency, fiscal_year)
        self.fields["weakness"].queryset = Weakness.objects.filter(agency=agency).order_by("-fiscal_year", "order", "pk")
        # Only the catalogue of the results this year's measures answer (see the selector), plus
        # whatever an existing measure already points at so an edit never drops it silently.
        frameworks = frameworks_answered_by_measures(fiscal_year)
        keep_indicator = Q(pk=self.instance.indicator_id) if self.instance.indicator_id else Q(pk__in=[])
        keep_items = Q(pk__in=self.instance.items.values("pk")) if self.instance.pk else Q(pk__in=[])
        self.fields["indicator"].queryset = (
            Indicator.objects.filter(Q(framework__in=frameworks) | keep_indicator)
            .select_related("framework__assessor")
            .order_by("-framework__fiscal_year", "framework__assessor__code", "number")
        )
        self.fields["indicator"].label_from_instance = lambda i: f"{i.framework.fiscal_year}: {i.number}. {i.name}"
        self.fields["items"].queryset = (
            Item.objects.filter(Q(framework__in=frameworks) | keep_items)
            .select_related("framework__assessor")
            .order_by("-framework__fiscal_year", "framework__assessor__code", "kind", "number")
        )
        self.fields["items"].label_from_instance = lambda i: f"{i.framework.fiscal_year}: {i.code} {i.title}"
        self.fields["items"].required = False
        if self.instance.pk:
            self.fields.pop("steps_text")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                _("ที่มาของมาตรการ"),
                Row(Column("weakness", css_class="col-md-6"), Column("indicator", css_class="col-md-6")),
                "items",
                "issue_heading",
            ),
            Fieldset(
                _("มาตรการและการวิเคราะห์"),
                "title",
                Row(Column("weakness_text", css_class="col-md-6"), Column("improvement_text", css_class="col-md-6")),
                "guideline",
                "objective",
                Row(Column("target_quantity", css_class="col-md-6"), Column("target_quality", css_class="col-md-6")),
                *(["steps_text"] if "steps_text" in self.fields else []),
            ),
            Fieldset(
                _("ผู้รับผิดชอบ"),
                Row(Column("responsible_divisions", css_class="col-md-6"), Column("responsible_people", css_class="col-md-6")),
                "responsible_note",
            ),
            Fieldset(
                _("ระยะเวลาและงบประมาณ"),
                Row(
                    Column("start_date", css_class="col-md-4"),
                    Column("end_date", css_class="col-md-4"),
                    Column("period_text", css_class="col-md-4"),
                ),
                Row(Column("budget_planned", css_class="col-md-4"), Column("budget_source", css_class="col-md-8")),
            ),
            Fieldset(_("ข้อจำกัดและการกำกับติดตาม"), "limitations", "monitoring_approach"),
        )

    def clean_budget_planned(self):
        value = self.cleaned_data.get("budget_planned")
        return value if value is not None else 0

    def clean_weakness(self):
        weakness = self.cleaned_data.get("weakness")
        if weakness is not None and weakness.agency_id != self.agency.pk:
            raise ValidationError(_("จุดอ่อนนี้ไม่ใช่ของหน่วยงานนี้"))
        return weakness

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("วันสิ้นสุดต้องไม่ก่อนวันเริ่มต้น"))
        return data

    def _post_clean(self):
        # Model validation runs in the service (with the agency set); skip ModelForm's partial one.
        pass

    def steps(self) -> list[str]:
        """One step per line; a typed "๑." / "2)" prefix is dropped (the list numbers itself)."""
        lines = (strip_step_number(line) for line in self.cleaned_data.get("steps_text", "").splitlines())
        return [line for line in lines if line]

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("steps_text", None)
        return data


_STEP_NUMBER = re.compile(r"^\s*[0-9๐-๙]{1,3}\s*[.)]\s*")


def strip_step_number(text: str) -> str:
    """'๑. แต่งตั้งคณะทำงาน' → 'แต่งตั้งคณะทำงาน' (steps are numbered by their order)."""
    return _STEP_NUMBER.sub("", text or "", count=1).strip()


class StepForm(forms.Form):
    text = forms.CharField(
        label=_("ขั้นตอน"), widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": _("กรุณาระบุขั้นตอน")}
    )
    due_date = ThaiDateField(label=_("กำหนดเสร็จ"), required=False, help_text="")

    def clean_text(self):
        text = strip_step_number(self.cleaned_data.get("text", ""))
        if not text:
            raise ValidationError(_("กรุณาระบุขั้นตอน"))
        return text


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleEvidenceField(forms.FileField):
    """Zero or more evidence files, each checked by size and by content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTR}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = []
        errors = []
        for upload in files:
            upload = super().clean(upload, initial)
            try:
                validate_upload(upload)
            except ValidationError as exc:
                errors.append(f"{upload.name}: {exc.messages[0]}")
            cleaned.append(upload)
        if errors:
            raise ValidationError(errors)
        return cleaned


def _links_help():
    return _("หนึ่งบรรทัดต่อหนึ่งลิงก์ ใส่ชื่อหลังลิงก์ได้ เช่น https://www.example.go.th/ita/o14 คู่มือการปฏิบัติงาน")


def parse_links(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Lines "URL [title]" → (url, title) pairs and Thai error messages for bad lines."""
    from django.core.validators import URLValidator

    validator = URLValidator(schemes=["http", "https"])
    links, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        url, _sep, title = line.partition(" ")
        try:
            validator(url)
        except ValidationError:
            errors.append(_("บรรทัดที่ %(n)s: ลิงก์ไม่ถูกต้อง (ต้องขึ้นต้นด้วย http:// หรือ https://)") % {"n": number})
            continue
        links.append((url, title.strip()))
    return links, errors


class ProgressForm(forms.ModelForm):
    """One progress report (seed 004/002 columns) with evidence files and links."""

    reported_on = ThaiDateField(label=_("วันที่รายงาน"))
    budget_spent = _money_field(_("งบประมาณที่ใช้ (บาท)"))
    files = MultipleEvidenceField(label=_("ไฟล์หลักฐาน"), help_text="")
    links_text = forms.CharField(label=_("ลิงก์หลักฐาน"), required=False, widget=_textarea(2), help_text=_links_help())

    class Meta:
        model = ProgressUpdate
        fields = [
            "reported_on",
            "status",
            "percent_complete",
            "result_summary",
            "outcome",
            "budget_spent",
            "obstacles",
            "suggestions",
        ]
        widgets = {
            "status": forms.RadioSelect,
            "result_summary": _textarea(4),
            "outcome": _textarea(3),
            "obstacles": _textarea(2),
            "suggestions": _textarea(2),
            "percent_complete": forms.NumberInput(attrs={"min": 0, "max": 100}),
        }
        error_messages = {
            "status": {"required": _("กรุณาเลือกสถานะการดำเนินการ")},
            "percent_complete": {"max_value": _("ร้อยละความก้าวหน้าต้องไม่เกิน 100")},
        }

    def __init__(self, *args, with_evidence: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        self.fields["status"].choices = [
            (MeasureStatus.DONE, MeasureStatus.DONE.label),
            (MeasureStatus.IN_PROGRESS, MeasureStatus.IN_PROGRESS.label),
            (MeasureStatus.NOT_STARTED, MeasureStatus.NOT_STARTED.label),
            (MeasureStatus.NOT_DONE, MeasureStatus.NOT_DONE.label),
        ]
        self.fields["percent_complete"].validators.append(MaxValueValidator(100, message=_("ร้อยละความก้าวหน้าต้องไม่เกิน 100")))
        self.fields["files"].help_text = _("PDF รูปภาพ หรือเอกสาร Office ไฟล์ละไม่เกิน %(mb)s MB เลือกได้หลายไฟล์") % {
            "mb": settings.EVIDENCE_MAX_BYTES // 1048576
        }
        if not with_evidence:
            self.fields.pop("files")
            self.fields.pop("links_text")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("reported_on", css_class="col-md-4"), Column("percent_complete", css_class="col-md-4")),
            "status",
            "result_summary",
            "outcome",
            Row(Column("budget_spent", css_class="col-md-4")),
            Row(Column("obstacles", css_class="col-md-6"), Column("suggestions", css_class="col-md-6")),
            *([Div("files", "links_text", css_class="border rounded p-3 mb-3")] if with_evidence else []),
        )

    def clean_budget_spent(self):
        value = self.cleaned_data.get("budget_spent")
        return value if value is not None else 0

    def clean_links_text(self):
        links, errors = parse_links(self.cleaned_data.get("links_text", ""))
        if errors:
            raise ValidationError(errors)
        self.links = links
        return self.cleaned_data.get("links_text", "")

    def _post_clean(self):
        pass

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("links_text", None)
        data.pop("files", None)
        return data


class EvidenceForm(forms.Form):
    """Add one file or one link to a measure's evidence."""

    title = forms.CharField(label=_("ชื่อหลักฐาน"), required=False, max_length=255, help_text=_("ว่างไว้ = ใช้ชื่อไฟล์หรือลิงก์"))
    file = forms.FileField(label=_("ไฟล์"), required=False, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR}))
    url = forms.URLField(
        label=_("หรือ ลิงก์"), required=False, max_length=1000, error_messages={"invalid": _("ลิงก์ไม่ถูกต้อง")}, assume_scheme="https"
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            validate_upload(upload)
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("url") and not self.errors:
            raise ValidationError(_("กรุณาเลือกไฟล์หรือระบุลิงก์อย่างใดอย่างหนึ่ง"))
        if data.get("file") and data.get("url"):
            raise ValidationError(_("กรุณาเลือกไฟล์หรือระบุลิงก์อย่างใดอย่างหนึ่ง ไม่ใช่ทั้งสองอย่าง"))
        return data


class FollowUpForm(AgencyScopedMixin, forms.Form):
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
    agenda = forms.CharField(label=_("วาระ / รายการติดตาม"), required=False, widget=_textarea(3))
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
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end < start:
            self.add_error("end_time", _("เวลาสิ้นสุดต้องไม่ก่อนเวลาเริ่ม"))
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
        label=_("เฉพาะวันทำการ (จันทร์–ศุกร์)"),
        required=False,
        help_text=_("วันที่ตรงกับวันเสาร์หรืออาทิตย์จะเลื่อนไปเป็นวันจันทร์ถัดไป"),
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
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("วันสิ้นสุดต้องไม่ก่อนวันเริ่มต้น"))
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


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("บันทึกผลการประชุม"), widget=_textarea(6), required=False)


class OverviewFilterForm(forms.Form):
    division = forms.ModelChoiceField(
        label=_("กลุ่มงาน"), queryset=Division.objects.none(), required=False, empty_label=_("ทุกกลุ่มงาน")
    )
    status = forms.ChoiceField(label=_("สถานะ"), required=False)
    person = forms.ModelChoiceField(
        label=_("ผู้รับผิดชอบ"), queryset=Membership.objects.none(), required=False, empty_label=_("ทุกคน")
    )
    overdue = forms.BooleanField(label=_("เฉพาะที่เลยกำหนด"), required=False)

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = Division.objects.filter(agency=agency).order_by("order", "name")
        self.fields["person"].queryset = Membership.objects.filter(agency=agency, is_active=True).order_by("first_name_th")
        self.fields["person"].label_from_instance = lambda m: m.full_name
        self.fields["status"].choices = [("", _("ทุกสถานะ")), *MeasureStatus.choices]
