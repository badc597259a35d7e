"""How high and how low Thai ink reaches in a font, read from the font itself (fontTools).

Thai stacks marks: a tone mark sits on an upper vowel on a consonant (ปั้, สิทธิ์), a lower vowel
hangs under a consonant (ปู). At a line height of 1.2 em (1.15 in tables) the tone marks of one
line touched the lower vowels and tails of the line above at 300 dpi (issue 11).

Sarabun draws every stacking position as a glyph of its own, its outline already at that height
(``uni0E49.small``: a tone above an upper vowel; ``thoThanthai.less``: ฐ without its tail); the
shaper picks the variant (GSUB) and GPOS only nudges it by a few hundredths of an em. So
:func:`ink_extent` takes the highest and lowest outline over every glyph a Thai character can be
drawn with (:func:`thai_glyphs`: the ``cmap``'s and everything its GSUB substitutions make of
them), and :func:`min_line_height` adds them up: the line height (em) at which the ink of two
consecutive lines cannot touch. ``templates/reports/pdf/*.css`` keep the line heights of wrapping
text at or above it, and the ink of real lines is checked at 300 dpi (``tests/test_pdf_metrics.py``).

One stack is left out by default (``replaced_tails=False``): a lower vowel under ฎ or ฏ, drawn in
place of their tail and so lower than any other (``uni0E39.small``, −0.535 em against −0.332 em for
ู elsewhere). It occurs in a handful of rare words (กฎุมพี, กุฎุมพี, กฏุก: 8 of pythainlp's 62,000),
and holding it would take line heights of 1.84 em (Sarabun bold; 1.63 em without it), which pushes
the one-page memo onto a second page. :func:`ink_extent` with ``replaced_tails=True`` gives the
full extent.
"""

from __future__ import annotations

import functools
import typing
from pathlib import Path

__all__ = ["FONTS_DIR", "InkExtent", "ink_extent", "min_line_height", "thai_glyphs"]

FONTS_DIR = Path(__file__).resolve().parents[3] / "static" / "fonts"

_THAI = range(0x0E01, 0x0E5C)
_LOWER_VOWELS = (0x0E38, 0x0E39, 0x0E3A)


class InkExtent(typing.NamedTuple):
    """The highest and lowest ink of Thai text, in em from the baseline (``bottom`` < 0), with
    the glyphs that reach them."""

    top: float
    bottom: float
    top_glyph: str
    bottom_glyph: str

    @property
    def span(self) -> float:
        return self.top - self.bottom


def thai_glyphs(font, code_points: typing.Iterable[int] = _THAI) -> set[str]:
    """Every glyph these characters (default: all Thai) can be drawn with: the cmap's, and what
    GSUB makes of them (single, multiple, alternate and ligature substitutions, to a fixed point)."""
    cmap = font.getBestCmap()
    names = {cmap[cp] for cp in code_points if cp in cmap}
    if "GSUB" not in font:
        return names
    subtables = []
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for subtable in lookup.SubTable:
            subtables.append(subtable.ExtSubTable if lookup.LookupType == 7 else subtable)
    while True:
        found = set()
        for subtable in subtables:
            for source, target in (getattr(subtable, "mapping", None) or {}).items():
                if source in names:
                    found.update(target if isinstance(target, list) else [target])
            for source, targets in (getattr(subtable, "alternates", None) or {}).items():
                if source in names:
                    found.update(targets)
            for first, ligatures in (getattr(subtable, "ligatures", None) or {}).items():
                for ligature in ligatures:
                    if first in names and all(c in names for c in ligature.Component):
                        found.add(ligature.LigGlyph)
        found -= names
        if not found:
            return names
        names |= found


@functools.lru_cache(maxsize=16)
def ink_extent(font_path: str | Path = FONTS_DIR / "Sarabun-Regular.ttf", *, replaced_tails: bool = False) -> InkExtent:
    """The highest and lowest ink of Thai text set in this font (see the module's docstring);
    with ``replaced_tails``, also the lower vowels drawn in place of the tails of ฎ and ฏ."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(font_path))
    upem = font["head"].unitsPerEm
    glyf = font["glyf"]
    names = thai_glyphs(font)
    if not replaced_tails:
        # The lower vowels' substitutes (not their cmap glyphs): drawn where ฎ/ฏ drop their tail.
        cmap = font.getBestCmap()
        names -= thai_glyphs(font, _LOWER_VOWELS) - {cmap[cp] for cp in _LOWER_VOWELS if cp in cmap}
    boxes = [(glyf[name].yMin, glyf[name].yMax, name) for name in names if hasattr(glyf[name], "yMax")]
    high = max(boxes, key=lambda box: box[1])
    low = min(boxes, key=lambda box: box[0])
    return InkExtent(high[1] / upem, low[0] / upem, high[2], low[2])


def min_line_height(font_paths: typing.Iterable[str | Path] | None = None, *, replaced_tails: bool = False) -> float:
    """The least line height (em) at which two lines of Thai in these fonts (default: every
    shipped Sarabun) cannot touch: the highest top plus the deepest bottom."""
    paths = sorted(FONTS_DIR.glob("Sarabun-*.ttf")) if font_paths is None else list(font_paths)
    extents = [ink_extent(str(path), replaced_tails=replaced_tails) for path in paths]
    return max(e.top for e in extents) - min(e.bottom for e in extents)
