"""Signing: signature images (checked uploads, owner-only, printed only once approved and only for
whoever signed), the PAdES signature pdfsig reports intact (and broken after one byte changes),
uploaded PKCS#12 keys, and the public page's verification in Thai, revoked documents marked."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from ita_portal.agencies.models import Membership
from reports import services, signing
from reports.documents import build_source
from reports.models import AgencySigningKey, KeySource, ReportKind
from reports.rendering import render_source_pdf
from reports.selectors import final_rendition


def png(width: int, height: int, colour=(20, 40, 160)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return SimpleUploadedFile("sig.png", buffer.getvalue(), content_type="image/png")


def image_sizes(pdf: bytes, tmp_path: Path) -> list[tuple[int, int]]:
    """(width, height) of every image drawn in the PDF, from poppler's ``pdfimages -list``."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    return [(int(r[3]), int(r[4])) for r in rows if r[2] == "image"]


def pdfsig(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfsig", str(path)], capture_output=True).stdout.decode("utf-8", "replace")


def approved(world, capture, *, signer_name=None):
    staff, director = world.users["staff_a"], world.users["director_a"]
    data = {"signer_name": signer_name} if signer_name is not None else {}
    report = services.report_create(agency=world.agency_a, year=2567, kind=ReportKind.CALENDAR, actor=staff, data=data)
    report = services.report_submit(report=report, actor=staff)
    with capture(execute=True):
        report = services.report_approve(report=report, actor=director, decision="อนุญาต")
    final = final_rendition(report)
    final.refresh_from_db()
    assert final.status == "done", final.error
    return report, final


@pytest.mark.django_db
def test_signature_upload_is_checked_like_evidence(world):
    user = world.users["staff_a"]
    with pytest.raises(ValidationError, match="PNG หรือ JPEG"):
        signing.signature_image_set(user=user, upload=SimpleUploadedFile("sig.png", b"MZ\x90\x00" + b"\x00" * 200))
    with pytest.raises(ValidationError, match="PNG หรือ JPEG"):
        signing.signature_image_set(user=user, upload=SimpleUploadedFile("sig.png", b"%PDF-1.7\n" + b"0" * 100))
    big = SimpleUploadedFile("sig.png", b"\x89PNG" + b"0" * (signing.SIGNATURE_MAX_BYTES + 1))
    with pytest.raises(ValidationError, match="๑ MB"):
        signing.signature_image_set(user=user, upload=big)
    sig = signing.signature_image_set(user=user, upload=png(240, 80))
    assert sig.content_type == "image/png" and len(sig.sha256) == 64


@pytest.mark.django_db
def test_signature_image_is_shown_only_to_its_owner(world):
    signing.signature_image_set(user=world.users["staff_a"], upload=png(240, 80))
    url = reverse("reports:my_signature_image")
    owner = world.client_for("staff_a").get(url)
    assert owner.status_code == 200 and owner["Content-Type"] == "image/png" and "no-store" in owner["Cache-Control"]
    for role in ("director_a", "staff_b", "supervisor", "superuser", "outsider"):
        assert world.client_for(role).get(url).status_code == 404, role  # nobody else's image has an address
    assert world.client_for("anonymous").get(url).status_code == 302
    page = world.client_for("staff_a").get(reverse("reports:my_signature"))
    assert url in page.content.decode()
    response = world.client_for("director_a").post(reverse("reports:my_signature"), {"image": png(300, 90)})
    assert response.status_code == 302 and world.users["director_a"].signature_image.content_type == "image/png"


@pytest.mark.django_db
def test_images_print_only_after_approval_and_only_for_those_who_signed(world, django_capture_on_commit_callbacks, tmp_path):
    signer = Membership.objects.get(user=world.users["staff_a"])
    signing.signature_image_set(user=world.users["staff_a"], upload=png(240, 80))
    signing.signature_image_set(user=world.users["director_a"], upload=png(300, 90))
    signing.signature_image_set(user=world.users["director_b"], upload=png(333, 111))  # never printed here
    staff = world.users["staff_a"]
    draft = services.report_create(agency=world.agency_a, year=2567, kind=ReportKind.CALENDAR, actor=staff)
    assert image_sizes(render_source_pdf(build_source(draft)), tmp_path) == []
    _report, final = approved(world, django_capture_on_commit_callbacks, signer_name=signer.full_name)
    sizes = image_sizes(final.file.read(), tmp_path)
    # The drafter's image in the memo, the director's in the endorsement and above the calendar's
    # head signature; nobody else's.
    assert sorted(set(sizes)) == [(240, 80), (300, 90)]
    assert sizes.count((300, 90)) == 2 and sizes.count((240, 80)) == 1
    # A memo signed in someone else's name prints no drafter image.
    _report, other = approved(world, django_capture_on_commit_callbacks, signer_name="นายผู้อื่น ลงนามแทน")
    assert (240, 80) not in image_sizes(other.file.read(), tmp_path)


@pytest.mark.django_db
def test_approved_pdf_carries_a_pades_signature_pdfsig_reports_intact(world, django_capture_on_commit_callbacks, tmp_path):
    report, final = approved(world, django_capture_on_commit_callbacks)
    data = final.file.read()
    report_text = pdfsig(data, tmp_path)
    assert "Signature is Valid." in report_text and "Total document signed" in report_text
    # The certificate names the agency (pdfsig shortens long DNs, so read the embedded one too).
    assert f"Common Name: {world.agency_a.short_name}" in report_text
    from pyhanko.pdf_utils.reader import PdfFileReader

    subject = PdfFileReader(io.BytesIO(data)).embedded_signatures[0].signer_cert.subject.native
    assert subject["organization_name"] == world.agency_a.name
    assert "ETSI.CAdES.detached" in report_text
    from pypdf import PdfReader

    sig = PdfReader(io.BytesIO(data)).get_fields()[signing.FIELD_NAME]["/V"]
    assert sig["/Name"] == report.approver_name and sig["/Reason"].startswith("อนุญาต: ")
    assert signing.pdf_verify(data, expected_sha256=final.sha256, agency=world.agency_a).ok
    # One byte altered inside the signed range: pdfsig and the portal both say it is broken.
    tampered = bytearray(data)
    tampered[len(data) // 10] ^= 0x01
    broken = pdfsig(bytes(tampered), tmp_path)
    assert "Signature is Valid." not in broken and "Digest Mismatch" in broken
    result = signing.pdf_verify(bytes(tampered), expected_sha256=final.sha256, agency=world.agency_a)
    assert not result.ok and not result.hash_ok and not result.intact


def make_p12(common_name: str, password: bytes = b"secret-1") -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(b"x", key, cert, None, serialization.BestAvailableEncryption(password))


@pytest.mark.django_db
def test_an_uploaded_pkcs12_signs_the_agency_documents(world, django_capture_on_commit_callbacks, tmp_path):
    director = world.users["director_a"]
    blob = make_p12(world.agency_a.short_name)
    with pytest.raises(PermissionDenied):
        signing.signing_key_upload(agency=world.agency_a, actor=world.users["staff_a"], data=blob, password="secret-1")
    with pytest.raises(ValidationError, match="รหัสผ่านผิด"):
        signing.signing_key_upload(agency=world.agency_a, actor=director, data=blob, password="wrong")
    with pytest.raises(ValidationError, match="ต้องระบุชื่อหน่วยงาน"):
        signing.signing_key_upload(agency=world.agency_a, actor=director, data=make_p12("Someone Else"), password="secret-1")
    record = signing.signing_key_upload(agency=world.agency_a, actor=director, data=blob, password="secret-1")
    assert record.source == KeySource.UPLOADED and "secret" not in record.pkcs12_encrypted
    _report, final = approved(world, django_capture_on_commit_callbacks)
    text = pdfsig(final.file.read(), tmp_path)
    assert "Signature is Valid." in text and f"Common Name: {world.agency_a.short_name}" in text


@pytest.mark.django_db
def test_key_is_generated_once_and_stored_encrypted(world):
    first = signing.signing_key_for(world.agency_a)
    assert signing.signing_key_for(world.agency_a).pk == first.pk
    assert first.source == KeySource.GENERATED and world.agency_a.name in first.subject
    assert "PRIVATE" not in first.pkcs12_encrypted and AgencySigningKey.objects.count() == 1


@pytest.mark.django_db
def test_signing_key_page_per_role(world):
    url = reverse("reports:signing_key", kwargs={"agency_id": world.agency_a.pk, "year": 2567})
    expected = {"anonymous": 302, "outsider": 404, "staff_a": 403, "staff_b": 404, "supervisor": 403, "director_a": 200}
    for role, status in expected.items():
        assert world.client_for(role).get(url).status_code == status, role
    assert world.client_for("director_a").post(url, {"generate": "1"}).status_code == 302
    cert_url = reverse("reports:signing_certificate", kwargs={"agency_id": world.agency_a.pk, "year": 2567})
    pem = world.client_for("staff_a").get(cert_url)
    assert pem.status_code == 200 and b"BEGIN CERTIFICATE" in pem.content and b"PRIVATE" not in pem.content
    assert world.client_for("staff_b").get(cert_url).status_code == 404


@pytest.mark.django_db
def test_public_page_verifies_in_thai_and_marks_revoked(world, django_capture_on_commit_callbacks, client):
    report, final = approved(world, django_capture_on_commit_callbacks)
    director = world.users["director_a"]
    report = services.report_publish(report=report, actor=director)
    url = reverse("public:verify", kwargs={"code": world.agency_a.code, "year": 2567, "series": report.series})
    page = client.get(url).content.decode()
    assert "เอกสารถูกต้อง ไม่ถูกแก้ไขหลังการอนุมัติ" in page and "ลายมือชื่อดิจิทัลถูกต้อง" in page
    assert final.sha256 in page and report.approver_name in page
    data = bytearray(final.file.read())
    data[len(data) // 10] ^= 0x01
    upload = SimpleUploadedFile("copy.pdf", bytes(data), content_type="application/pdf")
    checked = client.post(url, {"file": upload}).content.decode()
    assert "เอกสารไม่ผ่านการตรวจสอบ" in checked and "ค่า SHA-256 ไม่ตรงกับที่บันทึกไว้" in checked
    assert "เนื้อหาถูกแก้ไขหลังลงนาม" in checked
    listing = reverse("public:agency_year", kwargs={"code": world.agency_a.code, "year": 2567})
    assert url in client.get(listing).content.decode()
    services.report_revoke(report=report, actor=director, note="พบข้อผิดพลาด")
    listing_page = client.get(listing).content.decode()
    assert "ยกเลิกการเผยแพร่แล้ว" in listing_page and report.subject in listing_page and url not in listing_page
    assert client.get(url).status_code == 404
