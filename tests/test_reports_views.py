"""Every report page for every role of ``world`` (404 across agencies, 403 for read-only roles,
302 to login for anonymous), the htmx progress partial, and the public pages (only published
documents reachable, stable URLs, latest version served, snippet)."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from reports import services
from reports.models import Report, ReportKind, ReportState
from tests.conftest import READERS_OF_A, assert_status

pytestmark = pytest.mark.django_db

READ = READERS_OF_A
WRITE = {**READ, "supervisor": 403}
APPROVE = {**WRITE, "staff_a": 403}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _report(world, **data) -> Report:
    return services.report_create(
        agency=world.agency_a, year=2567, kind=ReportKind.CALENDAR, actor=world.users["staff_a"], data=data
    )


def _published(world, capture) -> Report:
    report = services.report_submit(report=_report(world), actor=world.users["staff_a"])
    with capture(execute=True):
        report = services.report_approve(report=report, actor=world.users["director_a"])
    return services.report_publish(report=report, actor=world.users["director_a"])


def _url(name, report, **extra):
    return reverse(
        f"reports:{name}", kwargs={"agency_id": report.agency_id, "year": report.fiscal_year, "pk": report.pk, **extra}
    )


def test_list_queue_create_for_every_role(world):
    a = world.agency_a
    assert_status(world, reverse("reports:report_list", kwargs={"agency_id": a.pk, "year": 2567}), READ)
    assert_status(world, reverse("reports:queue", kwargs={"agency_id": a.pk, "year": 2567}), APPROVE)
    for kind in ReportKind.values:
        assert_status(world, reverse("reports:create", kwargs={"agency_id": a.pk, "year": 2567, "kind": kind}), WRITE)


def test_detail_edit_preview_for_every_role(world, media):
    report = _report(world)
    assert_status(world, _url("detail", report), READ)
    assert_status(world, _url("edit", report), WRITE)
    assert_status(world, _url("preview", report), {"anonymous": 302, "outsider": 404, "staff_b": 404, "supervisor": 200})


def test_actions_for_every_role(world, media, django_capture_on_commit_callbacks):
    report = _report(world)
    # Refusals first (nothing changes), then the allowed role.
    assert_status(
        world,
        _url("action", report, action="submit"),
        {"anonymous": 302, "outsider": 404, "staff_b": 404, "director_b": 404, "supervisor": 403},
        method="post",
    )
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT
    assert_status(world, _url("action", report, action="submit"), {"staff_a": 302}, method="post")
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    refusals = {"anonymous": 302, "outsider": 404, "staff_b": 404, "director_b": 404, "supervisor": 403, "staff_a": 403}
    assert_status(world, _url("action", report, action="approve"), refusals, method="post", data={"decision": "อนุญาต"})
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.doc_number is None
    with django_capture_on_commit_callbacks(execute=True):
        assert_status(
            world,
            _url("action", report, action="approve"),
            {"director_a": 302},
            method="post",
            data={"decision": "อนุญาต", "note": "เห็นชอบ", "confirm_past_year": "1"},  # 2567 is over
        )
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED and report.doc_number == 1 and report.decision_note == "เห็นชอบ"
    assert_status(world, _url("action", report, action="publish"), refusals, method="post")
    assert_status(world, _url("action", report, action="publish"), {"director_a": 302}, method="post")
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED
    assert_status(world, _url("action", report, action="nonsense"), {"director_a": 404}, method="post")


def test_refused_transition_shows_thai_message(world):
    report = services.report_submit(
        report=_report(
            world,
        ),
        actor=world.users["staff_a"],
    )
    client = world.client_for("director_a")
    response = client.post(_url("action", report, action="return"), {"note": ""}, follow=True)
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    response = client.post(_url("action", report, action="publish"), {}, follow=True)
    assert "ไม่สามารถเผยแพร่รายงานที่มีสถานะ" in response.content.decode()


def test_create_with_thai_defaults_and_invalid_form_keeps_input(world):
    client = world.client_for("staff_a")
    url = reverse("reports:create", kwargs={"agency_id": world.agency_a.pk, "year": 2567, "kind": "measures_plan"})
    html = client.get(url).content.decode()
    assert "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ. 2567" in html
    assert "ขออนุญาตเผยแพร่" in html
    response = client.post(
        url,
        {
            "subject": "เรื่องที่พิมพ์ไว้",
            "addressee": "",
            "body": "เนื้อความ",
            "doc_date": "15/6/2024",
            "closing": "จึงเรียนมาเพื่อโปรดพิจารณา",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "เรื่องที่พิมพ์ไว้" in html and "ปีคริสต์ศักราช" in html
    response = client.post(
        url,
        {
            "subject": "เรื่องใหม่",
            "addressee": "ผู้อำนวยการ",
            "body": "เนื้อความ",
            "doc_date": "15/6/2567",
            "closing": "จึงเรียนมาเพื่อโปรดพิจารณา",
            "use_thai_digits": "on",
        },
    )
    assert response.status_code == 302
    report = Report.objects.get(subject="เรื่องใหม่")
    assert report.doc_date.isoformat() == "2024-06-15" and report.created_by == world.users["staff_a"]


def test_render_request_and_htmx_progress(world, media, django_capture_on_commit_callbacks):
    report = _report(world)
    client = world.client_for("staff_a")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(_url("render", report)).status_code == 302
    rendition = report.renditions.get()
    assert rendition.status == "done"
    assert_status(world, _url("rendition_status", report, rid=rendition.pk), READ)
    html = client.get(_url("rendition_status", report, rid=rendition.pk), HTTP_HX_REQUEST="true").content.decode()
    assert rendition.sha256 in html and "hx-trigger" not in html
    pending = report.renditions.create(source_data=rendition.source_data)
    html = client.get(_url("rendition_status", report, rid=pending.pk)).content.decode()
    assert 'hx-trigger="every 2s"' in html and "progress-bar" in html
    assert_status(world, _url("rendition_file", report, rid=rendition.pk), READ)
    body = b"".join(client.get(_url("rendition_file", report, rid=rendition.pk)).streaming_content)
    assert hashlib.sha256(body).hexdigest() == rendition.sha256
    assert_status(
        world, _url("render", report), {"anonymous": 302, "outsider": 404, "staff_b": 404, "supervisor": 403}, method="post"
    )


def test_public_pages_show_only_published(world, media, django_capture_on_commit_callbacks):
    from indicators.models import Item
    from tests.factories import make_framework

    fw = make_framework(2567, oit_items=2)
    Item.objects.create(
        framework=fw,
        indicator=fw.indicators.get(number=10),
        kind="O",
        number=42,
        title="มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
        stable_key="integrity-measures",
    )
    published = _published(world, django_capture_on_commit_callbacks)
    draft = _report(world, subject="ร่างที่ยังไม่เผยแพร่")
    code = world.agency_a.code
    page = reverse("public:agency_year", kwargs={"code": code, "year": 2567})
    for role in ("anonymous", "outsider", "staff_b"):
        html = world.client_for(role).get(page).content.decode()
        assert "O42" in html and published.subject in html and "ร่างที่ยังไม่เผยแพร่" not in html
        assert published.renditions.get(is_final=True).sha256 in html
    # The agency's public index lists its years with something published (not 404).
    index = world.client_for("anonymous").get(f"/public/{code}/")
    assert index.status_code == 200
    html = index.content.decode()
    assert f'href="/public/{code}/2567/"' in html and "ปีงบประมาณ 2567" in html and "1 เอกสาร" in html
    assert world.client_for("anonymous").get("/public/no-such-agency/").status_code == 404
    pdf_url = reverse("public:pdf", kwargs={"code": code, "year": 2567, "series": published.series})
    assert pdf_url == f"/public/{code}/2567/{published.series}.pdf"
    response = world.client_for("anonymous").get(pdf_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == published.renditions.get(is_final=True).sha256
    # Unpublished documents are not reachable, whoever asks.
    for role in ("anonymous", "staff_a", "superuser"):
        assert (
            world.client_for(role)
            .get(reverse("public:pdf", kwargs={"code": code, "year": 2567, "series": draft.series}))
            .status_code
            == 404
        )
    assert (
        world.client_for("anonymous").get(reverse("public:agency_year", kwargs={"code": "NOPE", "year": 2567})).status_code == 404
    )
    embed = world.client_for("anonymous").get(reverse("public:embed", kwargs={"code": code, "year": 2567}))
    assert embed.status_code == 200 and "X-Frame-Options" not in embed and f"http://testserver{pdf_url}" in embed.content.decode()
    # A new published version replaces the old one at the same URL; revoking takes it off the list
    # of documents, leaving it marked as revoked (without its PDF).
    v2 = services.report_update(report=published, actor=world.users["staff_a"], data={"subject": "ฉบับปรับปรุง"})
    v2 = services.report_submit(report=v2, actor=world.users["staff_a"])
    with django_capture_on_commit_callbacks(execute=True):
        v2 = services.report_approve(report=v2, actor=world.users["director_a"])
    v2 = services.report_publish(report=v2, actor=world.users["director_a"])
    body = b"".join(world.client_for("anonymous").get(pdf_url).streaming_content)
    assert hashlib.sha256(body).hexdigest() == v2.renditions.get(is_final=True).sha256
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.report_revoke(report=v2, actor=world.users["director_a"])
    with CaptureQueriesContext(connection) as ctx:
        html = world.client_for("anonymous").get(page).content.decode()
    # Published and revoked documents come from one read of the year's reports (with their final
    # PDFs and revocations prefetched): no second read, no query per revoked series.
    tables = [q["sql"].split(" FROM ", 1)[1].split()[0] for q in ctx.captured_queries if " FROM " in q["sql"]]
    assert tables.count('"reports_report"') == 1 and tables.count('"reports_reportevent"') == 1, tables
    listed, _sep, revoked = html.partition("เอกสารที่ยกเลิกการเผยแพร่แล้ว")
    assert "ฉบับปรับปรุง" not in listed and published.subject not in listed and pdf_url not in html
    assert "<del>ฉบับปรับปรุง</del>" in revoked and "ยกเลิกการเผยแพร่แล้ว" in revoked
    assert world.client_for("anonymous").get(pdf_url).status_code == 404


def test_public_page_names_the_item_from_the_latest_catalogue_that_has_it(world, media, django_capture_on_commit_callbacks):
    """2567 has no national catalogue here (only a ministry's partial list): the measures plan is
    still listed under O42 of 2566, and dates are Buddhist Era."""
    import datetime as dt

    from indicators.models import Item
    from reports.selectors import oit_item_choices
    from tests.factories import make_framework

    fw = make_framework(2566, oit_items=2)
    Item.objects.create(
        framework=fw,
        indicator=fw.indicators.get(number=10),
        kind="O",
        number=42,
        title="มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
        stable_key="integrity-measures",
    )
    report = services.report_submit(report=_report(world, doc_date=dt.date(2024, 6, 7)), actor=world.users["staff_a"])
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_approve(report=report, actor=world.users["director_a"])
    published = services.report_publish(report=report, actor=world.users["director_a"])
    assert published.oit_item_key == "integrity-measures"
    html = world.client_for("anonymous").get(reverse("public:agency_year", kwargs={"code": world.agency_a.code, "year": 2567}))
    text = html.content.decode()
    assert "O42" in text and "เอกสารอื่น" not in text
    assert "ลงวันที่ 7 มิ.ย. 2567" in text and " 2026" not in text and " 2024" not in text
    assert ("integrity-measures", "O42 มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน (2566)") in oit_item_choices(year=2567)


def test_staff_pages_print_buddhist_era_times(world):
    from django.utils import timezone

    from ita_portal.thai import to_thai_digits

    report = _report(world)
    be, ce = timezone.localdate().year + 543, timezone.localdate().year
    # The report page follows the agency's digits (Thai); the list has no digit rule (Arabic).
    for page, year in (
        (_url("detail", report), to_thai_digits(be)),
        (reverse("reports:report_list", kwargs={"agency_id": world.agency_a.pk, "year": 2567}), be),
    ):
        text = world.client_for("staff_a").get(page).content.decode()
        assert f" {year} เวลา" in text and f" {ce} " not in text
