"""The object-storage switch against a real S3-compatible server: moto's server mode, started by the
test on 127.0.0.1. Evidence, emblems and frozen PDFs go to the private bucket; they are still served
only through the access-checked views (streamed), the frozen PDF read back from the bucket has the
SHA-256 recorded at freezing, and the settings turn STORAGE_URL into django-storages' S3 backend.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from ita_portal.envconf import ConfigError, parse_storage_url
from measures import services as measure_services
from reports import services
from reports.documents import build_source
from reports.models import ReportKind
from tests.conftest import READERS_OF_A, assert_status
from tests.factories_measures import PDF_BYTES, PNG_BYTES, upload

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parent.parent
BUCKET = "ita-test-media"
KEY, SECRET = "ita-test-key", "ita-test-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    """moto's S3 server in its own process on a free 127.0.0.1 port, stopped after the module."""
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=out, stderr=subprocess.STDOUT
        )
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1)
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(log.read_text(errors="replace"))
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("moto server did not start:\n" + log.read_text(errors="replace"))
    yield endpoint
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def bucket(s3_endpoint, settings):
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, aws_access_key_id=KEY, aws_secret_access_key=SECRET, region_name="us-east-1"
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **parse_storage_url(f"s3://{KEY}:{SECRET}@{BUCKET}/media?endpoint_url={s3_endpoint}&region=us-east-1"),
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
                "signature_version": "s3v4",
            },
        },
    }
    yield client
    listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for obj in listed:
        client.delete_object(Bucket=BUCKET, Key=obj["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _object(client, name: str) -> bytes:
    return client.get_object(Bucket=BUCKET, Key=f"media/{name}")["Body"].read()


def _assert_private(client, name: str) -> None:
    grants = client.get_object_acl(Bucket=BUCKET, Key=f"media/{name}")["Grants"]
    assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")], grants


def test_frozen_pdf_goes_to_the_bucket_and_reads_back_with_its_sha256(
    world, bucket, settings, django_capture_on_commit_callbacks
):
    report = services.report_create(
        agency=world.agency_a, year=2567, kind=ReportKind.CALENDAR, actor=world.users["staff_a"], data={}
    )
    report = services.report_submit(report=report, actor=world.users["staff_a"])
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_approve(report=report, actor=world.users["director_a"])
    final = report.renditions.get(is_final=True)
    assert final.status == "done" and final.sha256
    assert type(default_storage._wrapped).__name__ == "S3Storage"
    stored = _object(bucket, final.file.name)  # straight from the bucket, not through Django
    assert stored.startswith(b"%PDF") and hashlib.sha256(stored).hexdigest() == final.sha256 and len(stored) == final.size
    _assert_private(bucket, final.file.name)
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]  # no local disk involved

    # Served through the access-checked view, streamed from the bucket; refused roles do not get it.
    url = reverse(
        "reports:rendition_file",
        kwargs={"agency_id": report.agency_id, "year": report.fiscal_year, "pk": report.pk, "rid": final.pk},
    )
    response = world.client_for("director_a").get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == stored
    assert_status(world, url, READERS_OF_A)

    # A URL the storage would make is signed and short-lived; the page never links to the bucket.
    signed = parse_qs(urlsplit(final.file.url).query)
    assert "X-Amz-Signature" in signed and int(signed["X-Amz-Expires"][0]) <= 300
    page = world.client_for("director_a").get(
        reverse("reports:detail", kwargs={"agency_id": report.agency_id, "year": report.fiscal_year, "pk": report.pk})
    )
    assert BUCKET not in page.content.decode() and "X-Amz" not in page.content.decode()

    # Published: the public URL streams the same bytes, with the same SHA-256.
    report = services.report_publish(report=report, actor=world.users["director_a"])
    public = reverse("public:pdf", kwargs={"code": report.agency.code, "year": report.fiscal_year, "series": report.series})
    response = world.client_for("anonymous").get(public)
    assert response["X-Content-SHA256"] == final.sha256
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == final.sha256


def test_evidence_and_emblem_live_in_the_bucket_and_are_served_by_the_views(world, bucket, django_capture_on_commit_callbacks):
    measure = measure_services.measure_create(agency=world.agency_a, fiscal_year=2567, title="คู่มือ", steps=["ก"])
    evidence = measure_services.evidence_add_file(measure=measure, upload=upload("คู่มือ.pdf", PDF_BYTES))
    assert _object(bucket, evidence.file.name) == PDF_BYTES
    _assert_private(bucket, evidence.file.name)
    url = f"/measures/a/{world.agency_a.pk}/2567/evidence/{evidence.pk}/download/"
    response = world.client_for("staff_a").get(url)
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert_status(world, url, READERS_OF_A)

    world.agency_a.emblem.save("garuda.png", ContentFile(PNG_BYTES), save=True)
    assert _object(bucket, world.agency_a.emblem.name) == PNG_BYTES
    emblem = reverse("agency_emblem", kwargs={"agency_id": world.agency_a.pk})
    response = world.client_for("director_a").get(emblem)
    assert b"".join(response.streaming_content) == PNG_BYTES
    assert world.client_for("staff_b").get(emblem).status_code == 404
    # The PDF layer never fetches from the network: the emblem goes into the document as data.
    report = services.report_create(
        agency=world.agency_a, year=2567, kind=ReportKind.CALENDAR, actor=world.users["staff_a"], data={}
    )
    assert build_source(report)["memo"]["emblem_url"].startswith("data:image/png;base64,")

    # Deleting the evidence removes the object (after commit).
    with django_capture_on_commit_callbacks(execute=True):
        measure_services.evidence_delete(evidence=evidence)
    assert bucket.list_objects_v2(Bucket=BUCKET, Prefix=f"media/{evidence.file.name}").get("KeyCount", 0) == 0


PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({"default": settings.STORAGES["default"], "sessions": settings.SESSION_ENGINE,
                  "cache": settings.CACHES["default"]["BACKEND"], "routes": settings.CELERY_TASK_ROUTES}))
