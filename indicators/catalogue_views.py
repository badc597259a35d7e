"""Catalogue upkeep in the browser: the list of catalogues, a new year from last year's (draft),
the editor, the side-by-side comparison with last year, and the confirmation.

Only catalogue editors (``indicators.catalogue.upkeep.can_edit_catalogue``) get past the first
line of each view (403 otherwise, anonymous visitors go to the login page). Writes go through the
upkeep services, which load through ``framework_load``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.catalogue import upkeep
from indicators.catalogue.diff import framework_diff
from indicators.catalogue_forms import CopyForm, ItemFormSet, MetaForm, RatingFormSet, catalogue_data, initial_of
from indicators.models import Framework
from indicators.rating import describe_band
from indicators.selectors import NATIONAL_ASSESSOR_CODES


def _framework(assessor: str, year: int) -> Framework:
    if not 2500 <= year <= 2700:
        raise Http404
    framework = Framework.objects.select_related("assessor").filter(assessor__code=assessor, fiscal_year=year).first()
    if framework is None:
        raise Http404
    return framework


def _detail_url(framework: Framework) -> str:
    return reverse("indicators:catalogue_detail", args=[framework.assessor.code, framework.fiscal_year])


@login_required
def catalogue_list(request: HttpRequest) -> HttpResponse:
    """Every catalogue by year, and the form that starts a new year from an earlier one."""
    upkeep.require_catalogue_editor(request.user)
    frameworks = list(
        Framework.objects.select_related("assessor")
        .annotate(item_count=Count("items", distinct=True))
        .order_by("-fiscal_year", "assessor__code")
    )
    latest = frameworks[0] if frameworks else None
    initial = {"assessor": "nacc", "from_year": latest.fiscal_year, "to_year": latest.fiscal_year + 1} if latest else {}
    asked = request.GET.get("year")
    if asked and asked.isdigit() and latest:
        initial["to_year"] = int(asked)
        # The national catalogue first: a ministry's partial list is rarely the model of a new year.
        earlier = sorted(
            (f for f in frameworks if f.fiscal_year < int(asked) and not f.is_draft),
            key=lambda f: (f.assessor.code not in NATIONAL_ASSESSOR_CODES, -f.fiscal_year),
        )
        if earlier:
            initial.update(from_year=earlier[0].fiscal_year, assessor=earlier[0].assessor.code)
    form = CopyForm(initial=initial, assessors=upkeep.assessor_choices())
    return render(request, "indicators/catalogue/list.html", {"frameworks": frameworks, "form": form})


@login_required
@require_POST
def catalogue_copy(request: HttpRequest) -> HttpResponse:
    """One action: the new year's draft, a copy of the chosen earlier year."""
    upkeep.require_catalogue_editor(request.user)
    form = CopyForm(request.POST, assessors=upkeep.assessor_choices())
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("indicators:catalogue_list")
    c = form.cleaned_data
    try:
        framework = upkeep.framework_copy(assessor_code=c["assessor"], from_year=c["from_year"], to_year=c["to_year"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("indicators:catalogue_list")
    messages.success(
        request,
        _("สร้างฉบับร่างปี %(to)s จากปี %(from)s แล้ว (%(n)s ข้อ): แก้ไขให้ตรงกับคู่มือ แล้วตรวจเทียบกับปีก่อนและยืนยัน")
        % {"to": c["to_year"], "from": c["from_year"], "n": framework.items.count()},
    )
    return redirect("indicators:catalogue_edit", framework.assessor.code, framework.fiscal_year)


@login_required
def catalogue_detail(request: HttpRequest, assessor: str, year: int) -> HttpResponse:
    """The catalogue beside last year's: kept / renumbered / renamed / merged / new / ended."""
    upkeep.require_catalogue_editor(request.user)
    framework = _framework(assessor, year)
    diff = framework_diff(framework=framework, previous=upkeep.previous_framework(framework))
    context = {
        "framework": framework,
        "diff": diff,
        "bands": [describe_band(b) for b in framework.rating_rules or []],
        "has_results": framework.assessments.exists(),
    }
    return render(request, "indicators/catalogue/detail.html", context)


@login_required
def catalogue_edit(request: HttpRequest, assessor: str, year: int) -> HttpResponse:
    """Edit items (add, remove, rename, renumber, merge), weights and rating bands; saved whole."""
    upkeep.require_catalogue_editor(request.user)
    framework = _framework(assessor, year)
    numbers = list(framework.indicators.order_by("number").values_list("number", flat=True))
    errors: list[str] = []
    if request.method == "POST":
        meta = MetaForm(request.POST, prefix="meta")
        items = ItemFormSet(request.POST, prefix="items", form_kwargs={"indicator_numbers": numbers})
        ratings = RatingFormSet(request.POST, prefix="rating")
        if meta.is_valid() and items.is_valid() and ratings.is_valid():
            data, errors = catalogue_data(framework, meta, items, ratings)
            if not errors:
                try:
                    upkeep.framework_edit(framework=framework, data=data)
                except ValidationError as exc:
                    errors = exc.messages
                else:
                    messages.success(request, _("บันทึกกรอบการประเมินปี %(year)s แล้ว") % {"year": year})
                    return redirect(_detail_url(framework))
        else:
            errors = [_("ข้อมูลในแบบฟอร์มไม่ครบ: ตรวจช่องที่มีข้อความแจ้ง")]
    else:
        meta_initial, item_initial, rating_initial = initial_of(framework)
        meta = MetaForm(initial=meta_initial, prefix="meta")
        items = ItemFormSet(initial=item_initial, prefix="items", form_kwargs={"indicator_numbers": numbers})
        ratings = RatingFormSet(initial=rating_initial, prefix="rating")
    context = {"framework": framework, "meta": meta, "items": items, "ratings": ratings, "errors": errors}
    return render(request, "indicators/catalogue/edit.html", context, status=400 if errors else 200)


@login_required
@require_POST
def catalogue_confirm(request: HttpRequest, assessor: str, year: int) -> HttpResponse:
    """Publish a draft: the year's entry, import, weaknesses and measures pages use it from now on."""
    upkeep.require_catalogue_editor(request.user)
    framework = _framework(assessor, year)
    try:
        upkeep.framework_confirm(framework=framework)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("ยืนยันกรอบการประเมินปี %(year)s แล้ว หน้าต่าง ๆ ของปีนี้ใช้กรอบนี้ได้") % {"year": year})
    return redirect(_detail_url(framework))
