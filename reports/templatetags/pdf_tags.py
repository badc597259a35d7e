"""Template helpers for PDF documents: ``{% load pdf_tags %}``.

``{{ name|keep_together }}`` keeps a personal name with its title, or an agency's name, on
one line where the line allows: the text goes in a no-break span (``.keep-together`` in
``templates/reports/pdf/base.css``). A text too long to fit on one memo line is left free to
break (between syllables, as all Thai text), so it never overflows the margin.
"""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

from ita_portal.thai import grapheme_count

register = template.Library()

#: Longest text (in grapheme clusters) kept on one line. A memo line (A4, margins 3/2 cm,
#: Sarabun 16 pt) holds about 60 Thai clusters; names and agency names are far shorter.
KEEP_TOGETHER_MAX_CLUSTERS = 45


@register.filter(is_safe=True)
def keep_together(value: object) -> SafeString:
    """``นายสมชาย ใจดี`` → ``<span class="keep-together">นายสมชาย ใจดี</span>`` (escaped)."""
    text = conditional_escape("" if value is None else value)
    if not str(text).strip():
        return text
    if grapheme_count(str(value)) > KEEP_TOGETHER_MAX_CLUSTERS:
        return text
    return format_html('<span class="keep-together">{}</span>', text)
