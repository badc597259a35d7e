"""Helpers shared by the measures forms: money fields, text areas, choices limited to one agency."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ita_portal.agencies.models import Agency, Division, Membership

MONEY_ERRORS = {"min_value": _("จำนวนเงินต้องไม่ติดลบ"), "invalid": _("กรุณาระบุจำนวนเงินเป็นตัวเลข")}


def money_field(label, help_text=""):
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


def textarea(rows=3):
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
