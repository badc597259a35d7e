"""The public O-item page: only a published row's evidence marked public, and the agency's own
published PDFs for that item; nothing else reachable, by anyone, through any agency's address."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from indicators.models import Item
from oit import services
from tests.factories_measures import PDF_BYTES, upload

pytestmark = pytest.mark.django_db
ROLES = ("anonymous", "outsider", "staff_a", "staff_b", "supervisor", "superuser")


@pytest.fixture
def ready(db, settings, tmp_path, world):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_framework", "--all", stdout=io.StringIO())
    item = Item.objects.get(framework__fiscal_year=2569, framework__assessor__code="nacc", kind="O", number=3)
    entry = services.oit_entry_for(agency=world.agency_a, item=item)
    public = services.oit_evidence_add(entry=entry, upload=upload("แผนปฏิบัติการ.pdf", PDF_BYTES), is_public=True)
    hidden = services.oit_evidence_add(entry=entry, upload=upload("ร่างภายใน.pdf", PDF_BYTES), title="ร่างภายใน")
    link = services.oit_evidence_add(entry=entry, url="https://www.example.go.th/ita/o3", title="หน้าเว็บ O3", is_public=True)
    return entry, public, hidden, link


def _page(code: str, item: str = "O3") -> str:
    return reverse("public:oit_item", kwargs={"code": code, "year": 2569, "item": item})


def _file(code: str, pk: int, item: str = "O3") -> str:
    return reverse("public:oit_evidence", kwargs={"code": code, "year": 2569, "item": item, "pk": pk})


def test_the_item_url_is_stable_and_shows_nothing_before_publication(world, ready):
    _entry, public, _hidden, _link = ready
    code = world.agency_a.code
    assert _page(code) == f"/public/{code}/2569/O3/"
    for role in ROLES:
        html = world.client_for(role).get(_page(code)).content.decode()
        assert "แผนปฏิบัติการ" not in html and "หน้าเว็บ O3" not in html, role
        assert world.client_for(role).get(_file(code, public.pk)).status_code == 404, role


def test_published_item_shows_only_public_evidence(world, ready):
    entry, public, hidden, link = ready
    services.oit_status_set(entry=entry, status="ready")
    services.oit_check(entry=entry, user=world.users["staff_a"])
    services.oit_publish(entry=entry, user=world.users["director_a"])
    code = world.agency_a.code
    for role in ROLES:
        html = world.client_for(role).get(_page(code)).content.decode()
        assert "แผนปฏิบัติการ" in html and "https://www.example.go.th/ita/o3" in html, role
        assert "ร่างภายใน" not in html, role
        response = world.client_for(role).get(_file(code, public.pk))
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
        # The evidence not marked public, and a link served as a file, are 404.
        assert world.client_for(role).get(_file(code, hidden.pk)).status_code == 404, role
        assert world.client_for(role).get(_file(code, link.pk)).status_code == 404, role
    # Another agency's address, another item's address: 404 for the same evidence.
    assert world.client_for("anonymous").get(_file(world.agency_b.code, public.pk)).status_code == 404
    assert world.client_for("anonymous").get(_file(code, public.pk, item="O4")).status_code == 404
    assert "แผนปฏิบัติการ" not in world.client_for("anonymous").get(_page(world.agency_b.code)).content.decode()
    # Unknown item codes and unknown agencies are 404.
    assert world.client_for("anonymous").get(_page(code, "O99")).status_code == 404
    assert world.client_for("anonymous").get(_page("NOPE")).status_code == 404
    # Going back to editing takes it off the public page at once.
    services.oit_status_set(entry=entry, status="in_progress")
    assert world.client_for("anonymous").get(_file(code, public.pk)).status_code == 404


def test_year_page_indexes_every_item_with_completeness(world, ready):
    entry, *_ = ready
    year_page = reverse("public:agency_year", kwargs={"code": world.agency_a.code, "year": 2569})
    html = world.client_for("anonymous").get(year_page).content.decode()
    assert html.count('<li data-code="O') == 26
    assert "เผยแพร่ครบแล้ว 0 จาก 26 ข้อ" in html
    services.oit_status_set(entry=entry, status="ready")
    services.oit_check(entry=entry, user=world.users["staff_a"])
    services.oit_publish(entry=entry, user=world.users["director_a"])
    html = world.client_for("anonymous").get(year_page).content.decode()
    assert "เผยแพร่ครบแล้ว 1 จาก 26 ข้อ" in html
    assert f'href="/public/{world.agency_a.code}/2569/O3/"' in html
    # B's year page is not touched by A's publication.
    b = reverse("public:agency_year", kwargs={"code": world.agency_b.code, "year": 2569})
    assert "เผยแพร่ครบแล้ว 0 จาก 26 ข้อ" in world.client_for("anonymous").get(b).content.decode()
