"""Staff shell pages: home, agency list and agency detail. Read-only; every read goes through the
access selectors (an agency the user may not see is a 404)."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LogoutView
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ita_portal.agencies import dashboard, selectors
from ita_portal.agencies.forms import AgencySearchForm
from ita_portal.agencies.models import Agency
from ita_portal.agencies.navigation import current_fiscal_year, navigation_context, section_links, supervision_url

AGENCIES_PER_PAGE = 25
CHILDREN_SHOWN = 20


class ThaiLogoutView(LogoutView):
    """Log out (POST only, as Django requires) and say so on the sign-in page."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        was_logged_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_logged_in:
            messages.info(request, _("ออกจากระบบเรียบร้อยแล้ว"))
        return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The user's agencies at a glance, one card per membership, each in the fiscal year its people
    are working in (``dashboard.working_years``: the current one once it has data)."""
    user = request.user
    current = current_fiscal_year()
    memberships = selectors.memberships_of(user)
    agencies = [m.agency for m in memberships]
    years = dashboard.working_years(user, agencies, current)
    summaries: dict = {}
    for year in set(years.values()):
        summaries.update(dashboard.summaries_for(user, [a for a in agencies if years[a.pk] == year], year))
    subtree = dashboard.subtree_sizes(user, memberships)
    cards = [
        {
            "membership": m,
            "year": years[m.agency_id],
            "summary": summaries[m.agency_id],
            "sections": section_links(m.agency_id, years[m.agency_id]),
            "subtree_size": subtree.get(m.pk),
            "area_url": supervision_url(m.agency_id, years[m.agency_id]) if m.pk in subtree else None,
        }
        for m in memberships
    ]
    year = cards[0]["year"] if cards else current
    # The navigation bar (agency and year switchers) starts from the first card's year.
    request.nav_default_year = year
    context = {"year": year, "current_year": current, "cards": cards, "has_memberships": bool(memberships)}
    if user.is_superuser and not memberships:
        context["all_agencies_count"] = selectors.agencies_visible_to(user).count()
    return render(request, "agencies/home.html", context)


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    """Searchable, paginated list of the agencies the user may see (a supervisor: the subtree)."""
    form = AgencySearchForm(request.GET or None)
    agencies = selectors.agencies_visible_to(request.user).select_related("parent").order_by("name", "pk")
    parent = None
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q:
            agencies = agencies.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code__icontains=q))
        if form.cleaned_data["kind"]:
            agencies = agencies.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["parent"]:
            parent = selectors.get_agency_for_read(request.user, form.cleaned_data["parent"])
            agencies = agencies.filter(parent=parent)
    page = Paginator(agencies, AGENCIES_PER_PAGE).get_page(request.GET.get("page"))
    nav = navigation_context(request)
    return render(
        request,
        "agencies/agency_list.html",
        {"form": form, "page_obj": page, "agencies": page.object_list, "parent": parent, "year": nav["nav_year"]},
    )


@login_required
def agency_detail(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    """One agency in one fiscal year: who it is, where it sits, its people and the year's summary."""
    if not 2500 <= year <= 2700:
        raise Http404
    user = request.user
    agency: Agency = selectors.get_for_read(user, Agency.objects.select_related("parent"), "", pk=agency_id)
    parent_visible = agency.parent is not None and selectors.can_read(user, agency.parent)
    divisions = list(agency.divisions.filter(is_active=True).order_by("order", "name"))
    members = list(
        agency.memberships.filter(is_active=True, user__is_active=True)
        .select_related("division", "user")
        .order_by("role", "division__order", "first_name_th")
    )
    children_qs = selectors.agencies_visible_to(user).filter(parent=agency).order_by("name")
    children = list(children_qs[: CHILDREN_SHOWN + 1])
    summary = dashboard.summaries_for(user, [agency], year)[agency.pk]
    return render(
        request,
        "agencies/agency_detail.html",
        {
            "agency": agency,
            "year": year,
            "parent_visible": parent_visible,
            "divisions": divisions,
            "members": members,
            "children": children[:CHILDREN_SHOWN],
            "more_children": len(children) > CHILDREN_SHOWN,
            "summary": summary,
            "sections": section_links(agency.pk, year),
            "membership": selectors.membership_in(user, agency),
            "can_write": selectors.can_write(user, agency),
        },
    )


@login_required
def agency_emblem(request: HttpRequest, agency_id: int) -> FileResponse:
    """The agency's uploaded emblem, for whoever may read the agency (media files are not served
    straight from MEDIA_URL)."""
    agency: Agency = selectors.get_for_read(request.user, Agency.objects.all(), "", pk=agency_id)
    if not agency.emblem:
        raise Http404
    try:
        handle = agency.emblem.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(agency.emblem.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
