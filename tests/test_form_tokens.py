"""Create forms save once per form token (Back + save again, double click), and a measure with a
title already in the plan asks for a confirmation first."""

from __future__ import annotations

import re

import pytest

from measures.models import FollowUp, Measure

pytestmark = pytest.mark.django_db


def _token(html: str) -> str:
    return re.search(r'name="form_token" value="([0-9a-f]{32})"', html).group(1)


def test_measure_posted_twice_with_one_token_is_saved_once(world):
    client = world.client_for("staff_a")
    base = f"/measures/a/{world.agency_a.pk}/2567/"
    token = _token(client.get(base + "new/").content.decode())
    first = client.post(base + "new/", {"title": "จัดทำคู่มือการปฏิบัติงาน", "form_token": token})
    assert first.status_code == 302
    again = client.post(base + "new/", {"title": "จัดทำคู่มือการปฏิบัติงาน", "form_token": token}, follow=True)
    assert Measure.objects.filter(agency=world.agency_a).count() == 1
    measure = Measure.objects.get()
    assert again.redirect_chain[-1][0] == first["Location"] and str(measure.pk) in first["Location"]
    assert "รายการนี้บันทึกไปแล้ว ระบบไม่บันทึกซ้ำ" in again.content.decode()


def test_refused_save_keeps_its_token_usable(world):
    client = world.client_for("staff_a")
    base = f"/measures/a/{world.agency_a.pk}/2567/"
    token = _token(client.get(base + "new/").content.decode())
    refused = client.post(base + "new/", {"title": "", "form_token": token})
    assert refused.status_code == 200 and _token(refused.content.decode()) == token
    assert client.post(base + "new/", {"title": "ก", "form_token": token}).status_code == 302
    assert Measure.objects.count() == 1


def test_same_title_in_the_plan_needs_a_confirmation(world):
    client = world.client_for("staff_a")
    base = f"/measures/a/{world.agency_a.pk}/2567/"
    client.post(base + "new/", {"title": "จัดทำคู่มือการปฏิบัติงาน"})
    warned = client.post(base + "new/", {"title": "จัดทำคู่มือการปฏิบัติงาน"})
    html = warned.content.decode()
    assert warned.status_code == 200 and "แผนปีนี้มีมาตรการชื่อนี้แล้ว" in html and 'name="confirm_same_title"' in html
    assert Measure.objects.count() == 1
    # Another plan year, or a confirmation, saves it.
    assert client.post(f"/measures/a/{world.agency_a.pk}/2568/new/", {"title": "จัดทำคู่มือการปฏิบัติงาน"}).status_code == 302
    confirmed = client.post(base + "new/", {"title": "จัดทำคู่มือการปฏิบัติงาน", "confirm_same_title": "on"})
    assert confirmed.status_code == 302
    assert Measure.objects.filter(fiscal_year=2567).count() == 2


def test_meeting_token_is_per_user_and_form(world):
    base = f"/measures/a/{world.agency_a.pk}/2567/followups/new/"
    staff, director = world.client_for("staff_a"), world.client_for("director_a")
    token = _token(staff.get(base).content.decode())
    data = {"date": "15/6/2567", "start_time": "09:00", "form_token": token}
    assert staff.post(base, data).status_code == 302
    assert staff.post(base, data).status_code == 302
    assert FollowUp.objects.count() == 1
    # The same token from someone else is that person's own first save.
    assert director.post(base, data).status_code == 302
    assert FollowUp.objects.count() == 2
    # The supervisor is still refused, token or not.
    assert world.client_for("supervisor").post(base, {**data, "form_token": "f" * 32}).status_code == 403
