"""Calendar feeds: per agency and per user behind a secret URL, parsed back with icalendar."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from ita_portal.agencies.models import Membership
from measures import services
from measures.models import CalendarFeedToken
from tests.factories import bkk

pytestmark = pytest.mark.django_db
BKK = ZoneInfo("Asia/Bangkok")


@pytest.fixture
def meetings(world, time_machine):
    time_machine.move_to(bkk(2024, 5, 20, 9))
    a = world.agency_a
    staff = Membership.objects.get(user=world.users["staff_a"])
    measure = services.measure_create(agency=a, fiscal_year=2567, title="จัดทำคู่มือการปฏิบัติงาน", responsible_people=[staff])
    plan = services.followup_create(
        agency=a, fiscal_year=2567, starts_at=bkk(2024, 5, 30, 13, 30), ends_at=bkk(2024, 5, 30, 15), place="ห้องประชุม ๑"
    )
    own = services.followup_create(agency=a, fiscal_year=2567, measure=measure, starts_at=bkk(2024, 6, 14, 9))
    other = services.followup_create(agency=world.agency_b, fiscal_year=2567, starts_at=bkk(2024, 6, 15, 9))
    return {"plan": plan, "own": own, "other": other, "measure": measure}


def _events(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}, cal


def _token(user, agency=None):
    return services.feed_token_get_or_create(user=user, agency=agency).token


def test_agency_feed_parsed_back(world, meetings, client):
    events, cal = _events(client.get(f"/measures/ics/{_token(world.users['staff_a'], world.agency_a)}.ics"))
    assert set(events) == {str(meetings["plan"].uid), str(meetings["own"].uid)}
    plan = events[str(meetings["plan"].uid)]
    start = plan.decoded("dtstart")
    assert start == bkk(2024, 5, 30, 13, 30)
    assert plan["dtstart"].params["TZID"] == "Asia/Bangkok"
    assert (start.hour, start.minute) == (13, 30)  # local time as typed, not UTC
    assert plan.decoded("dtend") == bkk(2024, 5, 30, 15)
    assert int(plan["sequence"]) == meetings["plan"].sequence
    assert str(plan["summary"]) == "การกำกับติดตาม ครั้งที่ 1"
    assert str(plan["location"]) == "ห้องประชุม ๑"
    assert "Asia/Bangkok" in [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")]
    assert b"TZID=Asia/Bangkok" in client.get(f"/measures/ics/{_token(world.users['staff_a'], world.agency_a)}.ics").content


def test_moved_and_cancelled_meeting_keep_uid(world, meetings, client):
    services.followup_update(followup=meetings["own"], starts_at=bkk(2024, 6, 17, 10))
    services.followup_cancel(followup=meetings["plan"])
    events, _cal = _events(client.get(f"/measures/ics/{_token(world.users['staff_a'], world.agency_a)}.ics"))
    own = events[str(meetings["own"].uid)]
    assert own.decoded("dtstart") == bkk(2024, 6, 17, 10)
    assert int(own["sequence"]) >= 1
    assert str(events[str(meetings["plan"].uid)]["status"]) == "CANCELLED"


def test_user_feed_only_own_meetings(world, meetings, client):
    events, _ = _events(client.get(f"/measures/ics/{_token(world.users['staff_a'])}.ics"))
    assert set(events) == {str(meetings["own"].uid)}  # named on the measure; the plan meeting names nobody
    events_b, _ = _events(client.get(f"/measures/ics/{_token(world.users['staff_b'])}.ics"))
    assert events_b == {}


def test_supervisor_feed_of_subtree_agency(world, meetings, client):
    events, _ = _events(client.get(f"/measures/ics/{_token(world.users['supervisor'], world.agency_a)}.ics"))
    assert str(meetings["plan"].uid) in events


def test_regenerate_kills_old_url(world, meetings, client):
    user = world.users["staff_a"]
    old = _token(user, world.agency_a)
    new = services.feed_token_regenerate(user=user, agency=world.agency_a).token
    assert new != old and len(new) >= 40
    assert client.get(f"/measures/ics/{old}.ics").status_code == 404
    assert client.get(f"/measures/ics/{new}.ics").status_code == 200


def test_unknown_token_and_lost_access(world, meetings, client):
    assert client.get("/measures/ics/not-a-token.ics").status_code == 404
    user = world.users["staff_a"]
    token = _token(user, world.agency_a)
    Membership.objects.filter(user=user).update(is_active=False)
    assert client.get(f"/measures/ics/{token}.ics").status_code == 404


def test_token_only_for_readable_agency(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.feed_token_get_or_create(user=world.users["staff_b"], agency=world.agency_a)
    assert not CalendarFeedToken.objects.exists()


def test_feeds_page_and_regenerate_view(world, meetings):
    client = world.client_for("staff_a")
    page = client.get("/measures/calendar-feeds/")
    assert page.status_code == 200
    old = CalendarFeedToken.objects.get(user=world.users["staff_a"], agency=world.agency_a).token
    assert old in page.content.decode()
    response = client.post("/measures/calendar-feeds/regenerate/", {"agency": world.agency_a.pk})
    assert response.status_code == 302
    assert CalendarFeedToken.objects.get(user=world.users["staff_a"], agency=world.agency_a).token != old
    assert (
        world.client_for("staff_b").post("/measures/calendar-feeds/regenerate/", {"agency": world.agency_a.pk}).status_code == 404
    )
    assert world.client_for("anonymous").get("/measures/calendar-feeds/").status_code == 302


def test_feed_window_drops_old_meetings(world, meetings, client, time_machine):
    time_machine.move_to(dt.datetime(2026, 1, 1, tzinfo=BKK))
    events, _ = _events(client.get(f"/measures/ics/{_token(world.users['staff_a'], world.agency_a)}.ics"))
    assert events == {}


def _switcher(html: str) -> dict[str, str]:
    import re

    menu = re.search(r'aria-labelledby="year-switcher">(.*?)</ul>', html, re.S).group(1)
    return {year: href for href, year in re.findall(r'href="([^"]+)"[^>]*>\s*ปีงบประมาณ (\d{4})', menu)}


def test_feeds_page_has_copy_and_download_and_keeps_its_year(world, meetings):
    """Copy (a button naming the URL field; the click is portal.js's, under the CSP) and download
    (the year's file); the year switcher stays on this page for the chosen year."""
    client = world.client_for("staff_a")
    page = client.get("/measures/calendar-feeds/2567/")
    assert page.status_code == 200
    html = page.content.decode()
    token = _token(world.users["staff_a"], world.agency_a)
    assert 'data-copy-target="feed-url-2"' in html and 'id="feed-url-2"' in html and "คัดลอกลิงก์" in html
    assert f'href="http://testserver/measures/ics/{token}.ics?year=2567" download="ita-followups-2567.ics"' in html
    assert "ดาวน์โหลดไฟล์ .ics ปีงบประมาณ 2567" in html
    assert "onclick" not in html and "<script>" not in html
    links = _switcher(html)
    assert links["2567"] == "/measures/calendar-feeds/2567/"
    assert all(href == f"/measures/calendar-feeds/{year}/" for year, href in links.items()), links
    assert 'aria-current="true"' in html.split('aria-labelledby="year-switcher"')[1].split("calendar-feeds/2567/")[1][:40]
    # Without a year: the current one, and the switcher still stays on the page.
    plain = client.get("/measures/calendar-feeds/").content.decode()
    assert all(href.startswith("/measures/calendar-feeds/") for href in _switcher(plain).values())
    assert client.get("/measures/calendar-feeds/1999/").status_code == 404
    assert world.client_for("anonymous").get("/measures/calendar-feeds/2567/").status_code == 302


def test_downloaded_file_holds_the_years_meetings_as_attachment(world, meetings, client):
    token = _token(world.users["staff_a"], world.agency_a)
    services.followup_create(agency=world.agency_a, fiscal_year=2568, starts_at=bkk(2024, 11, 5, 9))
    response = client.get(f"/measures/ics/{token}.ics?year=2567")
    assert response["Content-Disposition"] == 'attachment; filename="ita-followups-2567.ics"'
    events, cal = _events(response)
    assert set(events) == {str(meetings["plan"].uid), str(meetings["own"].uid)}
    assert str(cal["x-wr-calname"]).endswith("2567")
    events, _ = _events(client.get(f"/measures/ics/{token}.ics?year=2568"))
    assert len(events) == 1
    # The subscription itself is unchanged: inline, every year in the window.
    whole = client.get(f"/measures/ics/{token}.ics")
    assert whole["Content-Disposition"].startswith("inline")
    assert len(_events(whole)[0]) == 3
    assert client.get(f"/measures/ics/{token}.ics?year=abc").status_code == 404
    personal = _events(client.get(f"/measures/ics/{_token(world.users['staff_a'])}.ics?year=2567"))[0]
    assert set(personal) == {str(meetings["own"].uid)}
