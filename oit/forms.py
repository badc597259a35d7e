"""Forms of the OIT workspace (evidence uses the measures' evidence form: one upload check)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ita_portal.agencies.models import Division, Membership
from ita_portal.forms_thai import ThaiDateField
from measures.forms.progress import EvidenceForm


class AssignForm(forms.Form):
    """Who prepares an O-item, by when, and a note."""

    division = forms.ModelChoiceField(label=_("กลุ่มงานที่รับผิดชอบ"), queryset=Division.objects.none(), required=False)
    responsible = forms.ModelChoiceField(label=_("ผู้รับผิดชอบ"), queryset=Membership.objects.none(), required=False)
    due_date = ThaiDateField(label=_("กำหนดส่ง"), required=False)
    note = forms.CharField(label=_("หมายเหตุ"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = Division.objects.filter(agency=agency)
        self.fields["responsible"].queryset = Membership.objects.filter(agency=agency).select_related("user")
        self.fields["responsible"].label_from_instance = lambda m: m.user.get_full_name() or m.user.get_username()


class OitEvidenceForm(EvidenceForm):
    """A file or a link for an O-item, and whether the public item page may show it."""

    is_public = forms.BooleanField(label=_("เผยแพร่สาธารณะ (แสดงในหน้าสาธารณะของข้อนี้)"), required=False)
