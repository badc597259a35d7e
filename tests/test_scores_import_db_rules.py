"""The import preview applies every rule the database and the entry form apply (issue 18, item 3):
a NUL byte, an over-long URL or remark, a javascript: (or any non-http(s)) URL is a row error in
the preview, never a 500 at commit."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.forms import ItemResultForm
from indicators.importing import ScoreScope, parse_scores
from indicators.models import ImportBatch, ItemResult
from tests.factories import make_framework

HEADER = "รหัสหน่วยงาน,ปีงบประมาณ,ข้อ,ผล,url,หมายเหตุ"
BAD = [
    ("https://example.go.th/o1", "มีอักขระ\x00ว่าง", "หมายเหตุ มีอักขระว่าง (NUL)"),
    ("https://example.go.th/\x00o1", "", "URL มีอักขระว่าง (NUL)"),
    ("https://example.go.th/" + "a" * 1000, "", "เกินที่กำหนด 1000 ตัวอักษร"),
    ("javascript:alert(document.cookie)", "", "http:// หรือ https://"),
    ("ftp://example.go.th/o1.pdf", "", "http:// หรือ https://"),
    ("data:text/html,<script>alert(1)</script>", "", "http:// หรือ https://"),
    ("https://example.go.th/o1", "ก" * 2001, "หมายเหตุยาว 2001 ตัวอักษร"),
]


def csv_file(url: str, remark: str, code: str = "A0001") -> bytes:
    return f'{HEADER}\r\n{code},2565,O1,มี,"{url}","{remark}"\r\n{code},2565,O2,มี,,\r\n'.encode()


@pytest.mark.parametrize(("url", "remark", "message"), BAD)
def test_preview_refuses_what_the_database_or_the_form_refuses(world, url, remark, message):
    make_framework(2565)
    parsed = parse_scores(csv_file(url, remark), scope=ScoreScope(everything=True), fiscal_year=2565)
    assert not parsed.ok
    assert [e.row for e in parsed.errors] == [2]
    assert message in str(parsed.errors[0]) and str(parsed.errors[0]).startswith("แถวที่ 2: ข้อ O1:")


@pytest.mark.parametrize(("url", "remark", "message"), BAD[:4])
def test_web_import_shows_the_error_and_commits_nothing(world, url, remark, message):
    make_framework(2565)
    client = world.client_for("staff_a")
    kwargs = {"agency_id": world.agency_a.pk, "year": 2565}
    upload = SimpleUploadedFile("scores.csv", csv_file(url, remark), content_type="text/csv")
    response = client.post(reverse("indicators:import_upload", kwargs=kwargs), {"file": upload}, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    batch = ImportBatch.objects.get()
    commit = client.post(reverse("indicators:import_commit", kwargs={**kwargs, "batch_id": batch.pk}), follow=True)
    assert commit.status_code == 200
    assert not ItemResult.objects.exists()


def test_url_without_scheme_is_taken_as_https_like_the_form(world):
    make_framework(2565)
    parsed = parse_scores(csv_file("www.example.go.th/ita/o1", ""), scope=ScoreScope(everything=True), fiscal_year=2565)
    assert parsed.ok, [str(e) for e in parsed.errors]
    assert {v.url for v in parsed.item_results.values()} == {"https://www.example.go.th/ita/o1", ""}


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.go.th/o1.pdf"])
def test_entry_form_refuses_non_web_urls_in_thai(url):
    form = ItemResultForm({"result": "1", "url": url, "remark": ""})
    assert not form.is_valid()
    assert form.errors["url"] == ["กรุณากรอก URL ให้ถูกต้อง ขึ้นต้นด้วย http:// หรือ https:// เช่น https://www.example.go.th/ita/o1"]
