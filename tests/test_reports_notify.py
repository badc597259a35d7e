"""Workflow notifications: who is told of each move, exactly once, with a link, through the outbox
(here the eager test worker and Django's test mailbox; tests/test_reports_notify_worker.py runs a
real worker with Redis)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from ita_portal.mail.models import OutboxEmail, OutboxStatus
from reports import services
from reports.models import ReportKind
from reports.services.notify import notify_event
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def people(world):
    for key in ("staff_a", "director_a"):
        world.users[key].email = f"{key}@a.test"
        world.users[key].save()
    head = MembershipFactory(
        user=UserFactory(username="head_a", email="head@a.test"), agency=world.agency_a, first_name_th="หัวหน้า"
    )
    return world.users["staff_a"], head.user, world.users["director_a"]


def _sent_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


@pytest.mark.django_db
def test_each_person_is_told_once_with_a_link(world, people, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://ita.example.go.th"
    staff, head, director = people
    services.routing_chain_set(
        agency=world.agency_a, kind=ReportKind.CALENDAR, reviewers=[head.memberships.get()], actor=director
    )
    report = services.report_create(agency=world.agency_a, year=2567, kind=ReportKind.CALENDAR, actor=staff)
    link = "https://ita.example.go.th" + reverse(
        "reports:detail", kwargs={"agency_id": world.agency_a.pk, "year": 2567, "pk": report.pk}
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_submit(report=report, actor=staff)
    (to_head,) = _sent_to("head@a.test")
    assert to_head.subject.startswith("รอการพิจารณาของท่าน:") and link in to_head.body
    assert _sent_to("director_a@a.test") == []  # not the director's turn yet
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_forward(report=report, actor=head, note="ขอเสนอ ผอ. เพื่อพิจารณา")
    (to_director,) = _sent_to("director_a@a.test")
    assert "ขอเสนอ ผอ. เพื่อพิจารณา" in to_director.body and link in to_director.body
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_return(report=report, actor=director, note="แก้ไขวันประชุมครั้งที่ ๒")
    (returned,) = _sent_to("staff_a@a.test")
    assert returned.subject.startswith("ส่งกลับแก้ไข:") and "แก้ไขวันประชุมครั้งที่ ๒" in returned.body
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_submit(report=report, actor=staff)
        report = services.report_forward(report=report, actor=head)
        report = services.report_approve(report=report, actor=director)
    approved = [m for m in _sent_to("staff_a@a.test") if m.subject.startswith("อนุมัติแล้ว:")]
    assert len(approved) == 1 and link in approved[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.report_publish(report=report, actor=director)
    published = [m for m in mail.outbox if m.subject.startswith("เผยแพร่แล้ว:")]
    assert sorted(a for m in published for a in m.to) == ["head@a.test", "staff_a@a.test"]  # not the publisher
    assert OutboxEmail.objects.exclude(status=OutboxStatus.SENT).count() == 0
    assert OutboxEmail.objects.count() == len(mail.outbox)


@pytest.mark.django_db
def test_notifying_an_event_twice_queues_nothing_more(world, people, django_capture_on_commit_callbacks):
    staff, _head, _director = people
    report = services.report_create(agency=world.agency_a, year=2567, kind=ReportKind.CALENDAR, actor=staff)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_submit(report=report, actor=staff)
    event = report.events.order_by("-pk").first()
    assert OutboxEmail.objects.filter(dedupe_key__startswith=f"report-event:{event.pk}:").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_event(report=report, event=event) == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["director_a@a.test"]


@pytest.mark.django_db
def test_a_failed_transition_sends_nothing(world, people, django_capture_on_commit_callbacks):
    staff, _head, director = people
    report = services.report_create(agency=world.agency_a, year=2567, kind=ReportKind.CALENDAR, actor=staff)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_submit(report=report, actor=staff)
    mail.outbox.clear()
    with pytest.raises(ValidationError), django_capture_on_commit_callbacks(execute=True):
        services.report_return(report=report, actor=director, note="")
    assert mail.outbox == []
