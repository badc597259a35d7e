"""Navigation context: which agency and fiscal year a staff page is about.

Every agency-scoped URL carries ``agency_id`` and ``year`` (BE fiscal year) kwargs; the shell reads
them here to show where the user is and to build the agency and year switchers. The agency is read
through the access selectors, so an agency the user may not see never appears in the page (the
view itself answers 404). Without kwargs the user's first membership and the current fiscal year
are shown.

Cost: at most three queries per request whatever the number of memberships, years or sections —
the user's memberships (cached on the user and shared with the selectors), the agency named in the
URL when it is not one of them, and the list of framework years. The result is cached on the
request, so partial templates rendered in the same request cost nothing more.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ita_portal.agencies import selectors
from ita_portal.agencies.models import Agency, Membership
from ita_portal.thai import fiscal_year_of

_REQUEST_CACHE = "_ita_navigation"
# A year in the URL outside this window is not a fiscal year anyone works in; the switcher ignores it.
_YEAR_MIN, _YEAR_MAX = 2500, 2700


@dataclass(frozen=True)
class Section:
    """One entry of the top navigation.

    ``url_names`` are tried in order, first with ``agency_id``/``year`` kwargs, then without; a
    section whose names do not resolve is simply left out. ``order`` places it in the bar.
    """

    label: str
    icon: str
    url_names: tuple[str, ...]
    order: int = 50


# The top navigation. This app sits below the others, so it names only its own pages; the apps
# above add theirs from their ``AppConfig.ready()`` through ``section_register``.
SECTIONS: list[Section] = [
    Section(_("หน้าหลัก"), "bi-house", ("home",), order=0),
    Section(_("หน่วยงาน"), "bi-building", ("agency_detail",), order=100),
]

# Pages for supervisors about their whole subtree (linked from the supervisor's home card), the
# first that resolves; added by the app that serves them (``supervision_page_register``).
SUPERVISION_URL_NAMES: list[str] = []

# Where the year switcher's years come from besides the current one: each is a callable giving
# years (one query), added by the apps above (``year_source_register``).
YEAR_SOURCES: list[Callable[[], Iterable[int]]] = []


def section_register(section: Section) -> None:
    """Add an app's entry to the top navigation (idempotent), kept in ``order``."""
    if section not in SECTIONS:
        SECTIONS.append(section)
        SECTIONS.sort(key=lambda s: s.order)


def supervision_page_register(url_name: str) -> None:
    """Name the page that shows a supervisor's whole subtree (takes ``agency_id`` and ``year``)."""
    if url_name not in SUPERVISION_URL_NAMES:
        SUPERVISION_URL_NAMES.append(url_name)


def year_source_register(source: Callable[[], Iterable[int]]) -> None:
    """Add a source of fiscal years for the year switcher (idempotent)."""
    if source not in YEAR_SOURCES:
        YEAR_SOURCES.append(source)


def current_fiscal_year() -> int:
    """The BE fiscal year today (Asia/Bangkok) falls in."""
    return fiscal_year_of(timezone.localdate())


def registered_years() -> set[int]:
    """Fiscal years the apps have data for (the catalogue's frameworks): one query per source."""
    return {year for source in YEAR_SOURCES for year in source()}


def year_choices() -> list[int]:
    """Years offered by the year switcher: the catalogue's years plus the current one, newest first."""
    return sorted({*registered_years(), current_fiscal_year()}, reverse=True)


@functools.lru_cache(maxsize=4096)
def _reversed(urlconf: str, prefix: str, name: str, kwargs: tuple) -> str | None:
    try:
        return reverse(name, urlconf=urlconf, kwargs=dict(kwargs) or None)
    except NoReverseMatch:
        return None


def _url(name: str, **kwargs) -> str | None:
    """``reverse(name, kwargs=kwargs)``, or None where it does not match: remembered per URLconf
    and script prefix, since the bar's 20-odd links (sections, agencies, years, several tried
    before one matches) are the same from one request to the next."""
    return _reversed(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), name, tuple(sorted(kwargs.items())))


def _reverse_first(names: tuple[str, ...], agency_id: int | None, year: int) -> str | None:
    for name in names:
        if agency_id is not None and (url := _url(name, agency_id=agency_id, year=year)) is not None:
            return url
        if (url := _url(name)) is not None:
            return url
    return None


def _sections(request: HttpRequest, agency_id: int | None, year: int) -> list[dict]:
    items = []
    for section in SECTIONS:
        url = _reverse_first(section.url_names, agency_id, year)
        if url is None:
            continue
        items.append({"label": section.label, "icon": section.icon, "url": url, "active": False})
    # The active section is the one whose URL is the longest prefix of the current path, so
    # /measures/a/1/2567/followups/ marks "follow-up", not "measures".
    path = request.path
    best = None
    for item in items:
        url = item["url"]
        matches = path == url if url == "/" else path.startswith(url)
        if matches and (best is None or len(url) > len(best["url"])):
            best = item
    if best is not None:
        best["active"] = True
    return items


