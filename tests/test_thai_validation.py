"""Thai validation messages everywhere, and a sane year window for every date (issue 18, item 9).

Django's own messages ("Null characters are not allowed.", "Ensure this value has at most N
characters") come from the portal's Thai catalogue (locale/th), and every typed date lies in
BE 2500–2600: ISO 9999-12-31 is refused instead of becoming 9456-12-31, BE 2400 is refused."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from ita_portal.thai import ThaiDateError, parse_be_date
from measures.models import FollowUp

THAI = re.compile(r"[\u0e00-\u0e7f]")
ENGLISH_WORDS = re.compile(r"\b(Ensure|characters|Null|allowed|Enter|password|This field)\b")


def messages_of(field: forms.Field, value) -> list[str]:
    with translation.override("th"):
        try:
            field.clean(value)
        except ValidationError as exc:
            return [str(m) for m in exc.messages]
    raise AssertionError("no error")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (forms.CharField(), "มี\x00ว่าง"),
        (forms.CharField(max_length=5), "ยาวเกินห้าตัว"),
        (forms.CharField(min_length=5), "สั้น"),
        (forms.CharField(), ""),
        (forms.IntegerField(), "สิบ"),
        (forms.DecimalField(max_digits=4, decimal_places=2), "12345"),
        (forms.DecimalField(decimal_places=2), "1.234"),
        (forms.DecimalField(max_value=100), "101"),
        (forms.URLField(assume_scheme="https"), "ไม่ใช่ลิงก์"),
        (forms.EmailField(), "ไม่ใช่อีเมล"),
        (forms.ChoiceField(choices=[("a", "ก")]), "b"),
        (forms.DateField(), "วันไหน"),
    ],
)
def test_django_messages_are_thai(field, value):
    for message in messages_of(field, value):
        assert THAI.search(message) and not ENGLISH_WORDS.search(message), message


@pytest.mark.django_db
def test_password_rules_are_thai():
    with translation.override("th"), pytest.raises(ValidationError) as info:
        validate_password("1234")
    assert info.value.messages and all(THAI.search(m) and not ENGLISH_WORDS.search(m) for m in info.value.messages)


def test_max_length_message_names_the_numbers():
    assert messages_of(forms.CharField(max_length=5), "ก" * 7) == ["ข้อความยาวได้ไม่เกิน 5 ตัวอักษร (ที่กรอกมี 7 ตัวอักษร)"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2567-06-15", dt.date(2024, 6, 15)), ("15/6/2567", dt.date(2024, 6, 15)), ("1 มิ.ย. 2567", dt.date(2024, 6, 1))],
)
def test_dates_inside_the_window(text, expected):
    assert parse_be_date(text) == expected


def test_ce_iso_date_inside_the_window_is_refused_not_taken_silently():
    # Issue 15: a CE year is refused in every layout (the BE picker writes dd/mm/BBBB itself).
    with pytest.raises(ThaiDateError, match=re.escape("ปี 2024 เป็นปีคริสต์ศักราช กรุณาระบุปีพุทธศักราช (น่าจะเป็น 15/06/2567)")):
        parse_be_date("2024-06-15")


@pytest.mark.parametrize("text", ["9999-12-31", "2999-01-01", "1900-01-01", "15/6/2400", "1/1/2499", "1/1/2601", "๑/๑/๙๙๙๙"])
def test_dates_outside_the_window_are_refused_not_shifted(text):
    with pytest.raises(ThaiDateError, match=re.escape("อยู่นอกช่วงที่รับได้ กรุณาระบุปี พ.ศ. 2500–2600")):
        parse_be_date(text)


def test_meeting_in_be_2400_and_thai_messages_on_the_page(world):
    url = reverse("measures:followup_create", kwargs={"agency_id": world.agency_a.pk, "year": 2567})
    data = {"date": "15/6/2400", "start_time": "09:00", "title": "ประชุม\x00", "place": "ห้อง" * 100}
    response = world.client_for("staff_a").post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and not FollowUp.objects.exists()
    assert "ปี 2400 อยู่นอกช่วงที่รับได้" in html
    assert "มีอักขระว่าง (NUL)" in html and "Null characters" not in html
    assert "ข้อความยาวได้ไม่เกิน 255 ตัวอักษร" in html and "Ensure this value" not in html
