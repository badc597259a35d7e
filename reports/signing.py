"""Signing: signature images of signers, and the PAdES digital signature of approved PDFs.

- :func:`signature_image_set` stores a signer's scanned signature, checked like evidence uploads
  (the real type from the bytes, PNG or JPEG only, size and pixel limits). It prints only on
  documents that person signed off (see ``reports.documents.common``).
- Each agency has one signing key: generated on first use (RSA 2048, self-signed certificate whose
  subject names the agency, ten years) or uploaded as PKCS#12 (:func:`signing_key_upload`). It is
  stored encrypted at rest (``ita_portal.crypto``).
- :func:`pdf_sign` signs a frozen PDF with pyHanko (PAdES baseline, SHA-256) carrying the
  approver's name, the reason and the agency as location; :func:`pdf_verify` checks a PDF's
  signatures (integrity of the signed bytes, and that the signer is the agency's certificate).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ita_portal.agencies import selectors as access
from ita_portal.agencies.models import Agency
from ita_portal.crypto import decrypt_bytes, encrypt_bytes
from measures.uploads import sniff
from reports.models import AgencySigningKey, KeySource, SignatureImage

SIGNATURE_MAX_BYTES = 1024 * 1024
SIGNATURE_MAX_PIXELS = 4000 * 4000
SIGNATURE_TYPES = {"image/png", "image/jpeg"}
FIELD_NAME = "ITAPortalApproval"
# The PKCS#12 in the database is encrypted by ita_portal.crypto; this inner password only satisfies
# the format (PKCS#12 files are always password-protected).
_INNER_PASSWORD = b"ita-portal"


# ------------------------------------------------------------------------------ signature image


@transaction.atomic
def signature_image_set(*, user, upload: UploadedFile) -> SignatureImage:
    """Store ``upload`` as the user's signature image (replacing theirs; old files stay for the
    documents that printed them). Refused with a Thai message unless it really is a PNG or JPEG
    under 1 MB that Pillow can open."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    if upload.size > SIGNATURE_MAX_BYTES:
        raise ValidationError(_("ภาพลายมือชื่อต้องมีขนาดไม่เกิน ๑ MB"), code="too_big")
    refused = ValidationError(_("ภาพลายมือชื่อต้องเป็นไฟล์ PNG หรือ JPEG (ตรวจจากเนื้อไฟล์)"), code="file_type")
    try:
        kind = sniff(upload)
    except ValidationError as exc:
        raise refused from exc
    if kind.content_type not in SIGNATURE_TYPES:
        raise refused
    from PIL import Image, UnidentifiedImageError

    upload.seek(0)
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            width, height = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("เปิดภาพลายมือชื่อไม่ได้ ไฟล์อาจเสียหาย"), code="broken") from exc
    if width * height > SIGNATURE_MAX_PIXELS:
        raise ValidationError(_("ภาพลายมือชื่อใหญ่เกินไป (ไม่เกิน ๔๐๐๐×๔๐๐๐ จุด)"), code="too_big")
    from django.core.files.base import ContentFile

    current = SignatureImage.objects.filter(user=user).first() or SignatureImage(user=user)
    current.content_type = kind.content_type
    current.sha256 = hashlib.sha256(data).hexdigest()
    current.image.save(f"signature.{kind.extension}", ContentFile(data), save=False)
    current.save()
    return current


def signature_url_of(user_id: int | None) -> str:
    """``/media/…`` URL of a user's signature image for the PDF fetcher, or '' without one."""
    if not user_id:
        return ""
    sig = SignatureImage.objects.filter(user_id=user_id).first()
    if sig is None or not sig.image:
        return ""
    try:
        return sig.image.url if sig.image.storage.exists(sig.image.name) else ""
    except (ValueError, OSError):
        return ""


# ------------------------------------------------------------------------------- signing keys


def _fit(text: str, limit: int = 64) -> str:
    """``text`` cut to ``limit`` UTF-8 bytes at a character boundary (X.509's CN bound)."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def _subject_for(agency: Agency) -> x509.Name:
    # O holds the full Thai name (readers show it); CN the short name, which fits the 64-byte bound.
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "TH"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, agency.name),
            x509.NameAttribute(NameOID.COMMON_NAME, _fit(agency.short_name or agency.name)),
        ]
    )


def _store(agency: Agency, *, key, cert: x509.Certificate, source: str) -> AgencySigningKey:
    blob = pkcs12.serialize_key_and_certificates(
        name=b"ita", key=key, cert=cert, cas=None, encryption_algorithm=serialization.BestAvailableEncryption(_INNER_PASSWORD)
    )
    values = {
        "source": source,
        "pkcs12_encrypted": encrypt_bytes(blob),
        "certificate_pem": cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        "subject": cert.subject.rfc4514_string()[:500],
        "fingerprint_sha256": cert.fingerprint(hashes.SHA256()).hex(),
        "not_after": cert.not_valid_after_utc,
    }
    record, _created = AgencySigningKey.objects.update_or_create(agency=agency, defaults=values)
    return record


def _generate(agency: Agency) -> AgencySigningKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = timezone.now()
    name = _subject_for(agency)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return _store(agency, key=key, cert=cert, source=KeySource.GENERATED)


def signing_key_for(agency: Agency) -> AgencySigningKey:
    """The agency's signing key, generated on first use (two workers at once: one key wins)."""
    existing = AgencySigningKey.objects.filter(agency=agency).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return _generate(agency)
    except IntegrityError:
        return AgencySigningKey.objects.get(agency=agency)


