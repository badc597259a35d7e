"""Exact text extraction for complex scripts (Thai) in WeasyPrint 70 PDFs.

The bug
-------
``weasyprint.draw.text.draw_first_line`` fills each font's ToUnicode map (``font.to_unicode``)
from the *first* cluster a glyph is seen in, taking the text between this glyph's cluster
offset and the *next glyph's* offset. That is only right when glyphs and characters are one
to one. With Thai (and other scripts shaped by HarfBuzz) they are not:

- one cluster becomes several glyphs: HarfBuzz decomposes ำ (U+0E33) into ํ + า and moves ํ
  before a tone mark, so น้ำ is drawn as น ํ ้ า in ONE cluster. The first glyphs of the cluster
  get an empty mapping and the last one gets the whole cluster text — and since the map is
  per glyph, every later า in the document then extracts as "ำ" (สำนักงาน → สานักงาน or
  ส้ำนักง้ำน), and a tone mark seen first in a merged cluster maps to that cluster's text
  (กลุ่ม → กล่่ม, คุณธรรม → ค่ณธรรม);
- one glyph appears in several different clusters, so "the first cluster" is arbitrary;
- fonts substitute positional variants (lowered/left-shifted tone marks and vowels, ฐ/ญ
  without descender, ligatures such as ํ+่). Some fonts give those variants Private Use Area
  code points (U+F700–U+F71A) in their cmap, so a map built naively from the font yields PUA
  characters instead of Thai letters.

The fix (this module)
---------------------
1. The ToUnicode map of a font only holds what a glyph *unambiguously* stands for, derived
   from the font itself (:func:`glyph_texts`): its cmap (non-PUA code points preferred),
   else the GSUB single/alternate/ligature substitutions that produce it from glyphs already
   known (iterated to a fixed point; a glyph reachable from two different texts is
   ambiguous and left out), else the conventional Thai PUA table, else a ``uniXXXX`` glyph
   name. Only glyphs none of that explains fall back to WeasyPrint's old rule, and only when
   the glyph is alone in its cluster.
2. Where the glyphs of a cluster do not read back as the cluster's text (น ํ ้ า for น้ำ), the
   cluster's glyphs are wrapped in ``/Span << /ActualText (…) >> BDC … EMC`` marked content
   carrying the exact source text. Readers that honour ActualText (poppler's pdftotext,
   Acrobat, pdf.js) copy exactly what was typed; readers that don't (pypdf) read the glyph
   map, which is now right glyph by glyph (ํ + า, which composes back to ำ).

Nothing else changes: the same glyphs, positions and operators are written, only split into
more ``TJ`` operators around the marked content, so pages render identically.

Thai distributed justification (a second, separate fix)
-------------------------------------------------------
WeasyPrint justifies by widening spaces only; Thai puts spaces between phrases, not words,
so justified Thai lines get gaps of several em. Under ``--thai-justify: distribute`` (the
``.thai-distributed`` class of ``templates/reports/pdf/base.css``), :func:`justify_line`
spreads the extra width after every grapheme cluster of the line instead (never inside a
cluster, never after a space or the line's last cluster), up to :data:`MAX_GAP_EM` per gap;
:func:`draw_first_line` draws it with ``Tc`` character spacing, cancelled by a positive ``TJ``
adjustment after glyphs that are not the last of their grapheme (so marks stay on their
base), and wraps each run between spaces in one ActualText span, so that readers do not take
the spread for word gaps.

Speed
-----
The patched drawing costs about as much as stock WeasyPrint's (``bench/bench_pdf_text.py``):
Pango's glyph array is unpacked in one ``struct`` call per run (:func:`_glyph_records`)
instead of four cffi attribute reads per glyph; what a glyph writes (offset, id, kerning) and
its advance are computed once per font, size and geometry and then reused; the groups that
need ActualText are found per run by comprehension (:func:`_glyph_groups`), the read-back test
only runs for one-glyph groups; grapheme segmentation is cached per line text
(:func:`_graphemes`, shared by justification and drawing) and ActualText operators per text;
operators are appended to the stream as bytes. The output is byte for byte what the plain
version wrote.

The patch replaces ``weasyprint.draw.text.draw_first_line`` with a copy that differs only
in the blocks marked ``# THAI PATCH``, and ``weasyprint.layout.inline.justify_line`` with
:func:`justify_line`, which falls back to the original for other text. It refuses any WeasyPrint other than the exact
version it was written against (:data:`WEASYPRINT_VERSION`).
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import functools
import hashlib
import io
import itertools
import re
import struct
import threading
import typing
import unicodedata
from xml.etree import ElementTree

import weasyprint
from fontTools.ttLib import TTFont
from PIL import Image
from weasyprint.draw import text as draw_text_module
from weasyprint.formatting_structure import boxes
from weasyprint.images import RasterImage, SVGImage
from weasyprint.layout import inline as inline_module
from weasyprint.logger import LOGGER
from weasyprint.text.ffi import FROM_UNITS, TO_UNITS, ffi, pango
from weasyprint.text.fonts import get_hb_object_data
from weasyprint.text.line_break import get_last_word_end

__all__ = ["WEASYPRINT_VERSION", "clear_text_caches", "glyph_texts", "install", "installed", "uninstall"]

#: The only WeasyPrint version this patch was written and verified against.
WEASYPRINT_VERSION = "70.0"

# Conventional Thai PUA positional variants (Microsoft/Apple/WTT "Thai PUA"), U+F700–U+F71A.
THAI_PUA = {
    0xF700: "\u0e10",  # ฐ without descender
    0xF701: "\u0e34",  # sara i, left
    0xF702: "\u0e35",  # sara ii, left
    0xF703: "\u0e36",  # sara ue, left
    0xF704: "\u0e37",  # sara uee, left
    0xF705: "\u0e48",  # mai ek, low left
    0xF706: "\u0e49",  # mai tho, low left
    0xF707: "\u0e4a",  # mai tri, low left
    0xF708: "\u0e4b",  # mai chattawa, low left
    0xF709: "\u0e4c",  # thanthakhat, low left
    0xF70A: "\u0e48",  # mai ek, low
    0xF70B: "\u0e49",  # mai tho, low
    0xF70C: "\u0e4a",  # mai tri, low
    0xF70D: "\u0e4b",  # mai chattawa, low
    0xF70E: "\u0e4c",  # thanthakhat, low
    0xF70F: "\u0e0d",  # ญ without descender
    0xF710: "\u0e31",  # mai han-akat, left
    0xF711: "\u0e4d",  # nikhahit, left
    0xF712: "\u0e47",  # maitaikhu, left
    0xF713: "\u0e48",  # mai ek, left
    0xF714: "\u0e49",  # mai tho, left
    0xF715: "\u0e4a",  # mai tri, left
    0xF716: "\u0e4b",  # mai chattawa, left
    0xF717: "\u0e4c",  # thanthakhat, left
    0xF718: "\u0e38",  # sara u, low
    0xF719: "\u0e39",  # sara uu, low
    0xF71A: "\u0e3a",  # phinthu, low
}

_UNI_NAME_RE = re.compile(r"^uni((?:[0-9A-F]{4})+)(?:[._].*)?$")
_U_NAME_RE = re.compile(r"^u([0-9A-F]{4,6})(?:[._].*)?$")


def _is_pua(codepoint: int) -> bool:
    return 0xE000 <= codepoint <= 0xF8FF or 0xF0000 <= codepoint <= 0x10FFFD


def _text_from_glyph_name(name: str) -> str | None:
    if match := _UNI_NAME_RE.match(name):
        hexes = match.group(1)
        chars = [int(hexes[i : i + 4], 16) for i in range(0, len(hexes), 4)]
    elif match := _U_NAME_RE.match(name):
        chars = [int(match.group(1), 16)]
    else:
        return None
    if any(_is_pua(c) or 0xD800 <= c <= 0xDFFF for c in chars):
        return None
    return "".join(map(chr, chars))


def _gsub_edges(ttfont: TTFont):
    """Yield (source glyph names, output glyph name) for GSUB single, alternate, ligature."""
    if "GSUB" not in ttfont or ttfont["GSUB"].table.LookupList is None:
        return
    for lookup in ttfont["GSUB"].table.LookupList.Lookup:
        for subtable in lookup.SubTable:
            if lookup.LookupType == 7:  # extension
                subtable = subtable.ExtSubTable
            kind = subtable.LookupType
            if kind == 1:
                for source, target in subtable.mapping.items():
                    yield (source,), target
            elif kind == 3:
                for source, targets in subtable.alternates.items():
                    for target in targets:
                        yield (source,), target
            elif kind == 4:
                for first, ligatures in subtable.ligatures.items():
                    for ligature in ligatures:
                        yield (first, *ligature.Component), ligature.LigGlyph


def _compute_glyph_texts(font_bytes: bytes, index: int) -> dict[int, str]:
    ttfont = TTFont(io.BytesIO(font_bytes), fontNumber=index, lazy=True)
    order = ttfont.getGlyphOrder()
    by_name: dict[str, str] = {}
    pua_only: dict[str, int] = {}
    cmap = ttfont.getBestCmap() or {}
    for codepoint, name in sorted(cmap.items()):
        if _is_pua(codepoint):
            pua_only.setdefault(name, codepoint)
        elif name not in by_name:
            by_name[name] = chr(codepoint)
    for name in by_name:
        pua_only.pop(name, None)

    # GSUB closure: a glyph produced from known glyphs stands for their text, unless two
    # different texts produce it (then it is ambiguous and stays out of the map).
    edges = list(_gsub_edges(ttfont))
    ambiguous: set[str] = set()
    changed = True
    while changed:
        changed = False
        derived: dict[str, set[str]] = {}
        for sources, target in edges:
            if target in by_name or target in ambiguous:
                continue
            if all(source in by_name for source in sources):
                derived.setdefault(target, set()).add("".join(by_name[s] for s in sources))
        for target, texts in derived.items():
            if len({"".join(sorted(text)) for text in texts}) == 1:
                # One text, or the same marks in another order (the font ligates ํ+่ and
                # ่+ํ alike): the glyph name's order if it says, else a fixed choice.
                named = _text_from_glyph_name(target)
                by_name[target] = named if named in texts else min(texts)
            else:
                ambiguous.add(target)
            changed = True

    for name, codepoint in pua_only.items():
        if name not in by_name and codepoint in THAI_PUA:
            by_name[name] = THAI_PUA[codepoint]
    for name in order:
        if name not in by_name and name not in ambiguous and (text := _text_from_glyph_name(name)):
            by_name[name] = text
    ids = {name: gid for gid, name in enumerate(order)}
    return {ids[name]: text for name, text in by_name.items() if name in ids}


_cache: dict[tuple[str, int], dict[int, str]] = {}
_cache_lock = threading.Lock()


def glyph_texts(font) -> dict[int, str]:
    """Glyph id → the text it unambiguously stands for, for a WeasyPrint ``pdf.fonts.Font``."""
    texts = getattr(font, "_thai_glyph_texts", None)
    if texts is None:
        key = (hashlib.sha256(font.file_content).hexdigest(), font.index)
        with _cache_lock:
            texts = _cache.get(key)
        if texts is None:
            texts = _compute_glyph_texts(font.file_content, font.index)
            with _cache_lock:
                _cache[key] = texts
        font._thai_glyph_texts = texts
    return texts


# Characters that extend the grapheme cluster before them: combining marks (Mn, Mc, Me), ZWNJ,
# ZWJ, and the Grapheme_Cluster_Break=SpacingMark letters that matter here (Thai sara am, Lao am).
_EXTEND = (
    "".join(chr(c) for c in range(0x300, 0x10000) if unicodedata.category(chr(c)) in ("Mn", "Mc", "Me"))
    + "\u200c\u200d\u0e33\u0eb3"
)
_EXTEND_SET = frozenset(_EXTEND)
_GRAPHEME_RE = re.compile(f"(?:[^{re.escape(_EXTEND)}]|^)[{re.escape(_EXTEND)}]*", re.S)


def grapheme_count(text: str) -> int:
    """Number of grapheme clusters in ``text`` (a base character with all its marks is one)."""
    return sum(1 for part in _GRAPHEME_RE.findall(text) if part)


# What ``bytes.strip()`` removes: a grapheme of these only is blank (gets no justification gap).
_BLANK = " \t\n\r\x0b\x0c"
_SPACE_BYTE_RE = re.compile(rb"[ \t\n\r\x0b\x0c]")


class _Graphemes(typing.NamedTuple):
    """The grapheme clusters of a text, as UTF-8 byte offsets."""

    parts: typing.Sequence[str]  # the graphemes (the text itself when it is ASCII)
    ends: tuple[int, ...]  # where each grapheme ends
    starts: frozenset[int]  # where each starts, with 0 and the text's end

    def blank_count(self) -> int:
        """Graphemes that are a lone whitespace character (a grapheme is a base and its marks)."""
        return sum(map(self.parts.count, _BLANK))

    def nonblank_ends(self) -> list[int]:
        """Where each grapheme that is not blank ends."""
        return [end for end, part in zip(self.ends, self.parts, strict=True) if part not in _BLANK]


@functools.lru_cache(maxsize=4096)
def _graphemes(text: str) -> _Graphemes:
    """The grapheme clusters of ``text``. Cached: justification and drawing ask for the same
    line texts."""
    if text.isascii():
        ends = tuple(range(1, len(text) + 1))
        return _Graphemes(text, ends, frozenset((0, *ends)))
    parts = list(filter(None, _GRAPHEME_RE.findall(text)))
    ends = tuple(itertools.accumulate(map(len, map(str.encode, parts))))
    return _Graphemes(parts, ends, frozenset((0, *ends)))


@functools.lru_cache(maxsize=16384)
def _actual_text_operator(text: str) -> bytes:
    """``/Span <</ActualText (text)>> BDC`` (what ``begin_marked_content`` writes with a
    ``pydyf.Dictionary``, without its cost for every cluster; the same words recur, so the
    operator is built once per text)."""
    data = codecs.BOM_UTF16_BE + unicodedata.normalize("NFC", text).encode("utf-16-be")
    return b"/Span <</ActualText <" + data.hex().encode() + b">>> BDC"


_EMPTY = pango.PANGO_GLYPH_EMPTY
_UNKNOWN = pango.PANGO_GLYPH_UNKNOWN_FLAG
_GLYPH_INFO_SIZE = ffi.sizeof("PangoGlyphInfo")
# A PangoGlyphInfo as WeasyPrint 70's cdef lays it out: glyph id, width, x offset, y offset
# (32-bit integers), then the 32-bit attr bit field, which drawing does not use.
_GLYPH_INFO = struct.Struct("=Iiii4x")
if _GLYPH_INFO_SIZE != _GLYPH_INFO.size or [
    ffi.offsetof("PangoGlyphInfo", *path)
    for path in (("glyph",), ("geometry", "width"), ("geometry", "x_offset"), ("geometry", "y_offset"))
] != [0, 4, 8, 12]:  # pragma: no cover - guarded by WEASYPRINT_VERSION
    raise ImportError("reports.pdf.weasyprint_thai: unexpected PangoGlyphInfo layout in WeasyPrint's cffi definitions")


def _glyph_records(glyphs_info, num_glyphs: int) -> list[tuple[int, int, int, int]]:
    """(glyph id, width, x offset, y offset) of ``num_glyphs`` ``PangoGlyphInfo``, unpacked
    from the C array in one call instead of four cffi attribute reads per glyph."""
    if not num_glyphs:
        return []
    return list(_GLYPH_INFO.iter_unpack(ffi.buffer(glyphs_info, num_glyphs * _GLYPH_INFO_SIZE)))


def _glyph_groups(cl, gids, cluster_end, item_offset, utf8_text, grapheme_starts, space_starts, rtl, to_unicode, known_texts):
    """Split a glyph run into the groups drawn together: (first glyph index, last glyph index,
    ActualText of the group or None when its glyphs read back as its text, whether the group
    has exactly one visible glyph).

    A group is a cluster, extended by the following clusters up to the next grapheme start:
    Pango may give a Thai tone mark or ำ its own cluster, and a span must start on a base
    glyph drawn on the baseline. On justified lines a group runs on to the next space, so
    that readers do not take the spread between graphemes for word gaps: there
    ``space_starts`` holds the grapheme starts next to an ASCII whitespace byte (else None)."""
    num_glyphs = len(cl)
    # First glyph of each group (cluster starts that begin a grapheme, and on justified lines
    # follow or are a space).
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
    groups = []
    i = 0
    for following in (*firsts, num_glyphs):
        j = following - 1
        span = None
        if i == j:
            g = gids[i]
            visible = g != _EMPTY
            if visible:
                start = cl[i]
                cluster_text = utf8_text[item_offset + start : item_offset + cluster_end[start]].decode()
                if cluster_text.strip():
                    read_back = chr(g - _UNKNOWN) if g & _UNKNOWN else to_unicode.get(g, known_texts.get(g, cluster_text))
                    if read_back != cluster_text and unicodedata.normalize("NFC", read_back) != unicodedata.normalize(
                        "NFC", cluster_text
                    ):
                        span = cluster_text
        else:
            glyphs = gids[i:following]
            visible = len(glyphs) - glyphs.count(_EMPTY)
            if visible:
                cluster_text = utf8_text[item_offset + cl[i] : item_offset + cluster_end[cl[j]]].decode()
                if cluster_text.strip():
                    if visible > 1:
                        # Several glyphs in one grapheme (a base and its marks, drawn with zero
                        # advance or a text rise) are not read back in order by poppler
                        # (ผู้อ → ผูอ ้ …): such clusters carry ActualText too.
                        span = cluster_text
                    else:
                        g = next(g for g in glyphs if g != _EMPTY)
                        read_back = chr(g - _UNKNOWN) if g & _UNKNOWN else to_unicode.get(g, known_texts.get(g, cluster_text))
                        if read_back != cluster_text and unicodedata.normalize("NFC", read_back) != unicodedata.normalize(
                            "NFC", cluster_text
                        ):
                            span = cluster_text
        groups.append((i, j, span, visible == 1))
        i = following
    return groups


def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
    """Draw the given ``textbox`` line to the document ``stream``.

    Copy of WeasyPrint 70.0 ``weasyprint.draw.text.draw_first_line``; changes are marked
    ``# THAI PATCH``.
    """
    # Don’t draw lines with only invisible characters.
    if not textbox.text.strip():
        return []

    if textbox.style["font_size"] < 1e-6:  # default float precision used by pydyf
        return []

    pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)

    if text_overflow == "ellipsis" or block_ellipsis != "none":
        assert textbox.pango_layout.max_width is not None
        max_width = textbox.pango_layout.max_width
        pango.pango_layout_set_width(textbox.pango_layout.layout, int(max_width * TO_UNITS))
        if text_overflow == "ellipsis":
            pango.pango_layout_set_ellipsize(textbox.pango_layout.layout, pango.PANGO_ELLIPSIZE_END)
        else:
            if block_ellipsis == "auto":
                ellipsis = "…"
            else:
                assert block_ellipsis[0] == "string"
                ellipsis = block_ellipsis[1]

            # Remove last word if hyphenated.
            new_text = textbox.pango_layout.text
            if new_text.endswith(textbox.style["hyphenate_character"]):
                last_word_end = get_last_word_end(new_text[: -len(textbox.style["hyphenate_character"])], textbox.style["lang"])
                if last_word_end:
                    new_text = new_text[:last_word_end]

            textbox.pango_layout.set_text(new_text + ellipsis)

    first_line, index = textbox.pango_layout.get_first_line()

    if block_ellipsis != "none":
        while index:
            last_word_end = get_last_word_end(textbox.pango_layout.text[: -len(ellipsis)], textbox.style["lang"])
            if last_word_end is None:
                break
            new_text = textbox.pango_layout.text[:last_word_end]
            textbox.pango_layout.set_text(new_text + ellipsis)
            first_line, index = textbox.pango_layout.get_first_line()

    stream.set_text_matrix(*matrix.values)
    previous_pango_font = None
    string = ""
    x_advance = 0
    emojis = []
    run = first_line.runs[0]
    # THAI PATCH (speed): operators go straight into the stream's list, as the bytes pydyf's
    # show_text / end_marked_content would append.
    append = stream.stream.append
    # THAI PATCH: the layout text is needed for every cluster, not only for new glyphs.
    utf8_text = textbox.pango_layout.text.encode()
    # THAI PATCH: Thai distributed justification (see justify_line below). The extra space
    # of the line goes after every grapheme cluster except spaces and the line's last one;
    # it is drawn with Tc (character spacing), cancelled by a positive TJ adjustment after
    # glyphs that are not the last of a grapheme, so text extractors don't see word gaps.
    # Byte offsets where a grapheme cluster starts, on this line only (the layout text may hold
    # the rest of the paragraph).
    line_end = first_line.start_index + first_line.length
    layout_text = textbox.pango_layout.text
    line_text = layout_text if line_end == len(utf8_text) else utf8_text[:line_end].decode(errors="ignore")
    grapheme_starts = _graphemes(line_text).starts
    spacing = getattr(textbox, "thai_grapheme_spacing", 0)
    gap_ends = []
    space_starts = None
    if spacing:
        box_bytes = textbox.text.encode()
        if not utf8_text.startswith(box_bytes):
            spacing = 0
        else:
            # The ends of the box's non-blank graphemes, but the last one at the line's end.
            gap_ends = _graphemes(textbox.text).nonblank_ends()
            # Grapheme starts just before or after an ASCII whitespace byte (what bytes.isspace
            # tests), where the ActualText groups of a justified line may end.
            space_starts = grapheme_starts.intersection(
                offset for match in _SPACE_BYTE_RE.finditer(utf8_text) for offset in (match.start(), match.end())
            )
            if textbox.thai_gapless_end and gap_ends and gap_ends[-1] == len(box_bytes):
                gap_ends.pop()
            append(f"{spacing:f} Tc".encode())
    while run != ffi.NULL:
        # Get Pango objects.
        glyph_item = run.data
        run = run.next
        glyph_string = glyph_item.glyphs
        num_glyphs = glyph_string.num_glyphs
        item = glyph_item.item

        pango_font = item.analysis.font
        if pango_font != previous_pango_font:
            # Add font file content and get font size.
            previous_pango_font = pango_font
            font, font_size = stream.add_font(pango_font)

            # Workaround for https://gitlab.gnome.org/GNOME/pango/-/issues/530.
            # This is also needed by raster emoji fonts, see #2800.
            if pango.pango_version() < 14802 or font.png:
                font_size = textbox.style["font_size"]

            # Go through the run glyphs.
            if string:
                append(b"[" + string.encode() + b"] TJ")
            string = ""
            stream.set_font_size(font.hash, 1 if font.bitmap else font_size)
            # THAI PATCH (speed): per-font data looked up once per font change, not per glyph.
            to_unicode = font.to_unicode
            font_widths = font.widths
            known_texts = {} if font.bitmap else glyph_texts(font)
            bitmap = font.bitmap
            color_glyphs = font.svg or font.png or font.colr
            # What a glyph with given id, width and x offset writes (offset, id, kerning) and
            # how far it advances, once it is in the font's maps: computed once per font and
            # size, not for every glyph drawn (pango fonts of several sizes share a Font).
            font_pieces = font.__dict__.setdefault("thai_glyph_pieces", {})
        pieces = font_pieces.get(font_size)
        if pieces is None:
            pieces = font_pieces[font_size] = {}

        # THAI PATCH: cluster boundaries and the text each glyph unambiguously stands for;
        # the glyphs' ids and geometry read from Pango's array in one go (see _glyph_records).
        item_offset = item.offset
        cl = ffi.unpack(glyph_string.log_clusters, num_glyphs)
        keys = _glyph_records(glyph_string.glyphs, num_glyphs)
        gids = [key[0] for key in keys]
        starts = sorted(set(cl))
        cluster_end = dict(zip(starts, [*starts[1:], item.length], strict=True))
        groups = _glyph_groups(
            cl,
            gids,
            cluster_end,
            item_offset,
            utf8_text,
            grapheme_starts,
            space_starts,
            item.analysis.level % 2,
            to_unicode,
            known_texts,
        )
        if spacing:
            unit = spacing / font_size * 1000

        string += "<"
        for first, last, span, alone in groups:
            # THAI PATCH: the ActualText span of a group whose glyphs don't read back.
            if span is not None:
                string = string[:-1] if string[-1] == "<" else string + ">"
                if string:
                    append(b"[" + string.encode() + b"] TJ")
                string = "<"
                append(_actual_text_operator(span))

            for i in range(first, last + 1):
                # THAI PATCH: TJ adjustment after each glyph for distributed justification.
                if spacing:
                    if i + 1 < num_glyphs and cl[i + 1] == cl[i]:
                        gaps = 0
                    else:
                        low = item_offset + cl[i]
                        high = item_offset + cluster_end[cl[i]]
                        gaps = bisect.bisect_right(gap_ends, high) - bisect.bisect_right(gap_ends, low)

                # THAI PATCH (speed): a glyph drawn before with the same geometry (see pieces).
                piece = pieces.get(keys[i])
                if piece is not None:
                    string += piece[0]
                    if spacing:
                        adjust = -(gaps - 1) * unit
                        if adjust:
                            string += f">{adjust}<"
                        x_advance += spacing / font_size - adjust / 1000
                    x_advance += piece[1]
                    continue

                glyph_id, width, x_offset, y_offset = keys[i]

                # Display zero-width empty glyph.
                if glyph_id == _EMPTY:
                    string += f">{-width / font_size}<"
                    if spacing:  # THAI PATCH: justification
                        adjust = -gaps * unit  # no glyph drawn, so no Tc
                        if adjust:
                            string += f">{adjust}<"
                            x_advance -= adjust / 1000
                    continue

                # Display .notdef and log warning for missing glyphs.
                if glyph_id & _UNKNOWN:
                    codepoint = glyph_id - _UNKNOWN
                    LOGGER.warning(
                        '.notdef glyph rendered for Unicode string unsupported by fonts: "%s" (U+%04X)',
                        chr(codepoint),
                        codepoint,
                    )
                    glyph_id = font.get_unused_glyph_id(codepoint)
                    font_widths[glyph_id] = round(width * 1000 * FROM_UNITS / font_size)
                    if 0 not in font_widths:
                        # "width" is actually Pango’s get_approximate_char_width. Force
                        # .notdef’s to use this width, even if it’s not the right, as we
                        # want to keep Pango’s layout for next glyphs.
                        font_widths[0] = font_widths[glyph_id]
                    # THAI PATCH: a missing glyph stands for its own code point.
                    to_unicode.setdefault(glyph_id, chr(codepoint))

                # THAI PATCH: map glyphs to what they unambiguously stand for (see module doc).
                if glyph_id not in to_unicode:
                    if glyph_id in known_texts:
                        to_unicode[glyph_id] = known_texts[glyph_id]
                    elif alone:
                        # Alone in its cluster: WeasyPrint's rule (the cluster's text).
                        start = cl[i]
                        to_unicode[glyph_id] = utf8_text[item_offset + start : item_offset + cluster_end[start]].decode()
                    else:
                        # Unknown glyph among others: no text of its own (the cluster's
                        # ActualText carries it). It must stay in the map, which also lists the
                        # glyphs kept when the font is subset.
                        to_unicode[glyph_id] = ""

                # Set horizontal and vertical offsets.
                offset = x_offset / font_size
                rise = y_offset / 1000
                if rise:
                    if string[-1] == "<":
                        string = string[:-1]
                    else:
                        string += ">"
                    if string:
                        append(b"[" + string.encode() + b"] TJ")
                    stream.set_text_rise(-rise)
                    string = ""
                    if offset:
                        string = f"{-offset}"
                    string += f"<{glyph_id:02x}>" if bitmap else f"<{glyph_id:04x}>"
                    append(b"[" + string.encode() + b"] TJ")
                    stream.set_text_rise(0)
                    string = "<"
                else:
                    piece_start = len(string)
                    if offset:
                        string += f">{-offset}<"
                    string += f"{glyph_id:02x}" if bitmap else f"{glyph_id:04x}"

                # Get glyph logical widths.
                logical_width = font_widths.get(glyph_id)
                if logical_width is None:
                    pango.pango_font_get_glyph_extents(pango_font, glyph_id, stream.ink_rect, stream.logical_rect)
                    logical_width = font_widths[glyph_id] = round(stream.logical_rect.width * 1000 * FROM_UNITS / font_size)

                # Set kerning, word spacing, letter spacing.
                kerning = logical_width + offset - width * 1000 * FROM_UNITS / font_size
                if kerning:
                    string += f">{int(kerning)}<"
                advance = (logical_width + offset - kerning) / 1000
                if not rise and not color_glyphs and gids[i] == glyph_id:
                    # THAI PATCH (speed): remember it (a glyph id changed for .notdef is not).
                    pieces[keys[i]] = (string[piece_start:], advance)
                if spacing:  # THAI PATCH: justification
                    adjust = -(gaps - 1) * unit
                    if adjust:
                        string += f">{adjust}<"
                    x_advance += spacing / font_size - adjust / 1000

                # Create list of emojis.
                if color_glyphs:
                    _color_glyph(
                        emojis, stream, textbox, font, font_size, pango_font, glyph_id, logical_width, kerning, x_advance
                    )

                x_advance += advance

            # THAI PATCH: close the ActualText span after the group's last glyph.
            if span is not None:
                string = string[:-1] if string[-1] == "<" else string + ">"
                if string:
                    append(b"[" + string.encode() + b"] TJ")
                string = "<"
                append(b"EMC")

        # Close the last glyphs list, remove if empty.
        if string[-1] == "<":
            string = string[:-1]
        else:
            string += ">"

    # Draw text.
    # THAI PATCH: the last operator may now be empty (a span closed the list).
    if string:
        append(b"[" + string.encode() + b"] TJ")
    if spacing:
        append(b"0 Tc")

    return emojis


def _color_glyph(emojis, stream, textbox, font, font_size, pango_font, glyph_id, logical_width, kerning, x_advance):
    """WeasyPrint 70.0's emoji block of ``draw_first_line``, unchanged (moved out of the loop)."""
    if font.svg:
        svg_data = get_hb_object_data(font.hb_face, "svg", glyph_id)
        if svg_data:
            # Do as explained in specification
            # https://learn.microsoft.com/typography/opentype/spec/svg
            tree = ElementTree.fromstring(svg_data)  # noqa: S314 - as upstream; our own fonts
            if tree.get("id") != f"glyph{glyph_id}":
                defs = ElementTree.Element("defs")
                for child in list(tree):
                    defs.append(child)
                    tree.remove(child)
                tree.append(defs)
                ElementTree.SubElement(tree, "use", attrib={"href": f"#glyph{glyph_id}"})
            if "viewBox" not in tree.attrib:
                tree.attrib["viewBox"] = f"0 0 {font.upem} {font.upem}"
            image = SVGImage(tree, None, None, None)
            a = d = 1
            emojis.append([image, font, a, d, x_advance, 0])
    elif font.png:
        png_data = get_hb_object_data(font.hb_font, "png", glyph_id)
        if png_data:
            pillow_image = Image.open(io.BytesIO(png_data))
            image_id = f"{font.hash}{glyph_id}"
            image = RasterImage(pillow_image, image_id, png_data)
            d = logical_width / 1000
            a = pillow_image.width / pillow_image.height * d
            pango.pango_font_get_glyph_extents(pango_font, glyph_id, stream.ink_rect, stream.logical_rect)
            f = -stream.logical_rect.y
            f = f * FROM_UNITS / font_size - font_size
            emojis.append([image, font, a, d, x_advance, f])
    elif font.colr:
        svg_data = get_hb_object_data(font.hb_font, "colr", glyph_id)
        if svg_data:
            tree = ElementTree.fromstring(svg_data)  # noqa: S314 - as upstream; our own fonts
            image = SVGImage(tree, None, None, None)
            a = d = 1
            e = x_advance - kerning
            emojis.append([image, font, a, d, e, -textbox.baseline])


