"""Forms of the report pages. Dates are typed the Thai way (BE); an invalid form keeps what was typed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ita_portal.forms_thai import ThaiDateField
from ita_portal.text_limits import MEMO_BODY_MAX, BoundedTextMixin
from reports import selectors
from reports.documents import kind_for
from reports.documents.kind import SEED_FIELDS
from reports.models import Decision, Report
from reports.services.signoff import EDITABLE_FIELDS


class ReportForm(BoundedTextMixin, forms.ModelForm):
    text_limits = {"body": MEMO_BODY_MAX}
    doc_date = ThaiDateField(label=_("วันที่"), required=False, help_text=_("วัน/เดือน/ปี พ.ศ. เช่น 15/6/2567 — ว่างไว้ ระบบใส่วันที่อนุมัติให้"))
    oit_item_key = forms.ChoiceField(label=_("ตอบข้อ OIT"), required=False)

    class Meta:
        model = Report
        fields = list(EDITABLE_FIELDS)  # the same list the report service accepts
        widgets = {
            "body": forms.Textarea(attrs={"rows": 10}),
            "proposals": forms.Textarea(attrs={"rows": 4}),
            "intro": forms.Textarea(attrs={"rows": 5}),
            "title": forms.Textarea(attrs={"rows": 2}),
            "subject": forms.Textarea(attrs={"rows": 2}),
            "cover_lines": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 6}),
            "distribution": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, agency, year: int, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = agency.divisions.filter(is_active=True)
        self.fields["department_line"].help_text = _("ว่างไว้ = ชื่อหน่วยงาน กลุ่มงาน และหมายเลขโทรศัพท์")
        choices = [("", _("— ไม่ระบุ —")), *selectors.oit_item_choices(year=year)]
        current = self.initial.get("oit_item_key") or (self.instance.oit_item_key if self.instance.pk else "")
        if current and current not in dict(choices):
            choices.append((current, current))
        self.fields["oit_item_key"].choices = choices
        # The seeds' extras (cover, legend, distribution list, …): only those the kind prints.
        shown = set(kind_for(kind).report_seed_fields())
        for name in SEED_FIELDS:
            if name not in shown:
                self.fields.pop(name, None)
        for name in ("plan_layout", "status_columns"):
            if name in self.fields:  # a post without them keeps the seed-003/000 default
                self.fields[name].required = False
        if not agency.doc_prefix.strip():
            # No ส่วนราชการ code on the agency: the memo's number would print bare ("ที่ ๑").
            self.fields["doc_prefix"].required = True
            self.fields["doc_prefix"].help_text = _("หน่วยงานยังไม่ได้กำหนดรหัสส่วนราชการ กรุณาระบุ เช่น ศธ ๐๔๑๑๔")
        else:
            self.fields["doc_prefix"].help_text = _("ว่างไว้ = %(prefix)s (รหัสของหน่วยงาน)") % {"prefix": agency.doc_prefix}
        if not kind_for(kind).needs_quarter:
            self.fields["quarter"].help_text = _("ไม่บังคับ")
        else:
            self.fields["quarter"].required = True

    def clean_plan_layout(self):
        return self.cleaned_data.get("plan_layout") or Report._meta.get_field("plan_layout").default

    def clean_status_columns(self):
        return self.cleaned_data.get("status_columns") or Report._meta.get_field("status_columns").default


class NoteForm(BoundedTextMixin, forms.Form):
    note = forms.CharField(label=_("หมายเหตุ"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ForwardForm(BoundedTextMixin, forms.Form):
    note = forms.CharField(
        label=_("เกษียณหนังสือ (ความเห็นก่อนเสนอต่อ)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("เช่น เพื่อโปรดทราบ … และขอเสนอ ผอ. เพื่อพิจารณา")}),
    )


class ReturnForm(BoundedTextMixin, forms.Form):
    note = forms.CharField(label=_("สิ่งที่ต้องแก้ไข"), widget=forms.Textarea(attrs={"rows": 3}))


class ApproveForm(BoundedTextMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("คำสั่งการ"),
        choices=[
            (Decision.PERMIT, Decision.PERMIT),
            (Decision.ACKNOWLEDGE, Decision.ACKNOWLEDGE),
            (Decision.APPROVE, Decision.APPROVE),
        ],
    )
    note = forms.CharField(label=_("ความเห็นผู้บริหาร"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    endorsed_on = ThaiDateField(
        label=_("วันที่สั่งการ"),
        required=False,
        help_text=_("วัน/เดือน/ปี พ.ศ. — ว่างไว้ = วันนี้ ต้องไม่ก่อนวันที่ของบันทึกข้อความ"),
    )
    # Set by the confirmation step shown before approving a report of a fiscal year already over.
    confirm_past_year = forms.BooleanField(required=False, widget=forms.HiddenInput)
