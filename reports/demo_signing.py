"""Demo pieces of sign-off: the routing chain of ศธจ.ร้อยเอ็ด's plan and demo signature images.

Used by ``ita_portal.demo``. The images are drawn here (a pen stroke through the person's name in
Sarabun Italic), clearly not anyone's real signature, so the demo's approved PDFs show where a
signature image prints.
"""

from __future__ import annotations

import hashlib
import io
import math

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from ita_portal.agencies.models import Agency, Membership
from reports.models import SignatureImage
from reports.services import routing
from reports.signing import signature_image_set

FONT = settings.BASE_DIR / "static" / "fonts" / "Sarabun-Italic.ttf"


def demo_signature_png(name: str) -> bytes:
    """A PNG 'signature' for ``name``: the first name in italic with a flourish under it."""
    from PIL import Image, ImageDraw, ImageFont

    first = name.split(" ")[0]
    for title in ("นางสาว", "นาง", "นาย"):
        if first.startswith(title):
            first = first[len(title) :]
            break
    image = Image.new("RGBA", (420, 140), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.text((20, 10), first, font=ImageFont.truetype(str(FONT), 72), fill=(18, 40, 140, 255))
    seed = int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:6], 16)
    points = [(20 + x * 4, 118 + 8 * math.sin(x / (6 + seed % 5))) for x in range(95)]
    draw.line(points, fill=(18, 40, 140, 255), width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def demo_signatures(members: list[Membership]) -> None:
    """Give each of ``members`` a demo signature image (once: kept if they already have one)."""
    for member in members:
        if SignatureImage.objects.filter(user=member.user).exists():
            continue
        upload = SimpleUploadedFile("signature.png", demo_signature_png(member.full_name), content_type="image/png")
        signature_image_set(user=member.user, upload=upload)


def demo_chain(*, agency: Agency, kind: str, reviewers: list[Membership], director: Membership) -> None:
    """Set the agency's chain for ``kind`` (the director sets it, as in the portal)."""
    current = [s.reviewer_id for s in routing.routing_chain(agency=agency, kind=kind)]
    if current != [m.pk for m in reviewers]:
        routing.routing_chain_set(agency=agency, kind=kind, reviewers=reviewers, actor=director.user)
