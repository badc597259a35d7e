"""Weekly digest to directors: overdue measures, measures without progress for 30 days, meetings
of the coming week; once per ISO week; nothing for an agency with nothing to report."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from ita_portal.agencies.models import Role
from measures.digest import director_digest_send_all
from measures.models import FollowUpStatus, MeasureStatus, ProgressUpdate
from tests.factories import AgencyFactory, MeasureFactory, bkk
from tests.factories_reminders import FollowUpFactory, member_with_email

pytestmark = pytest.mark.django_db

MONDAY_7 = bkk(2024, 6, 17, 7, 0)  # a Monday, FY 2567


@pytest.fixture
def agency_with_director():
    agency = AgencyFactory(use_thai_digits=False)
    director = member_with_email(agency, "director@example.go.th", role=Role.DIRECTOR)
    member_with_email(agency, "staff@example.go.th", role=Role.STAFF)
    return agency, director


def send(moment=MONDAY_7, **kwargs) -> int:
    with time_machine.travel(moment, tick=False):
        return director_digest_send_all(**kwargs)


def test_digest_lists_overdue_stale_and_coming_meetings(agency_with_director, django_capture_on_commit_callbacks):
    agency, director = agency_with_director
    MeasureFactory(agency=agency, title="มาตรการเกินกำหนด", end_date=dt.date(2024, 6, 1), status=MeasureStatus.IN_PROGRESS)
    stale = MeasureFactory(agency=agency, title="มาตรการเงียบ", start_date=dt.date(2024, 3, 1), end_date=dt.date(2024, 9, 30))
    ProgressUpdate.objects.create(measure=stale, reported_on=dt.date(2024, 5, 1), status=MeasureStatus.IN_PROGRESS)
    fresh = MeasureFactory(
        agency=agency, title="มาตรการมีความก้าวหน้า", start_date=dt.date(2024, 3, 1), end_date=dt.date(2024, 9, 30)
    )
    ProgressUpdate.objects.create(measure=fresh, reported_on=dt.date(2024, 6, 10), status=MeasureStatus.IN_PROGRESS)
    MeasureFactory(
        agency=agency,
        title="มาตรการเสร็จแล้ว",
        start_date=dt.date(2024, 3, 1),
        end_date=dt.date(2024, 5, 1),
        status=MeasureStatus.DONE,
    )
    FollowUpFactory(agency=agency, title="ประชุมสัปดาห์หน้า", starts_at=bkk(2024, 6, 20, 9, 30))
    FollowUpFactory(agency=agency, title="ประชุมที่ยกเลิก", starts_at=bkk(2024, 6, 21, 9), status=FollowUpStatus.CANCELLED)
    FollowUpFactory(agency=agency, title="ประชุมเดือนหน้า", starts_at=bkk(2024, 7, 20, 9))
    with django_capture_on_commit_callbacks(execute=True):
        assert send() == 1
    (message,) = mail.outbox
    assert message.to == ["director@example.go.th"]
    assert "เกินกำหนด 1 มาตรการ" in message.subject and "ประชุม 1 ครั้ง" in message.subject
    assert message.body.startswith(f"เรียน {director.full_name}")
    body = message.body
    assert "มาตรการเกินกำหนด (สิ้นสุด 1 มิถุนายน 2567" in body
    assert "มาตรการเงียบ (รายงานล่าสุด 1 พฤษภาคม 2567)" in body
    assert "ประชุมสัปดาห์หน้า: วันพฤหัสบดีที่ 20 มิถุนายน 2567 เวลา 09.30 น." in body
    for absent in ("มาตรการมีความก้าวหน้า", "มาตรการเสร็จแล้ว", "ประชุมที่ยกเลิก", "ประชุมเดือนหน้า"):
        assert absent not in body
    html = message.alternatives[0][0]
    assert "<h3>มาตรการที่เกินกำหนดแล้วยังไม่แล้วเสร็จ (1)</h3>" in html and "http://" in html


def test_digest_once_per_week_and_again_next_week(agency_with_director):
    agency, _ = agency_with_director
    MeasureFactory(agency=agency, end_date=dt.date(2024, 6, 1))
    assert send() == 1
    assert send(MONDAY_7 + dt.timedelta(hours=2)) == 0  # beat fired twice: still one digest
    assert send(MONDAY_7 + dt.timedelta(days=7)) == 1


def test_nothing_to_report_sends_nothing_and_other_agencies_stay_out(agency_with_director):
    other = AgencyFactory()
    MeasureFactory(agency=other, title="ของหน่วยงานอื่น", end_date=dt.date(2024, 6, 1))
    assert send() == 0  # the director's agency has nothing; the other agency has no director


def test_fiscal_year_boundary_keeps_last_years_unfinished_measures(agency_with_director, django_capture_on_commit_callbacks):
    agency, _ = agency_with_director
    MeasureFactory(agency=agency, fiscal_year=2567, title="ค้างจากปีก่อน", end_date=dt.date(2024, 9, 30))
    MeasureFactory(agency=agency, fiscal_year=2565, title="เก่ามาก", start_date=dt.date(2022, 1, 1), end_date=dt.date(2022, 9, 30))
    with django_capture_on_commit_callbacks(execute=True):
        assert send(bkk(2024, 10, 7, 7)) == 1  # Monday of FY 2568's first full week
    body = mail.outbox[0].body
    assert "ค้างจากปีก่อน (สิ้นสุด 30 กันยายน 2567" in body and "เก่ามาก" not in body
