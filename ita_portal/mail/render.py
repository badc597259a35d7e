"""E-mail templates come as triplets under ``templates/emails/``: ``<name>_subject.txt``,
``<name>_body.txt`` and ``<name>_body.html``."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation


def render_email(name: str, context: dict) -> tuple[str, str, str]:
    """(subject on one line, plain text, HTML), rendered in Thai."""
    with translation.override("th"):
        subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
        text = render_to_string(f"emails/{name}_body.txt", context).strip() + "\n"
        html = render_to_string(f"emails/{name}_body.html", context)
    return subject, text, html
