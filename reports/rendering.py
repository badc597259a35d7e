"""Turn a report's ``source_data`` into HTML and PDF through the portal's one PDF layer.

Only :func:`reports.pdf.render_pdf` makes PDFs; this module picks the templates and adds
``memo.css`` plus the page-number digits (Thai ``- ๒ -`` or Arabic ``- 2 -``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from reports.documents import kind_for

MEMO_CSS = Path(settings.BASE_DIR) / "templates" / "reports" / "pdf" / "memo.css"
#: What the seeds print beyond memo and tables (cover, legend, group rows, …): its own sheet.
SEED_CSS = Path(settings.BASE_DIR) / "templates" / "reports" / "pdf" / "seed.css"

_PAGE_NUMBERS = """
@page memo {{ @top-center {{ content: "- " counter(page, {style}) " -"; font-family: "Sarabun"; font-size: 16pt; }} }}
@page att-portrait {{ @top-center {{ content: "- " counter(page, {att_style}) " -"; font-family: "Sarabun"; font-size: 16pt; }} }}
@page att-landscape {{ @top-center {{ content: "- " counter(page, {att_style}) " -"; font-family: "Sarabun"; font-size: 16pt; }} }}
@page memo:nth(1 of memo) {{ @top-center {{ content: none; }} }}
@page att-portrait:nth(1 of att-portrait) {{ @top-center {{ content: none; }} }}
@page att-landscape:nth(1 of att-landscape) {{ @top-center {{ content: none; }} }}
"""


def render_html(source: dict, *, memo_only: bool = False) -> str:
    """The document's HTML from its source data (memo, then the kind's attachment)."""
    return render_to_string(
        "reports/pdf/memo.html",
        {"src": source, "attachment_template": kind_for(source["kind"]).template, "memo_only": memo_only},
    )


def stylesheets(source: dict) -> list:
    thai_memo = source.get("thai_digits", True)
    style = "thai" if thai_memo else "decimal"
    att_style = "thai" if source.get("attachment_thai_digits", thai_memo) else "decimal"
    return [MEMO_CSS, SEED_CSS, _PAGE_NUMBERS.format(style=style, att_style=att_style)]


#: Keys of ``source_data`` whose values name a person, a division or the agency.
_NAME_KEYS = frozenset(
    {"signer_name", "name", "agency", "department", "department_parts", "responsible", "division", "distribution"}
)


def protected_words(source: dict) -> set[str]:
    """The names a document prints (people, divisions, the agency), which its lines never split
    where a line can hold them: each name whole, and each part of a person's name."""
    words: set[str] = set()

    def walk(value, key=None):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item, key)
        elif isinstance(value, str) and key in _NAME_KEYS and value.strip():
            name = " ".join(value.strip("() ").split())
            words.add(name)
            words.update(name.split(" "))

    walk(source)
    return words


def render_source_pdf(source: dict, *, memo_only: bool = False) -> bytes:
    """PDF bytes of a document (or of its memo alone, for the quick preview)."""
    # Imported here, not at the top: this module is reachable from the URLconf (views → services),
    # and WeasyPrint costs every web worker ~1.4 s and ~40 MB at start-up for the few requests
    # that render a PDF (the memo preview); Celery workers import it on their first rendering.
    from reports.pdf import render_pdf

    return render_pdf(render_html(source, memo_only=memo_only), stylesheets=stylesheets(source), words=protected_words(source))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
