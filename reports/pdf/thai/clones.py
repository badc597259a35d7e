"""Glyph clones: more character ids than the font has glyphs, so that each can read back its own text.

A ToUnicode map gives one text per glyph id, but a glyph does not always stand for the same
text. HarfBuzz draws ำ (sara am) as nikhahit ํ + sara aa า — the same two glyphs as a lone ํ and
a lone า — so a map made glyph by glyph reads every ำ as ``ํา``, and readers that ignore
``/ActualText`` (pdf.js: Firefox and many web viewers; pypdf) never find "สำนักงาน".

The embedded fonts are CID-keyed TrueType fonts (``CIDFontType2``), whose ``CIDToGIDMap`` says
which glyph draws each character id. :func:`clone_id` gives a glyph a second character id (a
*clone*) with its own width and ToUnicode text, drawn by the same glyph; the drawing uses the
clones inside sara-am clusters (:func:`sara_am_clones`):

- the nikhahit of a sara am reads back as nothing (an empty ToUnicode entry);
- a nikhahit+tone ligature (Sarabun's ``uni0E4D0E49``) reads back as the tone only;
- the sara aa of a sara am reads back as ``ำ``.

So น ํ ้ า (น้ำ) reads back as น + ``้`` + ``ำ`` = "น้ำ", glyph by glyph, in every reader.

Readers disagree on an empty ToUnicode entry: pypdf reads nothing, pdf.js falls back to the
character id itself as a code point. A clone that must read as nothing therefore gets a
character id that *is* a Unicode format character (general category Cf, U+0600 upwards: above
any glyph id of the portal's fonts), which pdf.js drops from the text it extracts.

A character that no font has (drawn as ``.notdef``) gets a clone of glyph 0 with its own code
point as text, instead of WeasyPrint's custom encoding CMap (``/WP-Encod-0``): with it, the
document's fonts keep the ``Identity-H`` encoding, which pypdf reads (pypdf 7.1 read 0.02 % of
the words of a document with one such character, because every glyph then decoded wrongly).

:func:`build_vector_font_dictionary` (installed over WeasyPrint's) writes the ``CIDToGIDMap``
stream of a font with clones. OpenType/CFF fonts (``CIDFontType0``, which have no CIDToGIDMap)
and bitmap fonts get no clones: there WeasyPrint's own behaviour stays.
"""

from __future__ import annotations

import bisect
import struct
import typing
import unicodedata

import pydyf
from weasyprint.pdf import fonts as pdf_fonts_module

__all__ = [
    "EMPTY_TEXT_CIDS",
    "Clones",
    "build_vector_font_dictionary",
    "clone_id",
    "clones_of",
    "sara_am_clones",
    "stock_build_vector_font_dictionary",
]

NIKHAHIT = "\u0e4d"
SARA_AA = "\u0e32"
SARA_AM = "\u0e33"
SARA_AM_UTF8 = SARA_AM.encode()

#: Character ids for clones that read back as nothing: format characters (Cf) of the BMP from
#: U+0600 on, which pdf.js drops when an empty ToUnicode entry makes it use the id itself.
EMPTY_TEXT_CIDS = tuple(c for c in range(0x600, 0xFFFF) if unicodedata.category(chr(c)) == "Cf")
_EMPTY_TEXT_CID_SET = frozenset(EMPTY_TEXT_CIDS)

stock_build_vector_font_dictionary = pdf_fonts_module._build_vector_font_dictionary


class Clones(typing.NamedTuple):
    """The clones of one WeasyPrint ``Font``: which glyph draws each, and which id each
    (glyph, text) pair got."""

    glyph_count: int
    by_source: dict[tuple[int, str], int]  # (glyph id, text) → clone id
    glyph_of: dict[int, int]  # clone id → glyph id drawing it
    next_ids: list[int]  # [next id for a clone with text, index of the next empty-text id]


def clones_of(font) -> Clones | None:
    """The clones of ``font``, or None when its glyphs cannot be cloned (CFF or bitmap font,
    or a font so large that the empty-text ids would fall inside it)."""
    clones = font.__dict__.get("thai_clones", False)
    if clones is False:
        cloneable = not font.bitmap and font.type == "ttf" and font.glyph_count < EMPTY_TEXT_CIDS[0]
        clones = Clones(font.glyph_count, {}, {}, [font.glyph_count, 0]) if cloneable else None
        font.thai_clones = clones
    return clones


