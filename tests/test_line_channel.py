"""LINE as a channel: the token encrypted at rest and never shown back, pushes through the outbox
received by a fake LINE API on 127.0.0.1 exactly once, failures retried with the API's error kept,
reminders and workflow notifications both reaching the group; off until configured."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ita_portal.mail.line import line_channel_set
from ita_portal.mail.models import LineChannel, OutboxChannel, OutboxEmail, OutboxStatus
from ita_portal.mail.services import outbox_retry_due
from reports import services
from reports.models import ReportKind
from tests.fake_line import FakeLine

TOKEN = "line-token-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
GROUP = "C0123456789abcdef0123456789abcdef"


@pytest.fixture
def fake_line(settings):
    fake = FakeLine().start()
    settings.LINE_API_BASE = fake.url
    yield fake
    fake.stop()


@pytest.fixture
def configured(world):
    return line_channel_set(agency=world.agency_a, actor=world.users["director_a"], token=TOKEN, group_id=GROUP)


def _submit(world, capture):
    report = services.report_create(agency=world.agency_a, year=2567, kind=ReportKind.CALENDAR, actor=world.users["staff_a"])
    with capture(execute=True):
        return services.report_submit(report=report, actor=world.users["staff_a"])


@pytest.mark.django_db
def test_token_is_encrypted_at_rest_and_never_shown_back(world, configured):
    stored = LineChannel.objects.get(agency=world.agency_a)
    assert TOKEN not in stored.token_encrypted and stored.group_id == GROUP
    url = reverse("mail:line_settings", kwargs={"agency_id": world.agency_a.pk, "year": 2567})
    page = world.client_for("director_a").get(url).content.decode()
    assert GROUP in page and TOKEN not in page and stored.token_encrypted not in page
    # Saving without a token keeps the stored one.
    world.client_for("director_a").post(url, {"group_id": GROUP, "enabled": "on"})
    assert LineChannel.objects.get(agency=world.agency_a).token_encrypted == stored.token_encrypted
    expected = {"anonymous": 302, "outsider": 404, "staff_a": 403, "staff_b": 404, "supervisor": 403, "director_a": 200}
    for role, status in expected.items():
        assert world.client_for(role).get(url).status_code == status, role


@pytest.mark.django_db
def test_channel_set_is_checked(world):
    with pytest.raises(PermissionDenied):
        line_channel_set(agency=world.agency_a, actor=world.users["staff_a"], token=TOKEN, group_id=GROUP)
    with pytest.raises(ValidationError):
        line_channel_set(agency=world.agency_a, actor=world.users["director_a"], token=TOKEN, group_id="not-a-group")
    with pytest.raises(ValidationError):
        line_channel_set(agency=world.agency_a, actor=world.users["director_a"], token="", group_id=GROUP)


@pytest.mark.django_db
def test_off_until_configured(world, fake_line, django_capture_on_commit_callbacks):
    _submit(world, django_capture_on_commit_callbacks)
    assert not OutboxEmail.objects.filter(channel=OutboxChannel.LINE).exists() and fake_line.pushes == []


@pytest.mark.django_db
def test_workflow_push_reaches_the_group_exactly_once(world, configured, fake_line, django_capture_on_commit_callbacks):
    report = _submit(world, django_capture_on_commit_callbacks)
    (push,) = fake_line.pushes
    assert push.to == GROUP and push.token == TOKEN and push.retry_key
    assert push.texts[0].startswith("รอการพิจารณาของท่าน:") and f"/reports/a/{world.agency_a.pk}/2567/{report.pk}/" in push.texts[0]
    row = OutboxEmail.objects.get(channel=OutboxChannel.LINE)
    assert row.status == OutboxStatus.SENT and row.recipients == [GROUP]
    # Notifying the same event again, or sweeping, sends nothing more.
    from reports.services.notify import notify_event

    with django_capture_on_commit_callbacks(execute=True):
        notify_event(report=report, event=report.events.order_by("-pk").first())
    outbox_retry_due()
    assert len(fake_line.pushes) == 1


@pytest.mark.django_db
def test_failed_push_is_retried_with_the_api_error_kept(world, configured, fake_line, django_capture_on_commit_callbacks):
    fake_line.fail_next = 1
    _submit(world, django_capture_on_commit_callbacks)
    row = OutboxEmail.objects.get(channel=OutboxChannel.LINE)
    assert row.status == OutboxStatus.READY and row.attempts == 1 and "LINE API 500" in row.last_error
    assert fake_line.pushes == []
    outbox_retry_due(now=row.next_attempt_at + dt.timedelta(seconds=1))
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.last_error == "" and len(fake_line.pushes) == 1
    assert fake_line.attempts == 2


@pytest.mark.django_db
def test_lost_answer_is_not_pushed_twice(world, configured, fake_line, django_capture_on_commit_callbacks):
    """LINE accepted a push but the worker never learnt it: the retry's key gets 409, counted as sent."""
    _submit(world, django_capture_on_commit_callbacks)
    row = OutboxEmail.objects.get(channel=OutboxChannel.LINE)
    OutboxEmail.objects.filter(pk=row.pk).update(status=OutboxStatus.READY)
    outbox_retry_due()
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and len(fake_line.pushes) == 1 and fake_line.attempts == 2


@pytest.mark.django_db
def test_followup_reminder_goes_to_the_line_group_once(fake_line, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from measures.models import Reminder
    from measures.services.reminders import reminders_recompute, reminders_sweep
    from tests.factories import UserFactory
    from tests.factories_reminders import meeting_with_people

    now = timezone.now()
    meeting = meeting_with_people(starts_at=now + dt.timedelta(days=2, hours=3))
    director = UserFactory()
    from ita_portal.agencies.models import Membership, Role

    Membership.objects.create(user=director, agency=meeting.agency, role=Role.DIRECTOR, first_name_th="ผอ", last_name_th="ทดสอบ")
    line_channel_set(agency=meeting.agency, actor=director, token=TOKEN, group_id=GROUP)
    reminders_recompute(followup=meeting)
    # Due now whatever today is (on a weekend or holiday the moved moment may be past: skipped as late).
    Reminder.objects.filter(followup=meeting, lead_days=1).update(due_at=now - dt.timedelta(minutes=1), skipped_reason="")
    with django_capture_on_commit_callbacks(execute=True):
        reminders_sweep()
    with django_capture_on_commit_callbacks(execute=True):
        reminders_sweep()
    (push,) = fake_line.pushes
    assert "การกำกับติดตาม ครั้งที่" in push.texts[0] and push.to == GROUP
    assert OutboxEmail.objects.filter(channel=OutboxChannel.EMAIL).count() >= 1


@pytest.mark.django_db
def test_settings_page_test_button_pushes_one_message_per_press(world, configured, fake_line, django_capture_on_commit_callbacks):
    url = reverse("mail:line_settings", kwargs={"agency_id": world.agency_a.pk, "year": 2567})
    client = world.client_for("director_a")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"test": "1"}, follow=True)
        assert "ส่งข้อความทดสอบเข้าคิวแล้ว" in response.content.decode()
    assert len(fake_line.pushes) == 2 and all(p.to == GROUP for p in fake_line.pushes)
    assert fake_line.pushes[0].texts[0].startswith("ทดสอบการแจ้งเตือน") and world.agency_a.name in fake_line.pushes[0].texts[0]
    # The recent pushes listed on the page come from this agency's rows only.
    page = client.get(url).content.decode()
    assert page.count("ทดสอบการแจ้งเตือน") >= 2
    assert world.client_for("staff_a").post(url, {"test": "1"}).status_code == 403
    assert len(fake_line.pushes) == 2
