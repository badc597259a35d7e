"""Sign-off: the transition map (every move allowed and refused), rights, self-approval, hashes in
the trail, frozen approved PDFs, new versions after edits, document numbers under concurrency."""

from __future__ import annotations

import hashlib
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reports import services
from reports.models import Rendition, Report, ReportAction, ReportKind, ReportState
from tests.factories_reports import make_demo_data

S = ReportState


def _create(world, kind=ReportKind.CALENDAR, agency=None, actor=None):
    agency = agency or world.agency_a
    actor = actor or world.users["staff_a"]
    return services.report_create(agency=agency, year=2567, kind=kind, actor=actor)


def _to_state(world, report, state, capture):
    staff, director = world.users["staff_a"], world.users["director_a"]
    if state == S.DRAFT:
        return report
    report = services.report_submit(report=report, actor=staff)
    if state == S.SUBMITTED:
        return report
    if state == S.RETURNED:
        return services.report_return(report=report, actor=director, note="แก้ไขวันที่")
    with capture(execute=True):
        report = services.report_approve(report=report, actor=director)
    if state == S.APPROVED:
        return report
    report = services.report_publish(report=report, actor=director)
    if state == S.PUBLISHED:
        return report
    return services.report_revoke(report=report, actor=director)


CALLS = {
    ReportAction.SUBMIT: lambda r, w: services.report_submit(report=r, actor=w.users["staff_a"]),
    ReportAction.RETURN: lambda r, w: services.report_return(report=r, actor=w.users["director_a"], note="แก้"),
    ReportAction.APPROVE: lambda r, w: services.report_approve(report=r, actor=w.users["director_a"]),
    ReportAction.PUBLISH: lambda r, w: services.report_publish(report=r, actor=w.users["director_a"]),
    ReportAction.REVOKE: lambda r, w: services.report_revoke(report=r, actor=w.users["director_a"]),
}


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(S.values))
@pytest.mark.parametrize("action", list(CALLS))
def test_transition_map_every_pair(world, django_capture_on_commit_callbacks, state, action):
    report = _to_state(world, _create(world), state, django_capture_on_commit_callbacks)
    sources, target = services.TRANSITIONS[action]
    if state in sources:
        with django_capture_on_commit_callbacks(execute=True):
            moved = CALLS[action](report, world)
        assert moved.state == target
        event = moved.events.order_by("-pk").first()
        assert (event.action, event.from_state, event.to_state) == (action, state, target)
    else:
        before = report.events.count()
        with pytest.raises(ValidationError):
            CALLS[action](report, world)
        report.refresh_from_db()
        assert report.state == state and report.events.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff_a", "supervisor", "staff_b", "director_b", "outsider"])
def test_director_actions_refused_to_others(world, django_capture_on_commit_callbacks, role):
    report = _to_state(world, _create(world), S.SUBMITTED, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        services.report_approve(report=report, actor=world.users[role])
    with pytest.raises(PermissionDenied):
        services.report_return(report=report, actor=world.users[role], note="x")
    report.refresh_from_db()
    assert report.state == S.SUBMITTED and report.doc_number is None


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["supervisor", "staff_b", "outsider"])
def test_submit_and_create_refused_without_write_right(world, role):
    with pytest.raises(PermissionDenied):
        _create(world, actor=world.users[role])
    report = _create(world)
    with pytest.raises(PermissionDenied):
        services.report_submit(report=report, actor=world.users[role])


@pytest.mark.django_db
def test_return_needs_a_note(world):
    report = services.report_submit(report=_create(world), actor=world.users["staff_a"])
    with pytest.raises(ValidationError) as exc:
        services.report_return(report=report, actor=world.users["director_a"], note="  ")
    assert "เหตุผล" in str(exc.value)


@pytest.mark.django_db
def test_no_self_approval_unless_agency_allows(world, django_capture_on_commit_callbacks):
    director = world.users["director_a"]
    report = services.report_submit(report=_create(world, actor=director), actor=director)
    with pytest.raises(ValidationError) as exc:
        services.report_approve(report=report, actor=director)
    assert "ผู้จัดทำ" in str(exc.value)
    report.refresh_from_db()
    assert report.state == S.SUBMITTED and report.doc_number is None
    # A director who only submitted someone else's draft may not approve it either.
    other = services.report_submit(report=_create(world), actor=director)
    with pytest.raises(ValidationError):
        services.report_approve(report=other, actor=director)
    world.agency_a.allow_self_approval = True
    world.agency_a.save()
    report.agency.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        approved = services.report_approve(report=report, actor=director)
    assert approved.state == S.APPROVED and approved.doc_number == 1


