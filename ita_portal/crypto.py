"""Secrets kept in the database encrypted at rest (signing keys, LINE channel tokens).

Fernet (AES-128-CBC + HMAC-SHA256) with a key derived from ``FIELD_ENCRYPTION_KEY`` (or, when it is
not set, ``SECRET_KEY``): a copy of the database alone does not reveal the secrets. Changing the key
makes stored secrets unreadable, so production sets FIELD_ENCRYPTION_KEY once and keeps it.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _fernet() -> Fernet:
    secret = getattr(settings, "FIELD_ENCRYPTION_KEY", "") or settings.SECRET_KEY
    digest = hashlib.sha256(("ita-portal-fields:" + secret).encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt_bytes(data: bytes) -> str:
    """``data`` encrypted, as ASCII text for a TextField."""
    return _fernet().encrypt(data).decode("ascii")


def decrypt_bytes(token: str) -> bytes:
    try:
        return _fernet().decrypt(token.encode("ascii"))
    except InvalidToken as exc:
        raise ImproperlyConfigured("ถอดรหัสข้อมูลลับไม่ได้: FIELD_ENCRYPTION_KEY (หรือ SECRET_KEY) ไม่ตรงกับตอนที่บันทึก") from exc


def encrypt_text(text: str) -> str:
    return encrypt_bytes(text.encode("utf-8"))


def decrypt_text(token: str) -> str:
    return decrypt_bytes(token).decode("utf-8")
