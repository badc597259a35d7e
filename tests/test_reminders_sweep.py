"""The reminder sweep (eager Celery, any database): due and unsent reminders go out once, with
Thai e-mails and a calendar invitation; downtime is caught up; stale claims are taken over."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from ita_portal.mail.models import OutboxEmail, OutboxStatus
from ita_portal.mail.services import email_queue, email_queue_many
from measures.models import FollowUpStatus, Reminder
from measures.reminders import SKIP_PAST, followup_recipients
from measures.services.reminders import reminders_recompute, reminders_sweep
from tests.factories import DivisionFactory, MeasureFactory, MembershipFactory, bkk
from tests.factories_reminders import FollowUpFactory, meeting_with_people, member_with_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    def run(moment: dt.datetime) -> int:
        with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
            return reminders_sweep()

    return run


def make_meeting(created: dt.datetime, starts: dt.datetime, **kwargs):
    with time_machine.travel(created, tick=False):
        f = meeting_with_people(starts_at=starts, **kwargs)
        reminders_recompute(followup=f)
    return f


def ics_of(message) -> Calendar:
    (part,) = [a for a in message.attachments if getattr(a, "get_content_type", lambda: "")() == "text/calendar"]
    return Calendar.from_ical(part.get_payload(decode=True))


def test_nothing_before_8_then_one_mail_per_recipient_once(sweep):
    f = make_meeting(bkk(2024, 6, 1), bkk(2024, 6, 20, 9, 30))
    assert sweep(bkk(2024, 6, 13, 7, 59)) == 0
    assert mail.outbox == []
    assert sweep(bkk(2024, 6, 13, 8, 0)) == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [f.measure.responsible_people.get().user.email, f.attendees.get().user.email]
    )
    assert sweep(bkk(2024, 6, 13, 8, 5)) == 0  # the next sweep finds nothing
    assert len(mail.outbox) == 2
    r7 = Reminder.objects.get(followup=f, lead_days=7)
    assert r7.sent_at == bkk(2024, 6, 13, 8, 0)
    assert OutboxEmail.objects.filter(status=OutboxStatus.SENT).count() == 2


def test_mail_is_thai_with_html_link_and_request_invite(sweep, settings):
    settings.SITE_URL = "https://ita.example.go.th"
    f = make_meeting(bkk(2024, 6, 1), bkk(2024, 6, 20, 9, 30), title="ติดตามมาตรการเปิดเผยข้อมูล")
    f.sequence = 3
    f.save()
    sweep(bkk(2024, 6, 13, 8, 0))
    message = next(m for m in mail.outbox if m.subject.startswith("อีก ๗ วัน:"))
    assert "การกำกับติดตาม ครั้งที่" in message.subject
    assert "๒๐ มิถุนายน ๒๕๖๗" in message.subject and "๐๙.๓๐ น." in message.subject
    assert message.body.startswith("เรียน นาง")
    assert f.measure.title in message.body
    assert "https://ita.example.go.th/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and 'href="https://ita.example.go.th/' in html and "<strong>" in html
    cal = ics_of(message)
    assert cal["METHOD"] == "REQUEST"
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == str(f.uid)
    assert int(event["SEQUENCE"]) == 3
    assert event.decoded("DTSTART") == bkk(2024, 6, 20, 9, 30)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(hours=1)
    assert str(event["SUMMARY"]) == f"การกำกับติดตาม ครั้งที่ {f.number} ติดตามมาตรการเปิดเผยข้อมูล"
    assert str(event["LOCATION"]) == "ห้องประชุมสำนักงาน"
    assert str(event["ATTENDEE"]) == f"mailto:{message.to[0]}"
    assert str(event["ORGANIZER"]).startswith("mailto:")


def test_downtime_of_a_day_sends_what_was_missed_but_not_past_meetings(sweep):
    gone = make_meeting(bkk(2024, 6, 1), bkk(2024, 6, 18, 15))  # 1-day reminder due 17 Jun 08:00
    useful = make_meeting(bkk(2024, 6, 1), bkk(2024, 6, 19, 14))  # 1-day reminder due 18 Jun 08:00
    soon = make_meeting(bkk(2024, 6, 1), bkk(2024, 6, 20, 9))  # 1-day reminder due 19 Jun 08:00
    assert sweep(bkk(2024, 6, 13, 8, 0)) == 3  # the three 7-day reminders, on time
    mail.outbox.clear()
    # The worker is down from 17 Jun 07:00 to 18 Jun 16:00: two reminder moments are missed.
    assert sweep(bkk(2024, 6, 18, 16, 0)) == 1
    assert {m.to[0] for m in mail.outbox} == {p.user.email for p in followup_recipients(useful)}
    assert Reminder.objects.get(followup=useful, lead_days=1).sent_at == bkk(2024, 6, 18, 16)
    r_gone = Reminder.objects.get(followup=gone, lead_days=1)
    assert r_gone.sent_at is None and r_gone.skipped_reason == SKIP_PAST  # its meeting already began
    assert Reminder.objects.get(followup=soon, lead_days=1).sent_at is None  # not due yet
    assert sweep(bkk(2024, 6, 19, 8, 0)) == 1
    assert len(mail.outbox) == 4


def test_missed_reminder_of_a_meeting_already_started_is_skipped(sweep):
    f = make_meeting(bkk(2024, 6, 1), bkk(2024, 6, 19, 14))
    sweep(bkk(2024, 6, 13, 8))
    mail.outbox.clear()
    assert sweep(bkk(2024, 6, 19, 15)) == 0  # back after the meeting began
    assert mail.outbox == []
    assert Reminder.objects.get(followup=f, lead_days=1).skipped_reason == SKIP_PAST


def test_cancelled_meeting_sends_one_cancel_notice_and_no_reminder(sweep):
    f = make_meeting(bkk(2024, 6, 1), bkk(2024, 6, 20, 9))
    f.status = FollowUpStatus.CANCELLED
    f.sequence += 1
    f.save()
    with time_machine.travel(bkk(2024, 6, 10), tick=False):
        reminders_recompute(followup=f)
    assert sweep(bkk(2024, 6, 10, 0, 5)) == 1
    assert len(mail.outbox) == 2 and all(m.subject.startswith("ยกเลิก:") for m in mail.outbox)
    cal = ics_of(mail.outbox[0])
    assert cal["METHOD"] == "CANCEL"
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == str(f.uid) and str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
    mail.outbox.clear()
    assert sweep(bkk(2024, 6, 19, 8)) == 0  # the 7- and 1-day moments pass silently
    assert mail.outbox == []


def test_meeting_cancelled_between_claim_and_send_is_not_reminded(sweep):
    f = make_meeting(bkk(2024, 6, 1), bkk(2024, 6, 20, 9))
    # Cancelled without recompute (e.g. a raw admin edit): the sweep itself checks the status.
    f.status = FollowUpStatus.CANCELLED
    f.save()
    assert sweep(bkk(2024, 6, 13, 8)) == 0
    assert mail.outbox == []


def test_late_created_meeting_gets_only_the_1_day_reminder(sweep):
    f = make_meeting(bkk(2024, 6, 16), bkk(2024, 6, 20, 9))
    assert sweep(bkk(2024, 6, 16, 0, 5)) == 0  # the 7-day moment (13 Jun) is not sent late
    assert sweep(bkk(2024, 6, 19, 8)) == 1
    assert Reminder.objects.get(followup=f, lead_days=7).sent_at is None


def test_moved_meeting_invite_carries_the_new_time(sweep):
    f = make_meeting(bkk(2024, 6, 1), bkk(2024, 6, 20, 9))
    sweep(bkk(2024, 6, 13, 8))
    f.starts_at = bkk(2024, 7, 4, 13)
    f.sequence += 1
    f.save()
    with time_machine.travel(bkk(2024, 6, 14), tick=False):
        reminders_recompute(followup=f)
    mail.outbox.clear()
    assert sweep(bkk(2024, 6, 27, 8)) == 1
    event = ics_of(mail.outbox[0]).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == bkk(2024, 7, 4, 13) and int(event["SEQUENCE"]) == 1
    assert str(event["UID"]) == str(f.uid)


def test_stale_claim_of_a_dead_worker_is_taken_over_once(sweep, settings):
    settings.REMINDER_CLAIM_STALE_SECONDS = 600
    f = make_meeting(bkk(2024, 6, 1), bkk(2024, 6, 20, 9))
    # A worker claimed the 7-day reminder at 08:00 and died before queueing anything.
    Reminder.objects.filter(followup=f, lead_days=7).update(claimed_at=bkk(2024, 6, 13, 8), claim_token=uuid.uuid4())
    assert sweep(bkk(2024, 6, 13, 8, 5)) == 0  # claim still fresh
    assert mail.outbox == []
    assert sweep(bkk(2024, 6, 13, 8, 11)) == 1  # stale: taken over
    assert len(mail.outbox) == 2
    assert sweep(bkk(2024, 6, 13, 8, 30)) == 0
    assert len(mail.outbox) == 2


def test_recipients_are_responsible_people_attendees_and_division_members():
    f = make_meeting(bkk(2024, 6, 1), bkk(2024, 6, 20, 9))
    agency = f.agency
    division = DivisionFactory(agency=agency)
    in_division = member_with_email(agency, "div@example.go.th", division=division)
    member_with_email(agency, "other@example.go.th")  # not involved
    inactive = member_with_email(agency, "gone@example.go.th", division=division, is_active=False)
    f.measure.responsible_divisions.add(division)
    no_mail = MembershipFactory(agency=agency, user__email="", division=division)
    dup = f.attendees.get()
    f.measure.responsible_people.add(dup)  # both attendee and responsible: one e-mail
    emails = [m.user.email for m in followup_recipients(f)]
    assert sorted(emails) == sorted([*(p.user.email for p in f.measure.responsible_people.all()), in_division.user.email])
    assert inactive.user.email not in emails and no_mail.user.email not in emails
    assert len(emails) == len(set(emails))


def test_plan_meeting_without_people_goes_to_directors(sweep):
    agency = MeasureFactory().agency
    director = member_with_email(agency, "director@example.go.th", role="director")
    with time_machine.travel(bkk(2024, 6, 1), tick=False):
        f = FollowUpFactory(agency=agency, starts_at=bkk(2024, 6, 20, 9))
        reminders_recompute(followup=f)
    assert [m.pk for m in followup_recipients(f)] == [director.pk]
    assert sweep(bkk(2024, 6, 13, 8)) == 1
    assert mail.outbox[0].to == ["director@example.go.th"]


def test_sweep_query_count_is_bounded(sweep, django_assert_max_num_queries):
    for i in range(5):
        make_meeting(bkk(2024, 6, 1), bkk(2024, 6, 20 + i, 9))
    with django_assert_max_num_queries(8):
        assert sweep(bkk(2024, 6, 1, 9)) == 0  # nothing due: a select, no claim, done


def test_pending_reminders_command(capsys):
    make_meeting(bkk(2024, 6, 1), bkk(2024, 6, 20, 9, 30))
    with time_machine.travel(bkk(2024, 6, 2), tick=False):
        call_command("pending_reminders")
    out = capsys.readouterr().out
    assert "13 มิถุนายน 2567 08.00" in out and "ล่วงหน้า 7 วัน" in out and "รวม 2 รายการ" in out
    with time_machine.travel(bkk(2024, 6, 2), tick=False):
        call_command("pending_reminders", "--due")
    assert "ไม่มีการแจ้งเตือนที่รอส่ง" in capsys.readouterr().out


# --- a busy sweep: constant queries, same messages, exactly once -------------------------------


def _busy_meetings(n: int, starts: dt.datetime) -> list:
    """``n`` measure meetings (responsible person, attendee, a member of a responsible division)
    and one plan meeting with nobody named (goes to a director), all starting at ``starts``."""
    meetings = []
    for _ in range(n):
        f = meeting_with_people(starts_at=starts)
        division = DivisionFactory(agency=f.agency)
        member_with_email(f.agency, f"div{f.pk}@example.go.th", division=division)
        f.measure.responsible_divisions.add(division)
        meetings.append(f)
    agency = MeasureFactory().agency
    member_with_email(agency, f"director{agency.pk}@example.go.th", role="director")
    meetings.append(FollowUpFactory(agency=agency, starts_at=starts))
    with time_machine.travel(starts - dt.timedelta(days=30), tick=False):
        for f in meetings:
            reminders_recompute(followup=f)
    return meetings


def _measured_sweep(moment: dt.datetime, capture_on_commit) -> tuple[int, int, int]:
    """(reminders sent, queries of the sweep, on-commit callbacks it registered)."""
    with (
        time_machine.travel(moment, tick=False),
        capture_on_commit(execute=False) as callbacks,
        CaptureQueriesContext(connection) as queries,
    ):
        sent = reminders_sweep()
    return sent, len(queries.captured_queries), len(callbacks)


def test_busy_sweep_query_count_does_not_grow_with_due_reminders(django_capture_on_commit_callbacks):
    few = _busy_meetings(2, bkk(2024, 6, 20, 9))
    sent_few, queries_few, callbacks_few = _measured_sweep(bkk(2024, 6, 13, 8), django_capture_on_commit_callbacks)
    assert sent_few == 3 and OutboxEmail.objects.count() == 2 * 3 + 1
    for f in few:
        f.delete()  # their 1-day reminders would join the next sweep
    _busy_meetings(20, bkk(2024, 7, 20, 9))
    sent_many, queries_many, callbacks_many = _measured_sweep(bkk(2024, 7, 13, 8), django_capture_on_commit_callbacks)
    assert sent_many == 21 and OutboxEmail.objects.count() == 7 + 20 * 3 + 1
    assert queries_many == queries_few, (queries_few, queries_many)
    assert queries_many <= 16
    # The send tasks of the whole batch are queued after commit in one go.
    assert callbacks_few == callbacks_many == 1


def test_batched_messages_equal_rendering_per_recipient(monkeypatch):
    from ita_portal.ics import calendar_bytes, followup_event
    from measures import reminder_mail
    from measures.reminders import followup_link

    f = make_meeting(bkk(2024, 6, 1), bkk(2024, 6, 20, 9, 30), title='ติดตาม <ข้อมูล> & "ผล"')
    tricky = f.attendees.get()
    tricky.first_name_th = "สมศรี<b>&\"'ยาวมากเพื่อให้บรรทัด ATTENDEE ในไฟล์ปฏิทินต้องพับบรรทัด"
    tricky.save()
    recipients = followup_recipients(f)
    captured = {}
    real = reminder_mail.render_email

    def spy(name, context):
        captured.update(name=name, context=context)
        return real(name, context)

    monkeypatch.setattr(reminder_mail, "render_email", spy)
    for kind_of in ("reminder", "cancellation"):
        with time_machine.travel(bkk(2024, 6, 13, 8), tick=False):
            if kind_of == "cancellation":
                f.status = FollowUpStatus.CANCELLED
                f.save()
                reminders_recompute(followup=f)
                reminder = Reminder.objects.get(followup=f, kind="cancellation")
            else:
                reminder = Reminder.objects.get(followup=f, lead_days=7)
            messages = reminder_mail.reminder_messages(reminder=reminder, followup=f, recipients=recipients)
            assert len(messages) == len(recipients) == 2
            for member, message in zip(recipients, messages, strict=True):
                subject, text, html = real(captured["name"], {**captured["context"], "member": member})
                assert (message["subject"], message["text"], message["html"]) == (subject, text, html)
                assert reminder_mail.NAME_MARK not in message["text"] + message["html"]
                event = followup_event(
                    f,
                    url=followup_link(f),
                    attendees=[(member.user.email, member.full_name)],
                    cancelled=kind_of == "cancellation",
                    stamp=bkk(2024, 6, 13, 8),
                )
                method = "CANCEL" if kind_of == "cancellation" else "REQUEST"
                assert message["attachments"][0]["content"] == calendar_bytes([event], method=method).decode()
    assert "สมศรี&lt;b&gt;&amp;" in messages[[m.pk for m in recipients].index(tricky.pk)]["html"]


def test_already_queued_message_is_not_queued_again_and_the_reminder_is_sent(sweep):
    f = make_meeting(bkk(2024, 6, 1), bkk(2024, 6, 20, 9))
    reminder = Reminder.objects.get(followup=f, lead_days=7)
    first = followup_recipients(f)[0].user.email
    # A previous attempt queued one of the two e-mails (same dedupe key) and already sent it.
    email_queue(
        recipients=[first],
        subject="ส่งไปแล้ว",
        text="ส่งไปแล้ว",
        dedupe_key=f"followup:{reminder.pk}:{int(reminder.due_at.timestamp())}:{first.lower()}",
        send_after_commit=False,
    )
    assert sweep(bkk(2024, 6, 13, 8)) == 1
    assert OutboxEmail.objects.count() == 2
    assert first not in [m.to[0] for m in mail.outbox] and len(mail.outbox) == 1
    assert Reminder.objects.get(pk=reminder.pk).sent_at is not None


def test_email_queue_many_skips_known_and_repeated_keys(django_capture_on_commit_callbacks):
    email_queue(recipients=["a@example.go.th"], subject="เดิม", text="เดิม", dedupe_key="k1", send_after_commit=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = email_queue_many(
            messages=[
                {"recipients": ["a@example.go.th"], "subject": "ซ้ำ", "text": "ซ้ำ", "dedupe_key": "k1"},
                {"recipients": ["b@example.go.th"], "subject": "ใหม่", "text": "ใหม่", "dedupe_key": "k2"},
                {"recipients": ["b@example.go.th"], "subject": "ซ้ำในชุด", "text": "ซ้ำ", "dedupe_key": "k2"},
                {"recipients": ["c@example.go.th"], "subject": "ไม่มีรหัส", "text": "ไม่มีรหัส"},
            ]
        )
    assert [r.subject for r in rows] == ["ใหม่", "ไม่มีรหัส"] and all(r.pk for r in rows)
    assert OutboxEmail.objects.count() == 3 and len(callbacks) == 1
    with pytest.raises(ValidationError):
        email_queue_many(messages=[{"recipients": ["not an address"], "subject": "ผิด", "text": "ผิด"}])


def test_one_bad_reminder_does_not_hold_back_the_batch(sweep, monkeypatch):
    from measures import reminder_mail

    good = make_meeting(bkk(2024, 6, 1), bkk(2024, 6, 20, 9))
    bad = make_meeting(bkk(2024, 6, 1), bkk(2024, 6, 20, 10))
    real = reminder_mail.reminder_messages

    def failing(*, reminder, followup, recipients):
        if followup.pk == bad.pk:
            raise RuntimeError("template broken for this meeting")
        return real(reminder=reminder, followup=followup, recipients=recipients)

    monkeypatch.setattr(reminder_mail, "reminder_messages", failing)
    assert sweep(bkk(2024, 6, 13, 8)) == 1  # the batch rolls back, then each row goes alone
    assert {m.to[0] for m in mail.outbox} == {p.user.email for p in followup_recipients(good)}
    stuck = Reminder.objects.get(followup=bad, lead_days=7)
    assert stuck.sent_at is None and stuck.claimed_at is not None  # retried once the claim is stale
    monkeypatch.setattr(reminder_mail, "reminder_messages", real)
    assert sweep(bkk(2024, 6, 13, 8, 30)) == 1
    assert len(mail.outbox) == 4 and Reminder.objects.get(pk=stuck.pk).sent_at is not None
