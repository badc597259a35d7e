"""Grapheme clusters (a base character with all its marks) of line texts, as UTF-8 byte offsets.

Both the ActualText groups of the drawing and distributed justification work on graphemes:
a span never starts on a mark and a justification gap never falls between a base and its
marks. Segmentation is cached per text (:func:`graphemes`), since justification and drawing
ask for the same line texts.
"""

from __future__ import annotations

import functools
import itertools
import re
import typing

from ita_portal.thai import GRAPHEME_RE, grapheme_count

__all__ = ["BLANK", "GRAPHEME_RE", "SPACE_BYTE_RE", "Graphemes", "gap_ends", "grapheme_count", "graphemes"]

# The cluster rule itself (GRAPHEME_RE, grapheme_count) lives in ita_portal.thai, which imports no
# WeasyPrint: the pdf_tags template library counts clusters too, and loading it must not make every
# web worker import WeasyPrint.


# What ``bytes.strip()`` removes: a grapheme of these only is blank (gets no justification gap).
BLANK = " \t\n\r\x0b\x0c"
SPACE_BYTE_RE = re.compile(rb"[ \t\n\r\x0b\x0c]")


class Graphemes(typing.NamedTuple):
    """The grapheme clusters of a text, as UTF-8 byte offsets."""

    parts: typing.Sequence[str]  # the graphemes (the text itself when it is ASCII)
    ends: tuple[int, ...]  # where each grapheme ends
    starts: frozenset[int]  # where each starts, with 0 and the text's end

    def blank_count(self) -> int:
        """Graphemes that are a lone whitespace character (a grapheme is a base and its marks)."""
        return sum(map(self.parts.count, BLANK))

    def nonblank_ends(self) -> list[int]:
        """Where each grapheme that is not blank ends."""
        return [end for end, part in zip(self.ends, self.parts, strict=True) if part not in BLANK]

    def gap_ends(self) -> list[int]:
        """Where distributed justification may put a gap: after each grapheme that is not blank
        and is Thai or followed by a Thai one. Never between two graphemes of a Latin run (words,
        URLs, Arabic digits), which keep their natural letter spacing."""
        parts = self.parts
        if not isinstance(parts, list):  # ASCII text: no Thai at all
            return []
        # A grapheme is Thai when its base (first character) is.
        thai = ["\u0e00" <= part[0] <= "\u0e7f" for part in parts]
        followed = [*thai[1:], False]
        return [
            end
            for end, part, own, next_thai in zip(self.ends, parts, thai, followed, strict=True)
            if (own or next_thai) and part not in BLANK
        ]


@functools.lru_cache(maxsize=4096)
def graphemes(text: str) -> Graphemes:
    """The grapheme clusters of ``text``. Cached: justification and drawing ask for the same
    line texts."""
    if text.isascii():
        ends = tuple(range(1, len(text) + 1))
        return Graphemes(text, ends, frozenset((0, *ends)))
    parts = list(filter(None, GRAPHEME_RE.findall(text)))
    ends = tuple(itertools.accumulate(map(len, map(str.encode, parts))))
    return Graphemes(parts, ends, frozenset((0, *ends)))


@functools.lru_cache(maxsize=4096)
def gap_ends(text: str) -> tuple[int, ...]:
    """:meth:`Graphemes.gap_ends` of ``text``, cached: justification and drawing ask for the
    same box texts."""
    return tuple(graphemes(text).gap_ends())
