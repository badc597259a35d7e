"""Buddhist-Era dates everywhere in the admin (issue 15): list columns, read-only fields, both kinds
of history page, a user's date_joined / last_login, the date drill-down; and admin date fields
typed in BE (any form the portal's parser reads) with the portal's BE calendar."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from ita_portal.agencies.models import Agency, DayOff
from measures.models import Measure, Reminder
from tests.factories_admin import rows_for

CE_YEAR = re.compile(r"\b20[0-4]\d\b")
BE_YEAR = re.compile(r"\b25[6-9]\d\b")


@pytest.fixture
def rows(world):
    return {"a": rows_for(world.agency_a, "ของเอ"), "b": rows_for(world.agency_b, "ของบี")}


def _main(html: str) -> str:
    """The page's content (#content), without scripts and the header."""
    body = html[html.index('id="content"') : html.index("END Content")]
    return re.sub(r"<script.*?</script>|<[^>]+>", " ", body, flags=re.S)


def test_simple_history_page_shows_be_years(world, rows):
    url = reverse("admin:measures_measure_history", args=[rows["a"].measure.pk])
    text = _main(world.client_for("supervisor").get(url).content.decode())
    year_be = timezone.localdate().year + 543
    assert f"{year_be}" in text
    assert not CE_YEAR.search(text), CE_YEAR.findall(text)
    assert "None" not in text


def test_django_history_page_shows_be_years(world, rows):
    client = world.client_for("supervisor")
    LogEntry.objects.log_actions(
        user_id=world.users["supervisor"].pk, queryset=[world.agency_a], action_flag=CHANGE, change_message="แก้ไขเบอร์โทร"
    )
    text = _main(client.get(reverse("admin:agencies_agency_history", args=[world.agency_a.pk])).content.decode())
    assert str(timezone.localdate().year + 543) in text
    assert not CE_YEAR.search(text), CE_YEAR.findall(text)


def test_changelist_columns_and_readonly_fields_are_be(world, rows):
    client = world.client_for("supervisor")
    # A raw DateTimeField column (Reminder.due_at = 8 June 2024 08:00 Bangkok).
    text = _main(client.get(reverse("admin:measures_reminder_changelist")).content.decode())
    assert "8 มิ.ย. 2567 08:00" in text
    assert not CE_YEAR.search(text), CE_YEAR.findall(text)
    # Read-only created_at / updated_at of a measure (a view-only page for supervisors).
    Measure.objects.filter(pk=rows["a"].measure.pk).update(start_date=dt.date(2024, 6, 1), end_date=dt.date(2024, 9, 30))
    text = _main(client.get(reverse("admin:measures_measure_change", args=[rows["a"].measure.pk])).content.decode())
    assert "1 มิ.ย. 2567" in text and "30 ก.ย. 2567" in text
    assert str(timezone.localdate().year + 543) in text
    assert not CE_YEAR.search(text), CE_YEAR.findall(text)
    assert Reminder.objects.filter(followup__agency=world.agency_a).exists()


def test_user_page_date_joined_and_last_login_are_be(world, rows):
    user = world.users["staff_a"]
    user.date_joined = timezone.make_aware(dt.datetime(2024, 1, 15, 10, 30))
    user.last_login = timezone.make_aware(dt.datetime(2024, 6, 2, 8, 5))
    user.save()
    html = world.client_for("supervisor").get(reverse("admin:auth_user_change", args=[user.pk])).content.decode()
    text = _main(html)
    assert "15 ม.ค. 2567 10:30" in text and "2 มิ.ย. 2567 08:05" in text
    assert not CE_YEAR.search(text), CE_YEAR.findall(text)
    assert 'alt="ใช่"' in html and 'alt="True"' not in html


def test_date_drill_down_and_date_filter_are_be(world, rows):
    """The date drill-down (kept on the import batches; the measures' went for speed) reads BE."""
    from indicators.models import ImportBatch

    batch = ImportBatch.objects.create(agency=world.agency_a, fiscal_year=2567, filename="x.csv", content=b"", status="invalid")
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.make_aware(dt.datetime(2024, 6, 1, 10, 0)))
    url = reverse("admin:indicators_importbatch_changelist")
    client = world.client_for("supervisor")
    html = client.get(url).content.decode()
    nav = html[html.index('class="toplinks"') : html.index("</nav>", html.index('class="toplinks"'))]
    nav = re.sub(r'href="[^"]*"', "", nav)
    assert "2567" in nav and "2024" not in nav
    nav_html = client.get(url + "?created_at__year=2024").content.decode()
    nav = nav_html[nav_html.index('class="toplinks"') :]
    nav = nav[: nav.index("</nav>")]
    assert "มิถุนายน 2567" in nav or "2567" in nav
    assert "2024" not in re.sub(r'href="[^"]*"', "", nav)


