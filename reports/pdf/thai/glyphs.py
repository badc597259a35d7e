"""Glyph runs as Pango hands them over: unpacked in one go, and split into the groups drawn
together (a cluster, or the clusters of one grapheme, or on justified lines the run up to the
next space), each with the ActualText it needs when its glyphs do not read back as its text.
"""

from __future__ import annotations

import codecs
import functools
import struct
import unicodedata

from weasyprint.text.ffi import ffi, pango

__all__ = ["EMPTY", "UNKNOWN", "actual_text_operator", "glyph_groups", "glyph_records"]

EMPTY = pango.PANGO_GLYPH_EMPTY
UNKNOWN = pango.PANGO_GLYPH_UNKNOWN_FLAG
_GLYPH_INFO_SIZE = ffi.sizeof("PangoGlyphInfo")
# A PangoGlyphInfo as WeasyPrint 70's cdef lays it out: glyph id, width, x offset, y offset
# (32-bit integers), then the 32-bit attr bit field, which drawing does not use.
_GLYPH_INFO = struct.Struct("=Iiii4x")
if _GLYPH_INFO_SIZE != _GLYPH_INFO.size or [
    ffi.offsetof("PangoGlyphInfo", *path)
    for path in (("glyph",), ("geometry", "width"), ("geometry", "x_offset"), ("geometry", "y_offset"))
] != [0, 4, 8, 12]:  # pragma: no cover - guarded by WEASYPRINT_VERSION
    raise ImportError("reports.pdf.thai: unexpected PangoGlyphInfo layout in WeasyPrint's cffi definitions")


def glyph_records(glyphs_info, num_glyphs: int) -> list[tuple[int, int, int, int]]:
    """(glyph id, width, x offset, y offset) of ``num_glyphs`` ``PangoGlyphInfo``, unpacked
    from the C array in one call instead of four cffi attribute reads per glyph."""
    if not num_glyphs:
        return []
    return list(_GLYPH_INFO.iter_unpack(ffi.buffer(glyphs_info, num_glyphs * _GLYPH_INFO_SIZE)))


@functools.lru_cache(maxsize=16384)
def actual_text_operator(text: str) -> bytes:
    """``/Span <</ActualText (text)>> BDC`` (what ``begin_marked_content`` writes with a
    ``pydyf.Dictionary``, without its cost for every cluster; the same words recur, so the
    operator is built once per text)."""
    data = codecs.BOM_UTF16_BE + unicodedata.normalize("NFC", text).encode("utf-16-be")
    return b"/Span <</ActualText <" + data.hex().encode() + b">>> BDC"


def _span_unless_read_back(glyph: int, cluster_text: str, to_unicode, known_texts) -> str | None:
    """The ActualText a one-glyph group needs: its text, unless the glyph's map already reads
    back as that text (also once both are composed, NFC)."""
    read_back = chr(glyph - UNKNOWN) if glyph & UNKNOWN else to_unicode.get(glyph, known_texts.get(glyph, cluster_text))
    if read_back != cluster_text and unicodedata.normalize("NFC", read_back) != unicodedata.normalize("NFC", cluster_text):
        return cluster_text
    return None


def _group_firsts(cl, cluster_end, item_offset, utf8_text, grapheme_starts, space_starts, rtl) -> list[int]:
    """The first glyph of each group but the first: cluster starts that begin a grapheme, and on
    justified lines (``space_starts`` given) follow or are a space."""
    num_glyphs = len(cl)
    if rtl:
        firsts = [k for k in range(1, num_glyphs) if cl[k] != cl[k - 1]]
    elif space_starts is None:
        firsts = [k for k in range(1, num_glyphs) if cl[k] != cl[k - 1] and item_offset + cl[k] in grapheme_starts]
    elif cl == sorted(cl):
        # Clusters in order (as Pango gives them left to right): a cluster ends where the next
        # one starts, so the test is on the bytes around that start.
        firsts = [k for k in range(1, num_glyphs) if cl[k] != cl[k - 1] and item_offset + cl[k] in space_starts]
    else:
        firsts = [
            k
            for k in range(1, num_glyphs)
            if cl[k] != cl[k - 1]
            and item_offset + cl[k] in grapheme_starts
            and (
                utf8_text[item_offset + cluster_end[cl[k - 1]] - 1 : item_offset + cluster_end[cl[k - 1]]].isspace()
                or utf8_text[item_offset + cl[k] : item_offset + cl[k] + 1].isspace()
            )
        ]
    return firsts


def glyph_groups(cl, gids, cluster_end, item_offset, utf8_text, grapheme_starts, space_starts, rtl, to_unicode, known_texts):
    """Split a glyph run into the groups drawn together: (first glyph index, last glyph index,
    ActualText of the group or None when its glyphs read back as its text, whether the group
    has exactly one visible glyph).

    A group is a cluster, extended by the following clusters up to the next grapheme start:
    Pango may give a Thai tone mark or ำ its own cluster, and a span must start on a base
    glyph drawn on the baseline. On justified lines a group runs on to the next space, so
    that readers do not take the spread between graphemes for word gaps: there
    ``space_starts`` holds the grapheme starts next to an ASCII whitespace byte (else None)."""
    num_glyphs = len(cl)
    firsts = _group_firsts(cl, cluster_end, item_offset, utf8_text, grapheme_starts, space_starts, rtl)
    groups = []
    i = 0
    for following in (*firsts, num_glyphs):
        j = following - 1
        span = None
        if i == j:
            g = gids[i]
            visible = g != EMPTY
            if visible:
                start = cl[i]
                cluster_text = utf8_text[item_offset + start : item_offset + cluster_end[start]].decode()
                if cluster_text.strip():
                    span = _span_unless_read_back(g, cluster_text, to_unicode, known_texts)
        else:
            glyphs = gids[i:following]
            visible = len(glyphs) - glyphs.count(EMPTY)
            if visible:
                cluster_text = utf8_text[item_offset + cl[i] : item_offset + cluster_end[cl[j]]].decode()
                if cluster_text.strip():
                    if visible > 1:
                        # Several glyphs in one grapheme (a base and its marks, drawn with zero
                        # advance or a text rise) are not read back in order by poppler
                        # (ผู้อ → ผูอ ้ …): such clusters carry ActualText too.
                        span = cluster_text
                    else:
                        g = next(g for g in glyphs if g != EMPTY)
                        span = _span_unless_read_back(g, cluster_text, to_unicode, known_texts)
        groups.append((i, j, span, visible == 1))
        i = following
    return groups
