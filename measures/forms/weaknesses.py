"""A weakness typed or edited by staff."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ita_portal.text_limits import BoundedTextMixin
from measures.models import WeaknessKind


class WeaknessForm(BoundedTextMixin, forms.Form):
    kind = forms.ChoiceField(label=_("ประเภท"))
    title = forms.CharField(label=_("ประเด็น"), max_length=500, error_messages={"required": _("กรุณากรอกประเด็น")})
    analysis = forms.CharField(label=_("ผลการวิเคราะห์"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    indicator = forms.TypedChoiceField(label=_("ตัวชี้วัด"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, indicators=(), with_indicator=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = WeaknessKind.choices
        if with_indicator:
            self.fields["indicator"].choices = [("", _("— ไม่ระบุ —"))] + [(i.pk, f"{i.number}. {i.name}") for i in indicators]
        else:
            del self.fields["indicator"]
