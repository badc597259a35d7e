"""The routing chain (เสนอตามลำดับชั้น): each step forwards with its note, returns at any step,
refusals for everyone outside the chain, the notes printed on the memo, and the waiting list."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ita_portal.agencies.models import Membership, Role
from reports import services
from reports.documents import build_source
from reports.models import ReportAction, ReportKind, ReportState
from reports.rendering import render_source_pdf
from reports.selectors import director_queue, waiting_for
from tests.factories import MembershipFactory, UserFactory
from tests.pdf_helpers import normalise_ws, pdftotext_text

S = ReportState


@pytest.fixture
def chain(world):
    """Agency A's calendar goes staff_a → head of division → deputy → director_a."""
    agency = world.agency_a
    head = MembershipFactory(
        user=UserFactory(username="head_a", email="head@a.test"),
        agency=agency,
        name_title="นาง",
        first_name_th="วิหาญ",
        last_name_th="พลเพชร",
        position_title="ผู้อำนวยการกลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา",
    )
    deputy = MembershipFactory(
        user=UserFactory(username="deputy_a", email="deputy@a.test"),
        agency=agency,
        name_title="นาย",
        first_name_th="สมชาย",
        last_name_th="รองดี",
        position_title="รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา",
    )
    services.routing_chain_set(agency=agency, kind=ReportKind.CALENDAR, reviewers=[head, deputy], actor=world.users["director_a"])
    return head.user, deputy.user


def _draft(world, kind=ReportKind.CALENDAR):
    return services.report_create(
        agency=world.agency_a,
        year=2567,
        kind=kind,
        actor=world.users["staff_a"],
        data={"signer_name": "นางทวิกา บำรุงสวัสดิ์", "signer_position": "ศึกษานิเทศก์ชำนาญการพิเศษ"},
    )


@pytest.mark.django_db
def test_default_chain_goes_directly_to_the_director(world):
    report = services.report_submit(report=_draft(world), actor=world.users["staff_a"])
    assert report.pending_review is None
    assert list(director_queue(user=world.users["director_a"], agency=world.agency_a, year=2567)) == [report]
    assert services.actions_for(report, world.users["director_a"]) == [ReportAction.RETURN, ReportAction.APPROVE]


@pytest.mark.django_db
def test_each_step_forwards_in_order_with_its_note_and_hash(world, chain, django_capture_on_commit_callbacks):
    head, deputy = chain
    director = world.users["director_a"]
    report = services.report_submit(report=_draft(world), actor=world.users["staff_a"])
    assert report.pending_review.reviewer == head
    # Not yet the director's: not in the queue, and approving is refused while the chain runs.
    assert list(director_queue(user=director, agency=world.agency_a, year=2567)) == []
    with pytest.raises(ValidationError, match="วิหาญ"):
        services.report_approve(report=report, actor=director)
    with pytest.raises(PermissionDenied):
        services.report_forward(report=report, actor=deputy, note="ข้ามขั้น")
    report = services.report_forward(report=report, actor=head, note="เพื่อโปรดทราบ\nและขอเสนอ ผอ.เขตฯ เพื่อพิจารณา")
    assert report.state == S.SUBMITTED and report.pending_review.reviewer == deputy
    report = services.report_forward(report=report, actor=deputy, note="เห็นควรอนุญาต")
    assert report.pending_review is None
    assert list(director_queue(user=director, agency=world.agency_a, year=2567)) == [report]
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_approve(report=report, actor=director, decision="ทราบ")
    assert report.state == S.APPROVED
    forwards = list(report.events.filter(action=ReportAction.FORWARD).order_by("pk"))
    assert [(e.actor, e.note) for e in forwards] == [
        (head, "เพื่อโปรดทราบ\nและขอเสนอ ผอ.เขตฯ เพื่อพิจารณา"),
        (deputy, "เห็นควรอนุญาต"),
    ]
    assert all(e.from_state == e.to_state == S.SUBMITTED for e in forwards)


@pytest.mark.django_db
@pytest.mark.parametrize("at_step", [0, 1, 2])
def test_return_at_any_step_goes_back_to_the_drafter(world, chain, at_step):
    head, deputy = chain
    holders = [head, deputy, world.users["director_a"]]
    report = services.report_submit(report=_draft(world), actor=world.users["staff_a"])
    for reviewer in holders[:at_step]:
        report = services.report_forward(report=report, actor=reviewer)
    # Only the holder may return it now.
    for other in holders:
        if other != holders[at_step]:
            with pytest.raises(PermissionDenied):
                services.report_return(report=report, actor=other, note="แก้")
    report = services.report_return(report=report, actor=holders[at_step], note="แก้ไขตารางให้ครบ")
    assert report.state == S.RETURNED and report.pending_review is None
    assert report.events.order_by("-pk").first().actor == holders[at_step]
    assert list(waiting_for(world.users["staff_a"])) == [report]
    # Submitting again starts a fresh round at the first step.
    report = services.report_submit(report=report, actor=world.users["staff_a"])
    assert report.review_round == 2 and report.pending_review.reviewer == head and report.pending_review.round == 2


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff_a", "director_a", "staff_b", "director_b", "supervisor", "outsider"])
def test_people_outside_the_chain_cannot_forward(world, chain, role):
    report = services.report_submit(report=_draft(world), actor=world.users["staff_a"])
    with pytest.raises(PermissionDenied):
        services.report_forward(report=report, actor=world.users[role], note="x")
    with pytest.raises(PermissionDenied):
        services.report_return(report=report, actor=world.users[role], note="x")
    report.refresh_from_db()
    assert report.pending_review.reviewer == chain[0]