def section_links(agency_id: int, year: int) -> list[dict]:
    """Links to the sections of one agency and year (for cards), the home page left out."""
    links = []
    for section in SECTIONS:
        if section.url_names == ("home",):
            continue
        url = _reverse_first(section.url_names, agency_id, year)
        if url is not None:
            links.append({"label": section.label, "icon": section.icon, "url": url})
    return links


def supervision_url(agency_id: int, year: int) -> str | None:
    """The scores overview of a supervising agency's whole subtree, when that page exists."""
    return _reverse_first(SUPERVISION_URL_NAMES, agency_id, year)


def _switch_url(request: HttpRequest, agency_id: int, year: int) -> str:
    """Where a switcher link goes: the same page for the other agency/year when the page is only
    about an agency and a year, otherwise that agency's overview page."""
    match = getattr(request, "resolver_match", None)
    if (
        match is not None
        and set(match.kwargs) == {"agency_id", "year"}
        and match.view_name
        and (url := _url(match.view_name, agency_id=agency_id, year=year)) is not None
    ):
        return url
    return reverse("agency_detail", kwargs={"agency_id": agency_id, "year": year})


def _year_switch_url(request: HttpRequest, agency_id: int, year: int) -> str:
    """Where a year link goes: a page about the user rather than one agency (the calendar-links
    page) names its per-year URL in ``request.nav_year_url_name`` and stays itself; any other
    page as :func:`_switch_url`."""
    name = getattr(request, "nav_year_url_name", None)
    if name and (url := _url(name, year=year)) is not None:
        return url
    return _switch_url(request, agency_id, year)


def _int_kwarg(kwargs: dict, name: str) -> int | None:
    try:
        return int(kwargs[name])
    except (KeyError, TypeError, ValueError):
        return None


def _agency_from_url(user, agency_id: int, memberships: list[Membership]) -> Agency | None:
    for m in memberships:
        if m.agency_id == agency_id:
            return m.agency
    # Not one of the user's own agencies: a supervisor looking below, or someone trying an id.
    return selectors.agencies_visible_to(user).select_related("parent").filter(pk=agency_id).first()


def _membership_for(user, agency: Agency | None, memberships: list[Membership]) -> Membership | None:
    """The membership that gives the user their place in ``agency``: their own there, else the
    supervising one above it (a supervisor reading an agency in its subtree)."""
    if agency is None:
        return memberships[0] if memberships else None
    return selectors.membership_granting(user, selectors.Action.VIEW, agency)


def user_display_name(user, membership: Membership | None) -> str:
    """The Thai name with title as the agency knows the person, else the account's own name."""
    if membership is not None:
        return membership.full_name
    return user.get_full_name() or user.get_username()


def role_label(user, membership: Membership | None) -> str:
    if membership is not None:
        return membership.get_role_display()
    if user.is_superuser:
        return str(_("ผู้ดูแลระบบ"))
    return ""


def navigation_context(request: HttpRequest) -> dict:
    """Context for ``base.html``: current agency and year, switchers, sections, the user's name and role."""
    cached = getattr(request, _REQUEST_CACHE, None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        context: dict = {"nav_sections": [], "nav_agency": None, "nav_year": None}
        setattr(request, _REQUEST_CACHE, context)
        return context

    memberships = selectors.memberships_of(user)
    match = getattr(request, "resolver_match", None)
    kwargs = match.kwargs if match is not None else {}
    current_year = current_fiscal_year()

    agency: Agency | None = None
    url_agency_id = _int_kwarg(kwargs, "agency_id")
    if url_agency_id is not None:
        agency = _agency_from_url(user, url_agency_id, memberships)
    if agency is None and memberships:
        agency = memberships[0].agency

    year = _int_kwarg(kwargs, "year")
    if year is None or not _YEAR_MIN <= year <= _YEAR_MAX:
        # A page without a year in its URL (home) may say which year it shows.
        year = getattr(request, "nav_default_year", None) or current_year

    years = sorted({*year_choices(), year}, reverse=True)
    membership = _membership_for(user, agency, memberships)

    agency_links = []
    if agency is not None:
        for m in memberships:
            agency_links.append(
                {
                    "label": m.agency.display_short,
                    "role": m.get_role_display(),
                    "url": _switch_url(request, m.agency_id, year),
                    "active": m.agency_id == agency.pk,
                }
            )
    year_links = []
    if agency is not None:
        year_links = [
            {"year": y, "url": _year_switch_url(request, agency.pk, y), "active": y == year, "current": y == current_year}
            for y in years
        ]

    can_browse = user.is_superuser or selectors.may_anywhere(user, selectors.Action.SUPERVISE)
    context = {
        "nav_agency": agency,
        "nav_year": year,
        "nav_current_year": current_year,
        "nav_years": years,
        "nav_memberships": memberships,
        "nav_membership": membership,
        "nav_agency_links": agency_links,
        "nav_year_links": year_links,
        "nav_can_browse": can_browse,
        "nav_sections": _sections(request, agency.pk if agency is not None else None, year),
        "nav_user_name": user_display_name(user, membership),
        "nav_role_label": role_label(user, membership),
    }
    setattr(request, _REQUEST_CACHE, context)
    return context
