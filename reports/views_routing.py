"""Pages of the routing chain: what waits for me (every agency), and the director's chain settings.

Views read through selectors and change the chain only through ``reports.services.routing``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ita_portal.agencies import selectors as access
from ita_portal.agencies.models import Membership
from reports import selectors
from reports.models import ReportKind
from reports.services import routing

MAX_STEPS = 4


@login_required
def waiting(request: HttpRequest) -> HttpResponse:
    """เอกสารรอฉัน: memos at my step, memos waiting for me as director, my returned drafts."""
    reports = list(selectors.waiting_for(request.user))
    return render(request, "reports/waiting.html", {"reports": reports})


class ChainForm(forms.Form):
    """Up to MAX_STEPS people, in order, between the drafter and the director for one kind."""

    def __init__(self, *args, agency, kind: str, initial_members: list[Membership], **kwargs):
        super().__init__(*args, **kwargs)
        members = (
            Membership.objects.filter(agency=agency, is_active=True).select_related("division").order_by("role", "first_name_th")
        )
        for n in range(1, MAX_STEPS + 1):
            field = forms.ModelChoiceField(
                queryset=members,
                required=False,
                label=gettext_lazy("ลำดับที่ %(n)s") % {"n": n},
                empty_label=gettext_lazy("— ไม่มี —"),
            )
            field.label_from_instance = lambda m: f"{m.full_name} — {m.position_title or m.get_role_display()}"
            self.fields[f"step_{n}"] = field
            if n <= len(initial_members):
                self.initial[f"step_{n}"] = initial_members[n - 1].pk
        self.kind = kind

    def reviewers(self) -> list[Membership]:
        return [self.cleaned_data[f"step_{n}"] for n in range(1, MAX_STEPS + 1) if self.cleaned_data.get(f"step_{n}")]


@login_required
def chain_settings(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    """ลำดับการเสนอ per report kind; only the agency's director (or a superuser) changes it."""
    agency = access.get_agency_for_write(request.user, agency_id, approve=True)
    forms_by_kind = {}
    for kind, label in ReportKind.choices:
        current = [s.reviewer for s in routing.routing_chain(agency=agency, kind=kind)]
        posted = request.method == "POST" and request.POST.get("kind") == kind
        form = ChainForm(request.POST if posted else None, agency=agency, kind=kind, initial_members=current, prefix=kind)
        forms_by_kind[kind] = (label, form, current)
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in forms_by_kind:
            raise Http404
        form = forms_by_kind[kind][1]
        if form.is_valid():
            try:
                routing.routing_chain_set(agency=agency, kind=kind, reviewers=form.reviewers(), actor=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("บันทึกลำดับการเสนอของ “%(kind)s” แล้ว") % {"kind": ReportKind(kind).label})
                return redirect("reports:chain", agency_id=agency.pk, year=year)
    return render(request, "reports/chain_settings.html", {"agency": agency, "year": year, "forms": forms_by_kind.values()})