@pytest.mark.django_db
def test_chain_is_set_only_by_the_director_with_members_of_the_agency(world):
    staff_b = Membership.objects.get(user=world.users["staff_b"])
    staff_a = Membership.objects.get(user=world.users["staff_a"])
    with pytest.raises(PermissionDenied):
        services.routing_chain_set(agency=world.agency_a, kind="calendar", reviewers=[staff_a], actor=world.users["staff_a"])
    with pytest.raises(ValidationError):
        services.routing_chain_set(agency=world.agency_a, kind="calendar", reviewers=[staff_b], actor=world.users["director_a"])
    with pytest.raises(ValidationError):
        services.routing_chain_set(
            agency=world.agency_a, kind="calendar", reviewers=[staff_a, staff_a], actor=world.users["director_a"]
        )
    services.routing_chain_set(agency=world.agency_a, kind="calendar", reviewers=[staff_a], actor=world.users["director_a"])
    assert [s.reviewer for s in services.routing_chain(agency=world.agency_a, kind="calendar")] == [staff_a]
    assert services.routing_chain(agency=world.agency_a, kind="results") == []


@pytest.mark.django_db
def test_notes_and_names_print_on_the_memo_in_the_seed_order(world, chain, django_capture_on_commit_callbacks):
    head, deputy = chain
    report = services.report_submit(report=_draft(world), actor=world.users["staff_a"])
    with time_machine.travel(dt.datetime(2024, 6, 15, 10, 0, tzinfo=dt.UTC)):
        report = services.report_forward(report=report, actor=head, note="เพื่อโปรดทราบ\nและขอเสนอ ผอ.เขตฯ เพื่อพิจารณา")
    report = services.report_forward(report=report, actor=deputy, note="")
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_approve(report=report, actor=world.users["director_a"], decision="ทราบ")
    text = normalise_ws(pdftotext_text(render_source_pdf(build_source(report), memo_only=True))).replace(" ", "")
    parts = [
        "จึงเรียนมาเพื่อโปรดพิจารณา",
        "(นางทวิกาบำรุงสวัสดิ์)",
        "เพื่อโปรดทราบ",
        "และขอเสนอผอ.เขตฯเพื่อพิจารณา",
        "(นางวิหาญพลเพชร)",
        "ผู้อำนวยการกลุ่มนิเทศติดตามและประเมินผลการจัดการศึกษา",
        "๑๕มิ.ย.๒๕๖๗",
        "(นายสมชายรองดี)",
        "ทราบ",
    ]
    pos = 0
    for part in parts:
        found = text.find(part, pos)
        assert found >= 0, f"{part!r} missing or out of order after …{text[max(pos - 80, 0) : pos]}…"
        pos = found + len(part)


@pytest.mark.django_db
def test_views_forward_and_waiting_count_per_role(world, chain):
    head, _deputy = chain
    report = services.report_submit(report=_draft(world), actor=world.users["staff_a"])
    url = reverse("reports:action", kwargs={"agency_id": world.agency_a.pk, "year": 2567, "pk": report.pk, "action": "forward"})
    expected = {"anonymous": 302, "outsider": 404, "staff_b": 404, "director_b": 404, "staff_a": 403, "director_a": 403}
    for role, status in expected.items():
        assert world.client_for(role).post(url, {"note": "x"}).status_code == status, role
    client = world.client_for("anonymous")
    client.force_login(head)
    home = client.get(reverse("reports:waiting"))
    assert home.status_code == 200 and report.subject in home.content.decode()
    assert 'data-testid="waiting-count">1<' in home.content.decode()
    assert client.post(url, {"note": "เสนอ ผอ."}).status_code == 302
    report.refresh_from_db()
    assert report.pending_review.reviewer.username == "deputy_a"
    assert 'data-testid="waiting-count"' not in client.get(reverse("reports:waiting")).content.decode()
    assert report.subject not in client.get(reverse("reports:waiting")).content.decode()


@pytest.mark.django_db
def test_chain_settings_page_per_role(world):
    url = reverse("reports:chain", kwargs={"agency_id": world.agency_a.pk, "year": 2567})
    expected = {"anonymous": 302, "outsider": 404, "staff_a": 403, "staff_b": 404, "supervisor": 403, "director_a": 200}
    for role, status in expected.items():
        assert world.client_for(role).get(url).status_code == status, role
    staff_a = Membership.objects.get(user=world.users["staff_a"])
    response = world.client_for("director_a").post(url, {"kind": "results", "results-step_1": staff_a.pk})
    assert response.status_code == 302
    assert [s.reviewer for s in services.routing_chain(agency=world.agency_a, kind="results")] == [staff_a]
    assert Membership.objects.filter(role=Role.DIRECTOR, agency=world.agency_a).exists()


def test_waiting_count_is_cached_and_never_stale(world, chain):
    """The navigation bar's count costs no query on a page view between two sign-off steps, and a
    step taken by someone else shows on the very next page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    head, _deputy = chain
    client = world.client_for("anonymous")
    client.force_login(head)
    url = reverse("reports:waiting")
    assert 'data-testid="waiting-count"' not in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"] and "reports_report" in q["sql"]]
    assert not counts, counts
    services.report_submit(report=_draft(world), actor=world.users["staff_a"])
    assert 'data-testid="waiting-count">1<' in client.get(url).content.decode()
