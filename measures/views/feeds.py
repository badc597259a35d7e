"""Calendar feeds: the page with the user's secret URLs, regenerating them, and the ICS itself."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ita_portal.agencies import selectors as access
from measures import ics, services


@login_required
def feeds_page(request: HttpRequest) -> HttpResponse:
    """The user's calendar URLs: a personal one and one per agency they belong to."""
    feeds = [{"agency": None, "token": services.feed_token_get_or_create(user=request.user)}]
    for membership in access.memberships_of(request.user):
        feeds.append(
            {"agency": membership.agency, "token": services.feed_token_get_or_create(user=request.user, agency=membership.agency)}
        )
    for feed in feeds:
        feed["url"] = request.build_absolute_uri(reverse("measures:ics_feed", kwargs={"token": feed["token"].token}))
    return render(request, "measures/feeds.html", {"feeds": feeds})


@login_required
@require_POST
def feed_regenerate(request: HttpRequest) -> HttpResponse:
    agency = None
    agency_id = request.POST.get("agency", "")
    if agency_id.isdigit():
        agency = access.get_agency_for_read(request.user, int(agency_id))
    services.feed_token_regenerate(user=request.user, agency=agency)
    messages.success(request, _("สร้างลิงก์ปฏิทินใหม่แล้ว ลิงก์เดิมใช้ไม่ได้อีกต่อไป กรุณาเพิ่มลิงก์ใหม่ในแอปปฏิทิน"))
    return redirect("measures:feeds")


@never_cache
def ics_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed behind a secret URL (calendar apps cannot log in; the token is the key).

    The owner must still be able to read the agency: a feed of someone who left answers 404.
    """
    feed = ics.feed_for_token(token)
    user = feed.user
    if feed.agency is not None:
        meetings = ics.agency_feed_meetings(user=user, agency=feed.agency)
        name = f"การกำกับติดตาม ITA — {feed.agency.display_short}"
    else:
        meetings = ics.user_feed_meetings(user=user)
        name = _("การกำกับติดตาม ITA ของฉัน")
    response = HttpResponse(ics.feed_bytes(meetings, name=str(name)), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="ita-followups.ics"'
    return response