@transaction.atomic
def signing_key_upload(*, agency: Agency, actor, data: bytes, password: str) -> AgencySigningKey:
    """Replace the agency's key with an uploaded PKCS#12 (.p12/.pfx), e.g. one issued by a CA.

    Needs the director's right. The file must open with ``password``, hold an RSA or EC private key
    with its certificate, be valid now, and its subject must name the agency (its name or short name).
    """
    if not access.can_approve(actor, agency):
        raise PermissionDenied
    try:
        key, cert, _cas = pkcs12.load_key_and_certificates(data, password.encode("utf-8") if password else None)
    except ValueError as exc:
        raise ValidationError(_("เปิดไฟล์ PKCS#12 ไม่ได้: ไฟล์ไม่ถูกต้องหรือรหัสผ่านผิด")) from exc
    if key is None or cert is None:
        raise ValidationError(_("ไฟล์ PKCS#12 ต้องมีทั้งกุญแจส่วนตัวและใบรับรอง"))
    now = timezone.now()
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise ValidationError(_("ใบรับรองในไฟล์หมดอายุหรือยังไม่เริ่มใช้"))
    subject = cert.subject.rfc4514_string()
    names = {n for n in (agency.name, agency.short_name) if n}
    if not any(n in subject for n in names):
        raise ValidationError(_("ชื่อในใบรับรอง (%(subject)s) ต้องระบุชื่อหน่วยงาน %(name)s") % {"subject": subject, "name": agency.name})
    return _store(agency, key=key, cert=cert, source=KeySource.UPLOADED)


def _signer(record: AgencySigningKey):
    from pyhanko.sign import signers

    key, cert, _cas = pkcs12.load_key_and_certificates(decrypt_bytes(record.pkcs12_encrypted), _INNER_PASSWORD)
    key_der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=None,
    )


def pdf_sign(data: bytes, *, agency: Agency, signer_name: str, reason: str) -> bytes:
    """``data`` with a PAdES signature of the agency's key: an incremental update, so the rendered
    PDF is kept byte for byte and the signature covers all of it."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    record = signing_key_for(agency)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=signer_name,
        reason=reason,
        location=agency.name,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    out = signers.sign_pdf(writer, meta, signer=_signer(record))
    return out.getvalue()


@dataclass(frozen=True)
class Verification:
    """What the public page says about a document."""

    hash_ok: bool
    signed: bool
    intact: bool
    by_agency: bool
    signer_name: str = ""
    reason: str = ""
    signed_at: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.hash_ok and self.signed and self.intact and self.by_agency


def pdf_verify(data: bytes, *, expected_sha256: str, agency: Agency) -> Verification:
    """Check a PDF against its frozen SHA-256 and its embedded signature (integrity of the signed
    bytes, nothing appended after it, and the signer's certificate is the agency's)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    hash_ok = hashlib.sha256(data).hexdigest() == expected_sha256
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        sigs = reader.embedded_signatures
    except Exception:  # an unreadable PDF is simply not verified
        return Verification(hash_ok=hash_ok, signed=False, intact=False, by_agency=False)
    if not sigs:
        return Verification(hash_ok=hash_ok, signed=False, intact=False, by_agency=False)
    sig = sigs[-1]
    record = AgencySigningKey.objects.filter(agency=agency).first()
    fingerprint = hashlib.sha256(sig.signer_cert.dump()).hexdigest() if sig.signer_cert else ""
    by_agency = bool(record and fingerprint == record.fingerprint_sha256)
    # The agency's own certificate is the trust root: a self-signed portal key validates, and a
    # signature by any other key does not.
    roots = (
        [
            asn1_x509.Certificate.load(
                x509.load_pem_x509_certificate(record.certificate_pem.encode()).public_bytes(serialization.Encoding.DER)
            )
        ]
        if record
        else []
    )
    try:
        status = validate_pdf_signature(sig, signer_validation_context=ValidationContext(trust_roots=roots))
        intact = bool(status.intact and status.valid and status.coverage == SignatureCoverageLevel.ENTIRE_FILE)
        by_agency = by_agency and status.trusted
    except Exception:
        intact = False
    sig_obj = sig.sig_object
    return Verification(
        hash_ok=hash_ok,
        signed=True,
        intact=intact,
        by_agency=by_agency,
        signer_name=str(sig_obj.get("/Name", "")),
        reason=str(sig_obj.get("/Reason", "")),
        signed_at=sig.self_reported_timestamp,
    )
