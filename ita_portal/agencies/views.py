"""Staff shell pages: home, agency list and agency detail."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ita_portal.agencies import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "agencies/home.html", {"memberships": selectors.memberships_of(request.user)})


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    agencies = selectors.agencies_visible_to(request.user).order_by("path")[:50]
    return render(request, "agencies/agency_list.html", {"agencies": agencies})


@login_required
def agency_detail(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    agency = selectors.get_agency_for_read(request.user, agency_id)
    return render(request, "agencies/agency_detail.html", {"agency": agency, "year": year})