"""


def _probe(**env) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "STORAGE_URL", "REDIS_URL", "DATABASE_URL"))}
    clean.update(env, DJANGO_SETTINGS_MODULE="ita_portal.settings")
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=False)
def test_settings_switch_storage_sessions_cache_and_pdf_queue(tmp_path):
    local = _probe(ITA_VAR_DIR=str(tmp_path))
    assert local["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert local["sessions"] == "django.contrib.sessions.backends.db"
    # PDF work (approved renditions and memo previews) has its own queue.
    assert local["routes"] == {"reports.render_rendition": {"queue": "pdf"}, "reports.render_preview": {"queue": "pdf"}}

    s3 = _probe(
        ITA_VAR_DIR=str(tmp_path), STORAGE_URL="s3://k:s%2Fx@ita-files/portal?endpoint_url=https://s3.example.go.th&region=th-1"
    )
    options = s3["default"]["OPTIONS"]
    assert s3["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert options["bucket_name"] == "ita-files" and options["location"] == "portal"
    assert options["access_key"] == "k" and options["secret_key"] == "s/x"
    assert options["endpoint_url"] == "https://s3.example.go.th" and options["region_name"] == "th-1"
    assert options["default_acl"] == "private" and options["querystring_auth"] is True and options["querystring_expire"] == 300
    assert options["signature_version"] == "s3v4"

    usual = _probe(ITA_VAR_DIR=str(tmp_path), AWS_STORAGE_BUCKET_NAME="ita-b", AWS_S3_ENDPOINT_URL="https://minio.local")
    assert usual["default"]["OPTIONS"]["bucket_name"] == "ita-b"
    assert usual["default"]["OPTIONS"]["endpoint_url"] == "https://minio.local"

    redis = _probe(ITA_VAR_DIR=str(tmp_path), REDIS_URL="redis://127.0.0.1:6399/3")
    assert redis["sessions"] == "django.contrib.sessions.backends.cached_db"
    assert redis["cache"] == "ita_portal.cache.DegradingRedisCache"


def test_storage_url_refuses_what_it_cannot_use():
    with pytest.raises(ConfigError, match="scheme"):
        parse_storage_url("ftp://bucket/x")
    with pytest.raises(ConfigError, match="bucket"):
        parse_storage_url("s3:///x")
    with pytest.raises(ConfigError, match="unknown"):
        parse_storage_url("s3://bucket/x?acl=public-read")
