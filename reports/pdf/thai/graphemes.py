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
import unicodedata

__all__ = ["BLANK", "GRAPHEME_RE", "SPACE_BYTE_RE", "Graphemes", "grapheme_count", "graphemes"]

# Characters that extend the grapheme cluster before them: combining marks (Mn, Mc, Me), ZWNJ,
# ZWJ, and the Grapheme_Cluster_Break=SpacingMark letters that matter here (Thai sara am, Lao am).
_EXTEND = (
    "".join(chr(c) for c in range(0x300, 0x10000) if unicodedata.category(chr(c)) in ("Mn", "Mc", "Me"))
    + "\u200c\u200d\u0e33\u0eb3"
)
GRAPHEME_RE = re.compile(f"(?:[^{re.escape(_EXTEND)}]|^)[{re.escape(_EXTEND)}]*", re.S)


def grapheme_count(text: str) -> int:
    """Number of grapheme clusters in ``text`` (a base character with all its marks is one)."""
    return sum(1 for part in GRAPHEME_RE.findall(text) if part)


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
