"""The measure form (seed 003 / 001 rows), its steps, and the overview filter."""

from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator, Item
from indicators.selectors import frameworks_answered_by_measures
from ita_portal.agencies.models import Agency, Division, Membership
from ita_portal.forms_thai import ThaiDateField
from ita_portal.text_limits import BoundedTextMixin
from measures.forms._common import AgencyScopedMixin, money_field, textarea
from measures.models import Measure, MeasureStatus, Weakness
from measures.services._common import check_period
from measures.services.measures import MEASURE_FIELDS

# Arguments of measure_create / measure_update that are relations rather than plain fields.
RELATIONS = ("weakness", "indicator", "items", "responsible_divisions", "responsible_people")


class MeasureForm(BoundedTextMixin, AgencyScopedMixin, forms.ModelForm):
    """Everything seed 003 and 001 put in a measure row; steps are a list typed one per line."""

    steps_text = forms.CharField(
        label=_("ขั้นตอนหรือวิธีการปฏิบัติ"),
        required=False,
        widget=textarea(6),
        help_text=_("หนึ่งบรรทัดต่อหนึ่งขั้นตอน ตามลำดับ (แก้ไข เพิ่ม ลบ และเรียงลำดับได้อีกครั้งในหน้ามาตรการ)"),
    )
    start_date = ThaiDateField(label=_("วันเริ่มต้น"), required=False)
    end_date = ThaiDateField(label=_("วันสิ้นสุด"), required=False)
    budget_planned = money_field(_("งบประมาณที่วางแผน (บาท)"), _("ใส่ 0 หากไม่ใช้งบประมาณ"))
    confirm_same_title = forms.BooleanField(label=_("ยืนยันบันทึก แม้มีมาตรการชื่อเดียวกันในแผนปีนี้แล้ว"), required=False)

    class Meta:
        model = Measure
        # The plain fields are the ones the measure services accept (less the position, which
        # reordering sets); the relations are the services' own arguments.
        fields = [*RELATIONS, *sorted(MEASURE_FIELDS - {"order"})]
        widgets = {
            "weakness_text": textarea(3),
            "improvement_text": textarea(3),
            "guideline": textarea(3),
            "objective": textarea(2),
            "target_quantity": textarea(2),
            "target_quality": textarea(2),
            "limitations": textarea(2),
            "monitoring_approach": textarea(4),
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
        # A second measure of the same title in the same plan is usually a slip: ask before saving it.
        self.same_title = self._same_title()
        if not self.same_title:
            self.fields.pop("confirm_same_title")
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
                "kind",
                *(["confirm_same_title"] if self.same_title else []),
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
            Fieldset(_("กลุ่มในรายงานรายไตรมาส (ยุทธศาสตร์ชาติ / ยุทธศาสตร์ / โครงการ)"), "national_strategy", "strategy", "project"),
            Fieldset(
                _("ผู้ลงนามรับทราบในรายงานผลการกำกับ ติดตาม (ถ้าไม่ใช่ผู้บริหาร)"),
                Row(
                    Column("ack_signer_name", css_class="col-md-4"),
                    Column("ack_signer_position", css_class="col-md-5"),
                    Column("ack_signer_label", css_class="col-md-3"),
                ),
            ),
        )

    def _same_title(self) -> Measure | None:
        title = (self.data.get("title") or "").strip() if self.is_bound else ""
        if not title or self.instance.pk:
            return None
        return Measure.objects.filter(agency=self.agency, fiscal_year=self.fiscal_year, title=title).order_by("pk").first()

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
        try:
            check_period(data.get("start_date"), data.get("end_date"))
        except ValidationError as exc:
            self.add_error(None, exc)
        if self.same_title and not data.get("confirm_same_title"):
            self.add_error(
                "title",
                _("แผนปีนี้มีมาตรการชื่อนี้แล้ว (ลำดับที่ %(order)s) หากตั้งใจบันทึกอีกรายการ ให้ทำเครื่องหมายยืนยันด้านล่าง")
                % {"order": self.same_title.order},
            )
        data.pop("confirm_same_title", None)
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


class StepForm(BoundedTextMixin, forms.Form):
    text_limits = {"text": 1000}
    text = forms.CharField(
        label=_("ขั้นตอน"), widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": _("กรุณาระบุขั้นตอน")}
    )
    due_date = ThaiDateField(label=_("กำหนดเสร็จ"), required=False, help_text="")

    def clean_text(self):
        text = strip_step_number(self.cleaned_data.get("text", ""))
        if not text:
            raise ValidationError(_("กรุณาระบุขั้นตอน"))
        return text


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