#: Widest extra space allowed between two grapheme clusters of a justified line, in em. A line
#: that would need more stays left-aligned.
MAX_GAP_EM = 0.5


def _is_distributed(style) -> bool:
    """``--thai-justify: distribute`` (inherited custom property) asks for Thai distribution."""
    tokens = style["__thai_justify"] or ()
    return any(getattr(token, "value", None) == "distribute" for token in tokens)


def _gaps_in(text: str, *, line_last: bool) -> int:
    """Gaps after the graphemes of ``text``: none after a space, none at the line's end."""
    graphemes = _graphemes(text)
    gaps = len(graphemes.ends) - graphemes.blank_count()
    return gaps - 1 if line_last and gaps and graphemes.parts[-1] not in _BLANK else gaps


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
        gaps = _gaps_in(box.text, line_last=box is last)
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
    "Thai Distributed". A line that would need more than :data:`MAX_GAP_EM` per gap stays
    left-aligned; right-to-left lines keep WeasyPrint's behaviour.
    """
    if _is_distributed(line.style) and line.style["direction"] == "ltr":
        leaves = list(_in_flow_leaves(line))
        if not leaves:
            return
        last = leaves[-1]
        gaps = sum(
            _gaps_in(leaf.text, line_last=leaf is last) if isinstance(leaf, boxes.TextBox) else int(leaf is not last)
            for leaf in leaves
        )
        if gaps and extra_width > 0 and extra_width / gaps <= MAX_GAP_EM * line.style["font_size"]:
            _add_grapheme_spacing(line, extra_width / gaps, 0, last)
        return
    return _original_justify_line(context, line, extra_width)


_original = None
_original_justify_line = None
_install_lock = threading.Lock()


class UnsupportedWeasyPrintVersion(RuntimeError):
    """The installed WeasyPrint is not the version this patch was verified against."""


_suspended = False


def install() -> None:
    """Patch WeasyPrint (idempotent). Refuses loudly on any version but :data:`WEASYPRINT_VERSION`."""
    global _original, _original_justify_line
    if _suspended:
        return
    if weasyprint.__version__ != WEASYPRINT_VERSION:
        raise UnsupportedWeasyPrintVersion(
            f"reports.pdf.weasyprint_thai patches WeasyPrint {WEASYPRINT_VERSION} only, "
            f"found {weasyprint.__version__}: re-check the patch against the new draw_first_line "
            "(or drop it if upstream fixed ToUnicode/ActualText for Thai) and update WEASYPRINT_VERSION."
        )
    with _install_lock:
        if _original is None:
            _original = draw_text_module.draw_first_line
            _original_justify_line = inline_module.justify_line
            draw_text_module.draw_first_line = draw_first_line
            inline_module.justify_line = justify_line


def uninstall() -> None:
    """Restore WeasyPrint's own ``draw_first_line`` (used to compare with stock output)."""
    global _original, _original_justify_line
    with _install_lock:
        if _original is not None:
            draw_text_module.draw_first_line = _original
            inline_module.justify_line = _original_justify_line
            _original = _original_justify_line = None


@contextlib.contextmanager
def suspended():
    """Stock WeasyPrint inside this block, even if :func:`install` is called (comparisons in
    tests and the bench; not thread-safe)."""
    global _suspended
    was_installed = installed()
    uninstall()
    _suspended = True
    try:
        yield
    finally:
        _suspended = False
        if was_installed:
            install()


def clear_text_caches() -> None:
    """Forget the per-text caches (graphemes of line texts, ActualText operators), so that a
    benchmark times a render as if it were the first one of these texts."""
    _graphemes.cache_clear()
    _actual_text_operator.cache_clear()


def installed() -> bool:
    return _original is not None
