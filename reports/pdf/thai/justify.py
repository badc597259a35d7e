"""Thai distributed justification: the extra width of a justified line after every grapheme.

WeasyPrint justifies by widening spaces only; Thai puts spaces between phrases, not words, so
justified Thai lines get gaps of several em. Under ``--thai-justify: distribute`` (the
``.thai-distributed`` class of ``templates/reports/pdf/base.css``), :func:`justify_line` spreads
the extra width after every grapheme cluster of the line instead (never inside a cluster, never
after a space or the line's last cluster, never between two graphemes of a Latin run, so URLs,
English words and Arabic digits keep their letter spacing), up to :data:`MAX_GAP_EM` per gap. The drawing
(:mod:`reports.pdf.thai.draw`) writes it with ``Tc`` character spacing.
"""

from __future__ import annotations

from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline as inline_module

from .graphemes import gap_ends

__all__ = ["MAX_GAP_EM", "READ_BACK_GAP_EM", "gaps_in", "justify_line"]

# WeasyPrint's own, taken when this module is first imported: before ``install()`` (which
# imports it) can have replaced it.
_stock_justify_line = inline_module.justify_line


#: Widest extra space allowed between two grapheme clusters of a justified line, in em. A line
#: that would need more stays left-aligned.
MAX_GAP_EM = 0.5

#: Widest gap between grapheme clusters that readers still take for no gap: pdf.js reads a
#: shift of 0.102 em or more as a space, pypdf one of half a space (Sarabun: 0.115 em). A line
#: that needs more puts the rest on its spaces (as WeasyPrint does), if it has any.
READ_BACK_GAP_EM = 0.095


def _is_distributed(style) -> bool:
    """``--thai-justify: distribute`` (inherited custom property) asks for Thai distribution."""
    tokens = style["__thai_justify"] or ()
    return any(getattr(token, "value", None) == "distribute" for token in tokens)


def gaps_in(text: str, *, line_last: bool) -> int:
    """Gaps after the graphemes of ``text``: none after a space, none inside a Latin run (see
    :meth:`~reports.pdf.thai.graphemes.Graphemes.gap_ends`), none at the line's end."""
    ends = gap_ends(text)
    return len(ends) - 1 if line_last and ends and ends[-1] == len(text.encode()) else len(ends)


def _in_flow_leaves(box):
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        for child in box.children:
            if child.is_in_normal_flow():
                yield from _in_flow_leaves(child)
    else:
        yield box


def _add_grapheme_spacing(box, spacing, x_advance, last):
    if isinstance(box, boxes.TextBox):
        box.position_x += x_advance
        gaps = gaps_in(box.text, line_last=box is last)
        box.thai_grapheme_spacing = spacing
        box.thai_gapless_end = box is last
        box.width += gaps * spacing
        x_advance += gaps * spacing
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += x_advance
        previous_x_advance = x_advance
        for child in box.children:
            if child.is_in_normal_flow():
                x_advance = _add_grapheme_spacing(child, spacing, x_advance, last)
        box.width += x_advance - previous_x_advance
    else:
        # Atomic inline-level box: one grapheme.
        box.translate(x_advance, 0)
        if box is not last:
            x_advance += spacing
    return x_advance


def justify_line(context, line, extra_width):
    """``weasyprint.layout.inline.justify_line`` with Thai distributed justification.

    WeasyPrint justifies by widening spaces only; Thai has few spaces (they separate phrases,
    not words), so a justified Thai line gets gaps of several em. Under
    ``--thai-justify: distribute`` (set by the ``.thai-distributed`` class) the extra width is
    spread evenly after every grapheme cluster of the line (never inside a cluster, never
    between a base and its marks, not after spaces, not after the last one), as in Word's
    "Thai Distributed". Past :data:`READ_BACK_GAP_EM` per gap (wider gaps between graphemes
    would read back as spaces in pdf.js and pypdf) the rest widens the line's spaces, if it has
    any, by up to :data:`MAX_GAP_EM` each, and what is still left stays at the line's end; a line
    that would need more than :data:`MAX_GAP_EM` per gap stays left-aligned; right-to-left
    lines keep WeasyPrint's behaviour.
    """
    if _is_distributed(line.style) and line.style["direction"] == "ltr":
        leaves = list(_in_flow_leaves(line))
        if not leaves:
            return
        last = leaves[-1]
        gaps = sum(
            gaps_in(leaf.text, line_last=leaf is last) if isinstance(leaf, boxes.TextBox) else int(leaf is not last)
            for leaf in leaves
        )
        font_size = line.style["font_size"]
        if not gaps:
            # No Thai on the line (a URL, English text): WeasyPrint's own justification.
            return _stock_justify_line(context, line, extra_width)
        if extra_width > 0 and extra_width / gaps <= MAX_GAP_EM * font_size:
            # Gaps up to the read-back cap, then spaces up to MAX_GAP_EM each; what is left
            # stays at the line's end (wider gaps between graphemes would read back as spaces).
            spacing = min(extra_width / gaps, READ_BACK_GAP_EM * font_size)
            _add_grapheme_spacing(line, spacing, 0, last)
            rest = extra_width - spacing * gaps
            if rest > 1e-6 and (spaces := inline_module.count_expandable_spaces(line)):
                inline_module.add_word_spacing(context, line, min(rest / spaces, MAX_GAP_EM * font_size), 0)
        return
    return _stock_justify_line(context, line, extra_width)
