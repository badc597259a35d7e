"""Models of signing: each signer's signature image and each agency's signing key and certificate.

Imported by ``reports.models`` so Django sees them; the services live in :mod:`reports.signing`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ita_portal.agencies.models import Agency


def signature_upload_to(instance: SignatureImage, filename: str) -> str:
    # A new name on every upload: frozen documents keep pointing at the image they printed.
    return f"signatures/{instance.user_id}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class SignatureImage(models.Model):
    """A signer's scanned signature, printed above their name only on documents they approved.

    Shown back only to its owner; never served from MEDIA_URL.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("ผู้ลงนาม"), on_delete=models.CASCADE, related_name="signature_image"
    )
    image = models.FileField(_("ภาพลายมือชื่อ"), upload_to=signature_upload_to)
    content_type = models.CharField(_("ชนิดไฟล์"), max_length=50)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("อัปโหลดเมื่อ"), auto_now=True)

    class Meta:
        verbose_name = _("ภาพลายมือชื่อ")
        verbose_name_plural = _("ภาพลายมือชื่อ")

    def __str__(self) -> str:
        return str(self.user)


class KeySource(models.TextChoices):
    GENERATED = "generated", _("สร้างโดยระบบ")
    UPLOADED = "uploaded", _("อัปโหลด PKCS#12")


class AgencySigningKey(models.Model):
    """The agency's private key and certificate for PAdES signatures, as a PKCS#12 encrypted at rest."""

    agency = models.OneToOneField(Agency, verbose_name=_("หน่วยงาน"), on_delete=models.CASCADE, related_name="signing_key")
    source = models.CharField(_("ที่มา"), max_length=20, choices=KeySource.choices)
    pkcs12_encrypted = models.TextField(_("กุญแจและใบรับรอง (เข้ารหัส)"), editable=False)
    certificate_pem = models.TextField(_("ใบรับรอง (PEM)"), editable=False)
    subject = models.CharField(_("ชื่อในใบรับรอง"), max_length=500, editable=False)
    fingerprint_sha256 = models.CharField(_("ลายนิ้วมือใบรับรอง (SHA-256)"), max_length=64, editable=False)
    not_after = models.DateTimeField(_("ใบรับรองหมดอายุ"), editable=False)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("กุญแจลงลายมือชื่อดิจิทัลของหน่วยงาน")
        verbose_name_plural = _("กุญแจลงลายมือชื่อดิจิทัลของหน่วยงาน")

    def __str__(self) -> str:
        return self.subject