def clone_id(font, clones: Clones, glyph: int, text: str, width: int, glyph_text: str = "") -> int | None:
    """The character id drawing ``glyph`` that reads back as ``text`` (allocated on first use,
    with the glyph's ``width`` in the font's widths and ``text`` in its ToUnicode map).
    ``glyph_text`` is what the glyph itself stands for. None when no id is left."""
    key = (glyph, text)
    cid = clones.by_source.get(key)
    if cid is not None:
        return cid
    if text:
        cid = clones.next_ids[0]
        while cid in _EMPTY_TEXT_CID_SET:
            cid += 1
        if cid > 0xFFFF:
            return None
        clones.next_ids[0] = cid + 1
    else:
        if clones.next_ids[1] >= len(EMPTY_TEXT_CIDS):
            return None
        cid = EMPTY_TEXT_CIDS[clones.next_ids[1]]
        clones.next_ids[1] += 1
    clones.by_source[key] = cid
    clones.glyph_of[cid] = glyph
    font.widths[cid] = width
    font.to_unicode[cid] = text
    # The glyph itself must be in the subset embedded (WeasyPrint subsets to the ToUnicode
    # map's glyph ids), mapped to what it stands for when drawn alone.
    font.to_unicode.setdefault(glyph, glyph_text)
    return cid


def _sara_am_text(known: str | None) -> str | None:
    """What a glyph of a sara-am cluster reads back as: nothing for the nikhahit, the tone for
    a nikhahit+tone ligature, ำ for the sara aa; None for other glyphs (kept as they are)."""
    if known == SARA_AA:
        return SARA_AM
    if known and NIKHAHIT in known and len(known) <= 2:
        return known.replace(NIKHAHIT, "", 1)
    return None


def sara_am_clones(font, clones: Clones, cl, gids, cluster_end, item_offset, utf8_text, known_texts, width_of) -> dict[int, int]:
    """Glyph index → clone id for the glyphs of the run's sara-am clusters (see the module's
    docstring). A cluster is only changed when it holds as many nikhahit glyphs and as many
    sara aa glyphs as it has ำ and no lone ํ or า, so that nothing else is ever re-mapped.
    ``width_of(glyph id)`` gives a glyph's width in the font's units of 1/1000 em."""
    replaced: dict[int, int] = {}
    # Only the clusters holding a ำ (found in the run's bytes, not glyph by glyph).
    starts = list(cluster_end)  # sorted: built from the sorted cluster starts
    run_end = item_offset + cluster_end[starts[-1]]
    wanted = set()
    position = utf8_text.find(SARA_AM_UTF8, item_offset, run_end)
    while position >= 0:
        wanted.add(starts[bisect.bisect_right(starts, position - item_offset) - 1])
        position = utf8_text.find(SARA_AM_UTF8, position + 1, run_end)
    by_cluster: dict[int, list[int]] = {start: [] for start in sorted(wanted)}
    for index, start in enumerate(cl):
        if start in wanted:
            by_cluster[start].append(index)
    for start, indexes in by_cluster.items():
        text = utf8_text[item_offset + start : item_offset + cluster_end[start]].decode()
        count = text.count(SARA_AM)
        if not count or NIKHAHIT in text or SARA_AA in text:
            continue
        changes = {}
        for index in indexes:
            new_text = _sara_am_text(known_texts.get(gids[index]))
            if new_text is not None:
                changes[index] = new_text
        if list(changes.values()).count(SARA_AM) != count or len(changes) != 2 * count:
            continue
        for index, new_text in changes.items():
            glyph = gids[index]
            cid = clone_id(font, clones, glyph, new_text, width_of(glyph), known_texts[glyph])
            if cid is None:
                return {}
            replaced[index] = cid
    return replaced


def _cid_to_gid_map(clones: Clones) -> bytes:
    """The ``CIDToGIDMap`` stream data: identity below the font's glyph count, each clone's
    glyph above it, glyph 0 for ids no clone uses."""
    last = max(clones.glyph_of)
    gids = list(range(clones.glyph_count)) + [0] * (last + 1 - clones.glyph_count)
    for cid, glyph in clones.glyph_of.items():
        gids[cid] = glyph
    return struct.pack(f">{len(gids)}H", *gids)


def build_vector_font_dictionary(font_dictionary, pdf, font, widths, compress, reference, pdf_version):
    """WeasyPrint's ``_build_vector_font_dictionary``, with the ``CIDToGIDMap`` of the font's
    clones and the ``Identity-H`` encoding (missing characters are clones of ``.notdef``,
    not WeasyPrint's custom encoding CMap)."""
    clones = font.__dict__.get("thai_clones")
    if not clones or not clones.glyph_of:
        return stock_build_vector_font_dictionary(font_dictionary, pdf, font, widths, compress, reference, pdf_version)
    missing, font.missing = font.missing, {}
    try:
        stock_build_vector_font_dictionary(font_dictionary, pdf, font, widths, compress, reference, pdf_version)
    finally:
        font.missing = missing
    number = int(bytes(font_dictionary["DescendantFonts"][0]).split()[0])
    subfont = pdf.objects[number]
    gid_map = pydyf.Stream([_cid_to_gid_map(clones)], compress=compress)
    pdf.add_object(gid_map)
    subfont["CIDToGIDMap"] = gid_map.reference
    return None
