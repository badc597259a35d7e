"""OIT workspace: rows follow the year's catalogue, evidence through the measures' upload path,
reuse of last year's evidence by stable key, check and publish, linked measure documents."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from indicators.models import Item
from measures.models import Evidence
from oit import services
from oit.models import OitEntry, OitEvidence, OitStatus
from reports import services as report_services
from reports.models import ReportKind
from tests.conftest import READERS_OF_A, WRITERS_OF_A, assert_status
from tests.factories_measures import PDF_BYTES, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogues(db):
    call_command("load_framework", "--all", stdout=io.StringIO())


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _item(year: int, number: int) -> Item:
    return Item.objects.get(framework__fiscal_year=year, framework__assessor__code="nacc", kind="O", number=number)


def _codes(html: str) -> list[str]:
    return re.findall(r'<tr data-code="(O\d+)"', html)


def test_rows_follow_the_year_catalogue(world, catalogues):
    client = world.client_for("staff_a")
    for year, count in ((2566, 43), (2568, 28), (2569, 26)):
        html = client.get(reverse("oit:workspace", kwargs={"agency_id": world.agency_a.pk, "year": year})).content.decode()
        codes = _codes(html)
        assert len(codes) == count, year
        assert codes[0] == "O1" and codes[-1] == f"O{count}"
    html = client.get(reverse("oit:workspace", kwargs={"agency_id": world.agency_a.pk, "year": 2569})).content.decode()
    assert _item(2569, 25).title in html


def test_workspace_and_item_pages_for_each_role(world, catalogues):
    a = world.agency_a.pk
    assert_status(world, reverse("oit:workspace", kwargs={"agency_id": a, "year": 2569}), READERS_OF_A)
    assert_status(world, reverse("oit:item", kwargs={"agency_id": a, "year": 2569, "code": "O3"}), READERS_OF_A)
    write = {**WRITERS_OF_A, "staff_a": 302, "director_a": 302, "superuser": 302, "anonymous": 302}
    assert_status(
        world,
        reverse("oit:status", kwargs={"agency_id": a, "year": 2569, "code": "O3"}),
        write,
        "post",
        {"status": "in_progress"},
    )
    assert not OitEntry.objects.filter(agency=world.agency_b).exists()
    # An item code the year's catalogue does not have is 404.
    assert (
        world.client_for("staff_a").get(reverse("oit:item", kwargs={"agency_id": a, "year": 2569, "code": "O27"})).status_code
        == 404
    )


def test_evidence_goes_through_the_measures_upload_path(world, catalogues, media):
    entry = services.oit_entry_for(agency=world.agency_a, item=_item(2569, 3))
    with pytest.raises(ValidationError):
        services.oit_evidence_add(entry=entry, upload=upload("x.pdf", b"MZ\x90\x00 not a pdf"), user=world.users["staff_a"])
    added = services.oit_evidence_add(entry=entry, upload=upload("แผน.pdf", PDF_BYTES), user=world.users["staff_a"])
    services.oit_evidence_add(entry=entry, url="https://www.example.go.th/ita/o3", title="หน้าเว็บ")
    evidence = added.evidence
    assert evidence.agency == world.agency_a and evidence.measure is None
    assert evidence.content_type == "application/pdf" and len(evidence.sha256) == 64
    assert evidence.file.name.startswith(f"evidence/{world.agency_a.pk}/")
    entry.refresh_from_db()
    assert entry.status == OitStatus.IN_PROGRESS and entry.attachments.count() == 2
    # Download: readers of A only.
    url = reverse("oit:evidence_download", kwargs={"agency_id": world.agency_a.pk, "year": 2569, "pk": added.pk})
    assert_status(world, url, READERS_OF_A)
    response = world.client_for("staff_a").get(url)
    assert b"".join(response.streaming_content) == PDF_BYTES
    # Through agency B's URL the same pk is 404 even for B's staff.
    other = reverse("oit:evidence_download", kwargs={"agency_id": world.agency_b.pk, "year": 2569, "pk": added.pk})
    assert world.client_for("staff_b").get(other).status_code == 404


def test_use_last_years_evidence_by_stable_key(world, catalogues, media):
    old_item, new_item = _item(2568, 27), _item(2569, 25)  # same stable key, new number
    assert old_item.stable_key == new_item.stable_key
    old = services.oit_entry_for(agency=world.agency_a, item=old_item)
    first = services.oit_evidence_add(entry=old, upload=upload("มาตรการ 2568.pdf", PDF_BYTES), is_public=True)
    services.oit_evidence_add(entry=old, url="https://www.example.go.th/ita/2568/o27")
    entry = services.oit_entry_for(agency=world.agency_a, item=new_item)
    page = reverse("oit:item", kwargs={"agency_id": world.agency_a.pk, "year": 2569, "code": "O25"})
    assert 'id="reuse"' in world.client_for("staff_a").get(page).content.decode()
    response = world.client_for("staff_a").post(
        reverse("oit:reuse", kwargs={"agency_id": world.agency_a.pk, "year": 2569, "code": "O25"})
    )
    assert response.status_code == 302
    copies = list(entry.attachments.select_related("evidence").order_by("pk"))
    assert [c.evidence.kind for c in copies] == ["file", "link"]
    assert not any(c.is_public for c in copies)
    assert copies[0].evidence.file.name != first.evidence.file.name
    assert copies[0].evidence.file.read() == PDF_BYTES and copies[0].evidence.sha256 == first.evidence.sha256
    assert copies[1].evidence.url == "https://www.example.go.th/ita/2568/o27"
    with pytest.raises(ValidationError):
        services.oit_reuse_last_year(entry=entry)
    # Deleting the copy leaves last year's file alone.
    services.oit_evidence_remove(attachment=copies[0])
    assert Evidence.objects.filter(pk=first.evidence.pk).exists()
    # An agency without last year's row has nothing to copy.
    other = services.oit_entry_for(agency=world.agency_b, item=new_item)
    with pytest.raises(ValidationError):
        services.oit_reuse_last_year(entry=other)


def test_check_then_publish(world, catalogues, media):
    entry = services.oit_entry_for(agency=world.agency_a, item=_item(2569, 3))
    with pytest.raises(ValidationError):
        services.oit_status_set(entry=entry, status=OitStatus.READY)  # no evidence yet
    services.oit_evidence_add(entry=entry, url="https://www.example.go.th/ita/o3")
    with pytest.raises(ValidationError):
        services.oit_status_set(entry=entry, status=OitStatus.PUBLISHED)
    services.oit_status_set(entry=entry, status=OitStatus.READY)
    with pytest.raises(ValidationError):
        services.oit_publish(entry=entry, user=world.users["director_a"])  # not checked yet
    services.oit_check(entry=entry, user=world.users["staff_a"])
    services.oit_publish(entry=entry, user=world.users["director_a"])
    entry.refresh_from_db()
    assert entry.status == OitStatus.PUBLISHED and entry.checked_by == world.users["staff_a"]
    services.oit_status_set(entry=entry, status=OitStatus.IN_PROGRESS)
    entry.refresh_from_db()
    assert entry.checked_by is None and entry.published_at is None


def _checked(world, number: int, checker: str):
    entry = services.oit_entry_for(agency=world.agency_a, item=_item(2569, number))
    services.oit_evidence_add(entry=entry, url=f"https://www.example.go.th/ita/o{number}")
    services.oit_status_set(entry=entry, status=OitStatus.READY)
    return services.oit_check(entry=entry, user=world.users[checker])


def test_only_a_director_who_did_not_check_it_publishes(world, catalogues):
    """Staff prepare and check; a director publishes, not one they checked themselves (as reports)."""
    entry = _checked(world, 3, "staff_a")
    for role in ("staff_a", "supervisor", "director_b"):
        with pytest.raises(ValidationError) as refused:
            services.oit_publish(entry=entry, user=world.users[role])
        assert "ผู้อำนวยการเท่านั้น" in refused.value.messages[0], role
    entry.refresh_from_db()
    assert entry.status == OitStatus.READY and entry.published_at is None
    services.oit_publish(entry=entry, user=world.users["director_a"])
    entry.refresh_from_db()
    assert entry.status == OitStatus.PUBLISHED and entry.published_at is not None

    own = _checked(world, 4, "director_a")
    with pytest.raises(ValidationError) as refused:
        services.oit_publish(entry=own, user=world.users["director_a"])
    assert "ต้องไม่ใช่ผู้ตรวจ" in refused.value.messages[0]
    world.agency_a.allow_self_approval = True
    world.agency_a.save(update_fields=["allow_self_approval"])
    services.oit_publish(entry=own, user=world.users["director_a"])
    own.refresh_from_db()
    assert own.status == OitStatus.PUBLISHED
    # A superuser may publish anywhere (the policy's superuser rule).
    other = _checked(world, 5, "staff_a")
    services.oit_publish(entry=other, user=world.users["superuser"])


def test_publish_page_for_each_role(world, catalogues):
    entry = _checked(world, 3, "staff_a")
    item_url = reverse("oit:item", kwargs={"agency_id": world.agency_a.pk, "year": 2569, "code": "O3"})
    publish_url = reverse("oit:publish", kwargs={"agency_id": world.agency_a.pk, "year": 2569, "code": "O3"})
    staff_page = world.client_for("staff_a").get(item_url).content.decode()
    assert publish_url not in staff_page and 'id="publish-needs-director"' in staff_page
    director_page = world.client_for("director_a").get(item_url).content.decode()
    assert publish_url in director_page
    expected = {"anonymous": 302, "outsider": 404, "staff_b": 404, "director_b": 404, "supervisor": 403}
    for role, status in expected.items():
        assert world.client_for(role).post(publish_url).status_code == status, role
    # Staff may post, the service refuses with its Thai message and nothing changes.
    response = world.client_for("staff_a").post(publish_url, follow=True)
    assert "ผู้อำนวยการเท่านั้นที่เผยแพร่ข้อ OIT ได้" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == OitStatus.READY
    world.client_for("director_a").post(publish_url)
    entry.refresh_from_db()
    assert entry.status == OitStatus.PUBLISHED


def test_assignment_only_within_the_agency(world, catalogues):
    from ita_portal.agencies.models import Division, Membership

    entry = services.oit_entry_for(agency=world.agency_a, item=_item(2569, 3))
    with pytest.raises(ValidationError):
        services.oit_entry_assign(entry=entry, division=Division.objects.get(agency=world.agency_b))
    with pytest.raises(ValidationError):
        services.oit_entry_assign(entry=entry, responsible=Membership.objects.get(user=world.users["staff_b"]))
    client = world.client_for("staff_a")
    url = reverse("oit:item", kwargs={"agency_id": world.agency_a.pk, "year": 2569, "code": "O3"})
    membership = Membership.objects.get(user=world.users["staff_a"])
    response = client.post(
        url,
        {"division": Division.objects.get(agency=world.agency_a).pk, "responsible": membership.pk, "due_date": "15/03/2569"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.responsible == membership and entry.due_date.isoformat() == "2026-03-15"


def test_measure_documents_show_on_the_items_they_answer(world, catalogues, media):
    """The measures plan of 2569 answers ``integrity-measures``: O25 in 2569's catalogue."""
    report = report_services.report_create(
        agency=world.agency_a, year=2569, kind=ReportKind.MEASURES_PLAN, actor=world.users["staff_a"], data={}
    )
    client = world.client_for("staff_a")
    o25 = client.get(reverse("oit:item", kwargs={"agency_id": world.agency_a.pk, "year": 2569, "code": "O25"})).content.decode()
    assert 'id="linked-documents"' in o25 and report.subject in o25
    o3 = client.get(reverse("oit:item", kwargs={"agency_id": world.agency_a.pk, "year": 2569, "code": "O3"})).content.decode()
    assert 'id="linked-documents"' not in o3
    # Agency B sees none of A's documents on its own O25.
    b = world.client_for("staff_b").get(reverse("oit:item", kwargs={"agency_id": world.agency_b.pk, "year": 2569, "code": "O25"}))
    assert report.subject not in b.content.decode()
    assert OitEvidence.objects.count() == 0