def test_fiscal_year_filter_lists_the_working_years_without_reading_the_table(world, rows):
    """The measures' fiscal-year filter offers the next, the current and five earlier fiscal years
    as links (no SELECT DISTINCT over the scope), filters by one, and shows a year typed in the URL."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ita_portal import thai

    current = thai.fiscal_year_of(timezone.localdate())
    url = reverse("admin:measures_measure_changelist")
    client = world.client_for("supervisor")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    assert not [q["sql"] for q in queries.captured_queries if "DISTINCT" in q["sql"] and "fiscal_year" in q["sql"]]
    for year in range(current + 1, current - 6, -1):
        assert f"?fiscal_year={year}" in html
    measure = rows["a"].measure
    shown = client.get(f"{url}?fiscal_year={measure.fiscal_year}").content.decode()
    assert measure.title in shown
    assert measure.title not in client.get(f"{url}?fiscal_year={measure.fiscal_year + 1}").content.decode()
    old = client.get(f"{url}?fiscal_year=2561").content.decode()
    assert re.search(r'<li class="selected">\s*<a href="\?fiscal_year=2561">2561</a>', old)


def _day_off_post(client, agency: Agency, typed: str):
    return client.post(reverse("admin:agencies_dayoff_add"), {"agency": agency.pk, "date": typed, "name": "วันหยุดพิเศษ"})


@pytest.mark.parametrize("typed", ["15/6/2567", "15/06/2567", "๑๕/๐๖/๒๕๖๗", "15 มิ.ย. 2567", "๑๕ มิถุนายน ๒๕๖๗", "15 มิ.ย. 67"])
def test_admin_date_typed_in_be_is_stored_in_ce(world, typed):
    response = _day_off_post(world.client_for("supervisor"), world.agency_a, typed)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert DayOff.objects.get(agency=world.agency_a).date == dt.date(2024, 6, 15)


@pytest.mark.parametrize("typed", ["15/6/2024", "2024-06-15"])
def test_admin_date_typed_in_ce_is_refused_in_thai(world, typed):
    response = _day_off_post(world.client_for("supervisor"), world.agency_a, typed)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["date"]
    assert errors and all(re.search(r"[ก-๙]", e) for e in errors)
    assert "2567" in " ".join(errors)  # names the BE date probably meant
    assert not DayOff.objects.exists()


def test_admin_date_field_is_the_be_picker_and_shows_be(world):
    client = world.client_for("supervisor")
    html = client.get(reverse("admin:agencies_dayoff_add")).content.decode()
    assert 'class="thai-date"' in html and "js/thai-datepicker.js" in html
    assert "vDateField" not in html  # not Django's CE calendar
    day_off = DayOff.objects.create(agency=world.agency_a, date=dt.date(2024, 6, 15), name="วันหยุด")
    html = client.get(reverse("admin:agencies_dayoff_change", args=[day_off.pk])).content.decode()
    assert 'value="15/06/2567"' in html
    # The superuser's measure form: start/end dates are BE boxes too.
    html = world.client_for("superuser").get(reverse("admin:agencies_dayoff_add")).content.decode()
    assert 'class="thai-date"' in html


def test_admin_datetime_field_is_a_be_date_and_a_time(world):
    """A superuser's user page: date_joined is a BE date box (with the calendar) and a time box."""
    user = world.users["staff_a"]
    user.date_joined = timezone.make_aware(dt.datetime(2024, 1, 15, 10, 30))
    user.save()
    request = RequestFactory().get("/admin/")
    request.user = world.users["superuser"]
    model_admin = admin.site._registry[get_user_model()]
    form = model_admin.get_form(request, user, change=True)(instance=user)
    field = form.fields["date_joined"]
    assert field.clean(["15/6/2567", "09.30"]) == timezone.make_aware(dt.datetime(2024, 6, 15, 9, 30))
    assert field.clean(["๑ มิ.ย. ๖๗", "14:05"]) == timezone.make_aware(dt.datetime(2024, 6, 1, 14, 5))
    with pytest.raises(ValidationError) as refused:
        field.clean(["15/6/2024", "09:30"])
    assert "2567" in " ".join(refused.value.messages)
    html = world.client_for("superuser").get(reverse("admin:auth_user_change", args=[user.pk])).content.decode()
    date_box = re.search(r'<input[^>]*name="date_joined_0"[^>]*>', html).group(0)
    assert 'value="15/01/2567"' in date_box and 'class="thai-date"' in date_box
    assert 'name="date_joined_1"' in html and 'value="10:30"' in html
    assert "vDateField" not in html


def test_yes_no_icons_follow_the_language_they_are_drawn_in():
    """The admin's yes/no/unknown icons are built once per value and language (drawn in every
    row of a changelist): each language still gets its own alt text."""
    from django.utils import translation

    from ita_portal.admin_be import boolean_icon

    with translation.override("th"):
        thai = [boolean_icon(v) for v in (True, False, None)]
    with translation.override("en"):
        english = [boolean_icon(v) for v in (True, False, None)]
    with translation.override("th"):
        assert boolean_icon(True) == thai[0]
    assert ['alt="ใช่"' in thai[0], 'alt="ไม่ใช่"' in thai[1], 'alt="ไม่ทราบ"' in thai[2]] == [True] * 3
    assert ['alt="Yes"' in english[0], 'alt="No"' in english[1], 'alt="Unknown"' in english[2]] == [True] * 3
    assert "icon-yes" in thai[0] and "icon-no" in english[1] and "icon-unknown" in thai[2]