@pytest.mark.django_db
def test_hashes_in_trail_and_frozen_pdf(world, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    make_demo_data(world.agency_a, 2567, measures=1)
    staff, director = world.users["staff_a"], world.users["director_a"]
    report = _create(world)
    with django_capture_on_commit_callbacks(execute=True):
        review = services.rendition_request(report=report, actor=staff)
    review.refresh_from_db()
    assert review.status == "done" and review.progress == 100 and not review.is_final
    assert review.sha256 == hashlib.sha256(review.file.read()).hexdigest()
    report = services.report_submit(report=report, actor=staff)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_approve(report=report, actor=director, note="เห็นชอบ")
    final = Rendition.objects.get(report=report, is_final=True)
    assert final.status == "done" and final.pages >= 2
    with final.file.open("rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == final.sha256
    assert final.source_data["memo"]["endorsement"]["note"] == "เห็นชอบ"
    assert final.source_data["memo"]["number"].endswith("/๑")
    report = services.report_publish(report=report, actor=director)
    events = {e.action: e for e in report.events.all()}
    assert events[ReportAction.SUBMIT].pdf_sha256 == review.sha256
    assert events[ReportAction.APPROVE].pdf_sha256 == review.sha256
    assert events[ReportAction.PUBLISH].pdf_sha256 == final.sha256
    assert all(e.actor_id and e.at for e in report.events.all())
    # Never re-rendered silently: rendering the final again changes nothing, new requests are refused.
    services.rendition_render(rendition_id=final.pk)
    final.refresh_from_db()
    assert final.sha256 == events[ReportAction.PUBLISH].pdf_sha256
    with pytest.raises(ValidationError):
        services.rendition_request(report=report, actor=staff)
    with pytest.raises(ValidationError):
        services.rendition_freeze(report=report, actor=director)


@pytest.mark.django_db
def test_publish_waits_for_the_frozen_pdf(world):
    report = services.report_submit(report=_create(world), actor=world.users["staff_a"])
    report = services.report_approve(report=report, actor=world.users["director_a"])  # render not run (no commit)
    with pytest.raises(ValidationError) as exc:
        services.report_publish(report=report, actor=world.users["director_a"])
    assert "ยังสร้างไม่เสร็จ" in str(exc.value)


@pytest.mark.django_db
def test_editing_an_approved_report_starts_a_new_version(world, django_capture_on_commit_callbacks):
    staff = world.users["staff_a"]
    approved = _to_state(world, _create(world), S.PUBLISHED, django_capture_on_commit_callbacks)
    assert approved.doc_date is not None and approved.doc_number == 1
    # The edit form sends the approved date back unchanged: it must not stick to the new version.
    new = services.report_update(report=approved, actor=staff, data={"subject": "เรื่องที่แก้ไขแล้ว", "doc_date": approved.doc_date})
    assert new.pk != approved.pk
    assert new.doc_date is None
    assert (new.series, new.version, new.previous_id, new.state) == (approved.series, 2, approved.pk, S.DRAFT)
    assert new.doc_number is None and new.approved_by is None and new.decision == "" and new.approver_name == ""
    assert new.subject == "เรื่องที่แก้ไขแล้ว"
    approved.refresh_from_db()
    assert approved.state == S.PUBLISHED and approved.subject != "เรื่องที่แก้ไขแล้ว"
    assert new.events.get().action == ReportAction.NEW_VERSION
    # The old version can no longer be edited; the draft is edited in place.
    with pytest.raises(ValidationError):
        services.report_update(report=approved, actor=staff, data={"subject": "อีกครั้ง"})
    same = services.report_update(report=new, actor=staff, data={"subject": "แก้ฉบับร่าง"})
    assert same.pk == new.pk and Report.objects.filter(series=new.series).count() == 2
    # Submitted reports are locked until returned.
    submitted = services.report_submit(report=same, actor=staff)
    with pytest.raises(ValidationError):
        services.report_update(report=submitted, actor=staff, data={"subject": "ระหว่างพิจารณา"})


@pytest.mark.django_db
def test_quarterly_needs_a_quarter(world):
    with pytest.raises(ValidationError) as exc:
        services.report_create(
            agency=world.agency_a, year=2567, kind=ReportKind.QUARTERLY, actor=world.users["staff_a"], data={"quarter": None}
        )
    assert "ไตรมาส" in str(exc.value)


@pytest.mark.django_db
def test_numbers_run_per_agency_and_year(world, django_capture_on_commit_callbacks):
    numbers = []
    for _ in range(3):
        r = _to_state(world, _create(world), S.APPROVED, django_capture_on_commit_callbacks)
        numbers.append(r.doc_number)
    b = services.report_submit(
        report=_create(world, agency=world.agency_b, actor=world.users["staff_b"]), actor=world.users["staff_b"]
    )
    b = services.report_approve(report=b, actor=world.users["director_b"])
    assert numbers == [1, 2, 3] and b.doc_number == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_never_share_a_number(world, require_postgres):
    staff = world.users["staff_a"]
    reports = [services.report_submit(report=_create(world), actor=staff) for _ in range(8)]
    directors = []
    for i in range(len(reports)):
        from tests.factories import MembershipFactory, UserFactory

        user = UserFactory(username=f"dir{i}")
        MembershipFactory(user=user, agency=world.agency_a, role="director")
        directors.append(user)
    barrier = threading.Barrier(len(reports))
    errors = []

    def approve(report, director):
        from django.db import connections

        try:
            barrier.wait()
            services.report_approve(report=report, actor=director)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(r, d)) for r, d in zip(reports, directors, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    numbers = sorted(Report.objects.filter(pk__in=[r.pk for r in reports]).values_list("doc_number", flat=True))
    assert numbers == list(range(1, len(reports) + 1))
