"""Services of measures, steps, progress and evidence: validation, ordering, status, hashing."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from measures import services
from measures.models import Evidence, Measure, MeasureStatus
from tests.factories import AgencyFactory, DivisionFactory, MeasureFactory, MembershipFactory, WeaknessFactory, make_framework
from tests.factories_measures import EXE_BYTES, PDF_BYTES, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_measure_from_weakness_takes_its_texts_and_links():
    fw = make_framework(2566)
    item = fw.items.get(number=1)
    agency = AgencyFactory()
    weakness = WeaknessFactory(agency=agency, indicator=item.indicator, item=item, title="๐๑๔ คู่มือยังไม่ครอบคลุม")
    division = DivisionFactory(agency=agency, name="กลุ่มบริหารงานบุคคล")
    person = MembershipFactory(agency=agency)
    measure = services.measure_create(
        agency=agency,
        fiscal_year=2567,
        title="จัดทำคู่มือหรือมาตรฐานการปฏิบัติงาน",
        weakness=weakness,
        steps=["แต่งตั้งคณะทำงาน", "  ", "เผยแพร่บนเว็บไซต์"],
        responsible_divisions=[division],
        responsible_people=[person],
        budget_planned=Decimal("0"),
        limitations="- ไม่มี -",
    )
    assert measure.weakness_text == "๐๑๔ คู่มือยังไม่ครอบคลุม"
    assert measure.indicator == item.indicator
    assert list(measure.items.all()) == [item]
    assert [(s.order, s.text) for s in measure.steps.all()] == [(1, "แต่งตั้งคณะทำงาน"), (2, "เผยแพร่บนเว็บไซต์")]
    assert measure.steps.first().history.count() == 1


def test_other_agencys_people_and_divisions_refused():
    agency, other = AgencyFactory(), AgencyFactory()
    with pytest.raises(ValidationError) as exc:
        services.measure_create(agency=agency, fiscal_year=2567, title="x", responsible_divisions=[DivisionFactory(agency=other)])
    assert exc.value.message_dict["responsible_divisions"] == ["เลือกได้เฉพาะกลุ่มงานของหน่วยงานนี้"]
    with pytest.raises(ValidationError):
        services.measure_create(agency=agency, fiscal_year=2567, title="x", responsible_people=[MembershipFactory(agency=other)])
    with pytest.raises(ValidationError):
        services.measure_create(agency=agency, fiscal_year=2567, title="x", weakness=WeaknessFactory(agency=other))
    assert not Measure.objects.exists()


def test_model_guards_period_and_budget():
    agency = AgencyFactory()
    with pytest.raises(ValidationError) as exc:
        services.measure_create(
            agency=agency, fiscal_year=2567, title="x", start_date=dt.date(2024, 7, 1), end_date=dt.date(2024, 6, 1)
        )
    assert "วันสิ้นสุดต้องไม่ก่อนวันเริ่มต้น" in str(exc.value)
    with pytest.raises(ValidationError):
        services.measure_create(agency=agency, fiscal_year=2567, title="x", budget_planned=Decimal("-1"))
    with pytest.raises(ValidationError):
        services.measure_create(agency=agency, fiscal_year=2024, title="CE year")


def test_steps_add_remove_reorder():
    measure = MeasureFactory()
    a, b, c = (services.step_add(measure=measure, text=t) for t in ("ก", "ข", "ค"))
    services.steps_reorder(measure=measure, step_ids=[c.pk, a.pk, b.pk])
    assert [s.text for s in measure.steps.order_by("order")] == ["ค", "ก", "ข"]
    services.step_remove(step=a)
    assert [(s.order, s.text) for s in measure.steps.order_by("order")] == [(1, "ค"), (2, "ข")]
    with pytest.raises(ValidationError):
        services.steps_reorder(measure=measure, step_ids=[c.pk])  # not every step
    with pytest.raises(ValidationError):
        services.steps_reorder(measure=measure, step_ids=[c.pk, b.pk, MeasureFactory().pk])
    with pytest.raises(ValidationError) as exc:
        services.step_add(measure=measure, text="   ")
    assert exc.value.message_dict["text"] == ["กรุณาระบุขั้นตอน"]


def test_step_check_off_remembers_who():
    measure = MeasureFactory()
    step = services.step_add(measure=measure, text="ก")
    user = MembershipFactory(agency=measure.agency).user
    step = services.step_set_done(step=step, done=True, user=user)
    assert step.is_done and step.done_by == user and step.done_at is not None
    step = services.step_set_done(step=step, done=False, user=user)
    assert not step.is_done and step.done_by is None and step.done_at is None


def test_status_follows_latest_progress_update():
    measure = MeasureFactory()
    assert measure.status == MeasureStatus.NOT_STARTED
    first = services.progress_record(measure=measure, reported_on=dt.date(2024, 6, 15), status=MeasureStatus.IN_PROGRESS)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IN_PROGRESS
    services.progress_record(
        measure=measure, reported_on=dt.date(2024, 7, 15), status=MeasureStatus.DONE, budget_spent=Decimal("21000")
    )
    # An older report entered later does not take over.
    services.progress_record(measure=measure, reported_on=dt.date(2024, 6, 1), status=MeasureStatus.NOT_STARTED)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.DONE
    latest = measure.progress_updates.order_by("-reported_on").first()
    services.progress_delete(progress=latest)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IN_PROGRESS
    services.progress_update(progress=first, reported_on=first.reported_on, status=MeasureStatus.NOT_DONE)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.NOT_DONE


def test_negative_budget_spent_refused_by_service():
    with pytest.raises(ValidationError):
        services.progress_record(
            measure=MeasureFactory(), reported_on=dt.date(2024, 6, 1), status="done", budget_spent=Decimal("-1")
        )


def test_evidence_file_hashed_and_renamed_by_content(settings):
    measure = MeasureFactory()
    progress = services.progress_record(
        measure=measure,
        reported_on=dt.date(2024, 6, 30),
        status="done",
        files=[upload("ภาพกิจกรรม.exe", PDF_BYTES)],  # a PDF with a wrong name is still a PDF
        links=[("https://www.example.go.th/o14", "หน้าเว็บไซต์")],
    )
    evidence = progress.evidence.order_by("kind")
    file_ev, link_ev = evidence[0], evidence[1]
    assert file_ev.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert file_ev.content_type == "application/pdf"
    assert file_ev.file.name.endswith(".pdf") and file_ev.original_name == "ภาพกิจกรรม.exe"
    assert file_ev.size == len(PDF_BYTES)
    assert link_ev.url == "https://www.example.go.th/o14" and link_ev.title == "หน้าเว็บไซต์"


def test_disguised_and_oversize_files_refused_by_service(settings):
    measure = MeasureFactory()
    with pytest.raises(ValidationError) as exc:
        services.evidence_add_file(measure=measure, upload=upload("report.pdf", EXE_BYTES))
    assert "ไม่ใช่ชนิดที่รับได้" in exc.value.messages[0]
    settings.EVIDENCE_MAX_BYTES = 10
    with pytest.raises(ValidationError):
        services.evidence_add_file(measure=measure, upload=upload("report.pdf", PDF_BYTES))
    assert not Evidence.objects.exists()


def test_evidence_delete_removes_file_after_commit(django_capture_on_commit_callbacks):
    measure = MeasureFactory()
    ev = services.evidence_add_file(measure=measure, upload=upload("a.pdf", PDF_BYTES))
    storage, name = ev.file.storage, ev.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_delete(evidence=ev)
    assert not storage.exists(name)


def test_measure_delete_cascades(django_capture_on_commit_callbacks):
    measure = MeasureFactory()
    services.step_add(measure=measure, text="ก")
    ev = services.evidence_add_file(measure=measure, upload=upload("a.pdf", PDF_BYTES))
    storage, name = ev.file.storage, ev.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.measure_delete(measure=measure)
    assert not Measure.objects.exists() and not storage.exists(name)
