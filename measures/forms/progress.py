"""Progress reports and evidence (files and links) of a measure."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from ita_portal.forms_thai import ThaiDateField
from ita_portal.text_limits import BoundedTextMixin
from measures.forms._common import money_field, textarea
from measures.models import MeasureStatus, ProgressUpdate
from measures.uploads import ACCEPT_ATTR, validate_upload


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


class ProgressForm(BoundedTextMixin, forms.ModelForm):
    """One progress report (seed 004/002 columns) with evidence files and links."""

    reported_on = ThaiDateField(label=_("วันที่รายงาน"))
    budget_spent = money_field(_("งบประมาณที่ใช้ (บาท)"))
    files = MultipleEvidenceField(label=_("ไฟล์หลักฐาน"), help_text="")
    links_text = forms.CharField(label=_("ลิงก์หลักฐาน"), required=False, widget=textarea(2), help_text=_links_help())

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
            "result_summary": textarea(4),
            "outcome": textarea(3),
            "obstacles": textarea(2),
            "suggestions": textarea(2),
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

    # Its empty form is the same on every measure page: rendered once ({{ form|crispy_unbound }}).
    crispy_unbound = True

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
