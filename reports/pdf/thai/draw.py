"""The copy of WeasyPrint 70.0's ``draw_first_line``, patched for Thai and split into its steps.

Upstream draws a line in one 200-line function; this copy keeps its operators and their order
exactly and differs only in the blocks marked ``# THAI PATCH`` (see :mod:`reports.pdf.thai`):
the ToUnicode map from :func:`~reports.pdf.thai.tounicode.glyph_texts`, ActualText spans around
the groups of :func:`~reports.pdf.thai.glyphs.glyph_groups`, the ``TJ`` spacing of
distributed justification, and caches that make it as fast as stock WeasyPrint.

The steps, in drawing order:

1. :func:`~reports.pdf.thai.upstream.first_line_of` — the layout's first line, ellipsized as
   asked (upstream, unchanged);
2. :func:`_line_of` — what every run of the line shares: its text, grapheme starts and the
   justification it was given;
3. :func:`_face_of` — on each change of font: the font, its size and its maps;
4. :func:`_draw_run` — one run's glyphs, group by group, glyphs drawn before written again
   from the cache;
5. :func:`_draw_new_glyph` — a glyph not drawn before at this size and geometry (its map entry
   by :func:`_map_glyph`, a raised glyph by :func:`_draw_raised`, colour glyphs by
   :func:`~reports.pdf.thai.upstream.color_glyph`).
"""

from __future__ import annotations

import bisect
import typing

from weasyprint.logger import LOGGER
from weasyprint.text.ffi import FROM_UNITS, ffi, pango

from .clones import SARA_AM_UTF8, Clones, clone_id, clones_of, sara_am_clones
from .glyphs import EMPTY, UNKNOWN, actual_text_operator, glyph_groups, glyph_records
from .graphemes import SPACE_BYTE_RE, graphemes
from .graphemes import gap_ends as graphemes_gap_ends
from .tounicode import glyph_texts
from .upstream import color_glyph, first_line_of

__all__ = ["draw_first_line"]


def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
    """Draw the given ``textbox`` line to the document ``stream``.

    Copy of WeasyPrint 70.0 ``weasyprint.draw.text.draw_first_line`` in named steps (see the
    module's docstring); changes are marked ``# THAI PATCH``.
    """
    # Don’t draw lines with only invisible characters.
    if not textbox.text.strip():
        return []

    if textbox.style["font_size"] < 1e-6:  # default float precision used by pydyf
        return []

    first_line = first_line_of(textbox, text_overflow, block_ellipsis)

    stream.set_text_matrix(*matrix.values)
    string = ""
    x_advance = 0
    emojis = []
    line = _line_of(stream, textbox, first_line)
    face = None
    run = first_line.runs[0]
    while run != ffi.NULL:
        # Get Pango objects.
        glyph_item = run.data
        run = run.next
        pango_font = glyph_item.item.analysis.font
        if face is None or pango_font != face.pango_font:
            face = _face_of(stream, textbox, pango_font)
            # Go through the run glyphs.
            if string:
                line.append(b"[" + string.encode() + b"] TJ")
            string = ""
            stream.set_font_size(face.font.hash, 1 if face.bitmap else face.font_size)
        string, x_advance = _draw_run(line, face, glyph_item, string, x_advance, emojis)

    # Draw text.
    # THAI PATCH: the last operator may now be empty (a span closed the list).
    if string:
        line.append(b"[" + string.encode() + b"] TJ")

    return emojis


class _Line(typing.NamedTuple):
    """THAI PATCH: what every run of one line needs."""

    stream: typing.Any
    textbox: typing.Any
    # THAI PATCH (speed): operators go straight into the stream's list, as the bytes pydyf's
    # show_text / end_marked_content would append.
    append: typing.Callable[[bytes], None]
    # The layout text is needed for every cluster, not only for new glyphs.
    utf8_text: bytes
    # Byte offsets where a grapheme cluster starts, on this line only (the layout text may
    # hold the rest of the paragraph).
    grapheme_starts: frozenset[int]
    # Distributed justification: the gap of the line (0 when it is not spread), where its gaps
    # end, and the grapheme starts next to a space where ActualText groups may end (or None).
    spacing: float
    gap_ends: list[int]
    space_starts: frozenset[int] | None


def _line_of(stream, textbox, first_line) -> _Line:
    """THAI PATCH: the line's text, graphemes and justification.

    Thai distributed justification (see :mod:`reports.pdf.thai.justify`): the extra space of
    the line goes after every grapheme cluster except spaces and the line's last one; it is
    drawn as a TJ adjustment after the last glyph of each grapheme. Not with Tc (character
    spacing) cancelled after the other glyphs: pdf.js adds Tc to every TJ adjustment as well,
    so the offsets of the marks looked like word gaps to it ("ส่ วน", "พื้ นที่").
    """
    append = stream.stream.append
    utf8_text = textbox.pango_layout.text.encode()
    line_end = first_line.start_index + first_line.length
    layout_text = textbox.pango_layout.text
    line_text = layout_text if line_end == len(utf8_text) else utf8_text[:line_end].decode(errors="ignore")
    grapheme_starts = graphemes(line_text).starts
    spacing = getattr(textbox, "thai_grapheme_spacing", 0)
    gap_ends = []
    space_starts = None
    if spacing:
        box_bytes = textbox.text.encode()
        if not utf8_text.startswith(box_bytes):
            spacing = 0
        else:
            # Where the box's gaps go (not after blanks, not inside Latin runs), but none at the
            # line's end.
            gap_ends = list(graphemes_gap_ends(textbox.text))
            # Grapheme starts just before or after an ASCII whitespace byte (what bytes.isspace
            # tests), where the ActualText groups of a justified line may end.
            space_starts = grapheme_starts.intersection(
                offset for match in SPACE_BYTE_RE.finditer(utf8_text) for offset in (match.start(), match.end())
            )
            if textbox.thai_gapless_end and gap_ends and gap_ends[-1] == len(box_bytes):
                gap_ends.pop()
    return _Line(stream, textbox, append, utf8_text, grapheme_starts, spacing, gap_ends, space_starts)


class _Face(typing.NamedTuple):
    """One font of the line at one size, with what its glyphs are looked up in."""

    pango_font: typing.Any
    font: typing.Any
    font_size: float
    # THAI PATCH (speed): per-font data looked up once per font change, not per glyph.
    to_unicode: dict[int, str]
    font_widths: dict[int, int]
    known_texts: dict[int, str]
    bitmap: bool
    color_glyphs: typing.Any
    # What a glyph with given id, width and x offset writes (offset, id, kerning) and how far it
    # advances, once it is in the font's maps: computed once per font and size, not for every
    # glyph drawn (pango fonts of several sizes share a Font).
    pieces: dict[tuple[int, int, int, int], tuple[str, float]]
    # THAI PATCH: the font's glyph clones (see reports.pdf.thai.clones), None if it has none.
    clones: Clones | None


def _face_of(stream, textbox, pango_font) -> _Face:
    """Add the font file content to the document and get the font size (WeasyPrint's), and
    gather the font's maps (THAI PATCH)."""
    font, font_size = stream.add_font(pango_font)

    # Workaround for https://gitlab.gnome.org/GNOME/pango/-/issues/530.
    # This is also needed by raster emoji fonts, see #2800.
    if pango.pango_version() < 14802 or font.png:
        font_size = textbox.style["font_size"]

    font_pieces = font.__dict__.setdefault("thai_glyph_pieces", {})
    pieces = font_pieces.get(font_size)
    if pieces is None:
        pieces = font_pieces[font_size] = {}
    return _Face(
        pango_font,
        font,
        font_size,
        font.to_unicode,
        font.widths,
        {} if font.bitmap else glyph_texts(font),
        font.bitmap,
        font.svg or font.png or font.colr,
        pieces,
        clones_of(font),
    )


def _logical_width(stream, face: _Face, glyph_id: int) -> int:
    """The glyph's advance in 1/1000 em, as WeasyPrint computes it (cached in the font's widths)."""
    width = face.font_widths.get(glyph_id)
    if width is None:
        pango.pango_font_get_glyph_extents(face.pango_font, glyph_id, stream.ink_rect, stream.logical_rect)
        width = face.font_widths[glyph_id] = round(stream.logical_rect.width * 1000 * FROM_UNITS / face.font_size)
    return width


class _Run(typing.NamedTuple):
    """THAI PATCH: one run's cluster boundaries and glyphs, read from Pango's arrays in one go."""

    item_offset: int
    cl: list[int]  # the run's log clusters
    keys: list[tuple[int, int, int, int]]  # glyph id, width, x offset, y offset (see glyph_records)
    gids: list[int]
    cluster_end: dict[int, int]


def _flush_list(append, string: str) -> str:
    """Close the open glyph list (dropped when empty), write it, and open a new one."""
    string = string[:-1] if string[-1] == "<" else string + ">"
    if string:
        append(b"[" + string.encode() + b"] TJ")
    return "<"


def _draw_run(line: _Line, face: _Face, glyph_item, string: str, x_advance: float, emojis: list) -> tuple[str, float]:
    """Draw one run's glyphs group by group; returns the open glyph list and the advance.

    A glyph drawn before at this size and with the same geometry is written from
    ``face.pieces`` here (the hot path, kept inline); others go to :func:`_draw_new_glyph`.
    """
    glyph_string = glyph_item.glyphs
    num_glyphs = glyph_string.num_glyphs
    item = glyph_item.item

    # THAI PATCH: cluster boundaries and the text each glyph unambiguously stands for;
    # the glyphs' ids and geometry read from Pango's array in one go (see glyph_records).
    item_offset = item.offset
    cl = ffi.unpack(glyph_string.log_clusters, num_glyphs)
    keys = glyph_records(glyph_string.glyphs, num_glyphs)
    gids = [key[0] for key in keys]
    starts = sorted(set(cl))
    cluster_end = dict(zip(starts, [*starts[1:], item.length], strict=True))
    if face.clones is not None and SARA_AM_UTF8 in line.utf8_text[item_offset : item_offset + item.length]:
        # THAI PATCH: the glyphs of ำ drawn as clones that read back as ำ (see clones).
        replaced = sara_am_clones(
            face.font,
            face.clones,
            cl,
            gids,
            cluster_end,
            item_offset,
            line.utf8_text,
            face.known_texts,
            lambda glyph: _logical_width(line.stream, face, glyph),
        )
        for index, cid in replaced.items():
            gids[index] = cid
            keys[index] = (cid, *keys[index][1:])
    groups = glyph_groups(
        cl,
        gids,
        cluster_end,
        item_offset,
        line.utf8_text,
        line.grapheme_starts,
        line.space_starts,
        item.analysis.level % 2,
        face.to_unicode,
        face.known_texts,
    )
    run = _Run(item_offset, cl, keys, gids, cluster_end)
    append, spacing, gap_ends = line.append, line.spacing, line.gap_ends
    font_size, pieces = face.font_size, face.pieces
    unit = spacing / font_size * 1000 if spacing else 0
    gaps = 0

    string += "<"
    for first, last, span, alone in groups:
        # THAI PATCH: the ActualText span of a group whose glyphs don't read back.
        if span is not None:
            string = _flush_list(append, string)
            append(actual_text_operator(span))

        for i in range(first, last + 1):
            # THAI PATCH: TJ adjustment after each glyph for distributed justification.
            if spacing:
                if i + 1 < num_glyphs and cl[i + 1] == cl[i]:
                    gaps = 0
                else:
                    low = item_offset + cl[i]
                    high = item_offset + cluster_end[cl[i]]
                    gaps = bisect.bisect_right(gap_ends, high) - bisect.bisect_right(gap_ends, low)

            # THAI PATCH (speed): a glyph drawn before with the same geometry (see _Face.pieces).
            piece = pieces.get(keys[i])
            if piece is not None:
                string += piece[0]
                if gaps:
                    adjust = -gaps * unit
                    string += f">{adjust}<"
                    x_advance -= adjust / 1000
                x_advance += piece[1]
                continue

            string, x_advance = _draw_new_glyph(line, face, run, i, alone, string, x_advance, gaps, unit, emojis)

        # THAI PATCH: close the ActualText span after the group's last glyph.
        if span is not None:
            string = _flush_list(append, string)
            append(b"EMC")

    # Close the last glyphs list, remove if empty.
    if string[-1] == "<":
        string = string[:-1]
    else:
        string += ">"
    return string, x_advance


def _draw_new_glyph(line, face, run, i, alone, string, x_advance, gaps, unit, emojis) -> tuple[str, float]:
    """Draw glyph ``i`` of ``run``, not drawn before at this size and geometry, as WeasyPrint
    does (offsets, rise, widths, kerning, colour glyphs), and remember what it wrote."""
    glyph_id, width, x_offset, y_offset = run.keys[i]
    font_size = face.font_size

    # Display zero-width empty glyph.
    if glyph_id == EMPTY:
        string += f">{-width / font_size}<"
        if gaps:  # THAI PATCH: justification
            adjust = -gaps * unit
            string += f">{adjust}<"
            x_advance -= adjust / 1000
        return string, x_advance

    glyph_id = _map_glyph(face, run, i, glyph_id, width, alone, line.utf8_text)

    # Set horizontal and vertical offsets.
    offset = x_offset / font_size
    rise = y_offset / 1000
    if rise:
        string = _draw_raised(line, face, string, glyph_id, offset, rise)
    else:
        piece_start = len(string)
        if offset:
            string += f">{-offset}<"
        string += f"{glyph_id:02x}" if face.bitmap else f"{glyph_id:04x}"

    # Get glyph logical widths.
    logical_width = _logical_width(line.stream, face, glyph_id)

    # Set kerning, word spacing, letter spacing.
    kerning = logical_width + offset - width * 1000 * FROM_UNITS / font_size
    if kerning:
        string += f">{int(kerning)}<"
    advance = (logical_width + offset - kerning) / 1000
    if not rise and not face.color_glyphs and run.gids[i] == glyph_id:
        # THAI PATCH (speed): remember it (a glyph id changed for .notdef is not).
        face.pieces[run.keys[i]] = (string[piece_start:], advance)
    if gaps:  # THAI PATCH: justification
        adjust = -gaps * unit
        string += f">{adjust}<"
        x_advance -= adjust / 1000

    # Create list of emojis.
    if face.color_glyphs:
        color_glyph(
            emojis, line.stream, line.textbox, face.font, font_size, face.pango_font, glyph_id, logical_width, kerning, x_advance
        )

    return string, x_advance + advance


def _map_glyph(face, run, i, glyph_id, width, alone, utf8_text) -> int:
    """The glyph id to draw (``.notdef``'s for a missing glyph), with its ToUnicode entry."""
    font_size, font_widths, to_unicode = face.font_size, face.font_widths, face.to_unicode
    # Display .notdef and log warning for missing glyphs.
    if glyph_id & UNKNOWN:
        codepoint = glyph_id - UNKNOWN
        LOGGER.warning(
            '.notdef glyph rendered for Unicode string unsupported by fonts: "%s" (U+%04X)',
            chr(codepoint),
            codepoint,
        )
        notdef_width = round(width * 1000 * FROM_UNITS / font_size)
        # THAI PATCH: a clone of .notdef reading back as the character, which keeps the font's
        # Identity-H encoding (see reports.pdf.thai.clones); WeasyPrint's id otherwise.
        clone = None if face.clones is None else clone_id(face.font, face.clones, 0, chr(codepoint), notdef_width)
        if clone is None:
            glyph_id = face.font.get_unused_glyph_id(codepoint)
        else:
            # Still listed as missing: the subset then keeps .notdef's outline.
            glyph_id = face.font.missing[codepoint] = clone
        font_widths[glyph_id] = notdef_width
        if 0 not in font_widths:
            # "width" is actually Pango’s get_approximate_char_width. Force
            # .notdef’s to use this width, even if it’s not the right, as we
            # want to keep Pango’s layout for next glyphs.
            font_widths[0] = font_widths[glyph_id]
        # THAI PATCH: a missing glyph stands for its own code point.
        to_unicode.setdefault(glyph_id, chr(codepoint))

    # THAI PATCH: map glyphs to what they unambiguously stand for (see reports.pdf.thai).
    if glyph_id not in to_unicode:
        if glyph_id in face.known_texts:
            to_unicode[glyph_id] = face.known_texts[glyph_id]
        elif alone:
            # Alone in its cluster: WeasyPrint's rule (the cluster's text).
            start = run.cl[i]
            to_unicode[glyph_id] = utf8_text[run.item_offset + start : run.item_offset + run.cluster_end[start]].decode()
        else:
            # Unknown glyph among others: no text of its own (the cluster's ActualText
            # carries it). It must stay in the map, which also lists the glyphs kept when the
            # font is subset.
            to_unicode[glyph_id] = ""
    return glyph_id


def _draw_raised(line, face, string, glyph_id, offset, rise) -> str:
    """A glyph with a vertical offset, drawn on its own with a text rise (WeasyPrint's)."""
    stream = line.stream
    _flush_list(line.append, string)
    stream.set_text_rise(-rise)
    string = ""
    if offset:
        string = f"{-offset}"
    string += f"<{glyph_id:02x}>" if face.bitmap else f"<{glyph_id:04x}>"
    line.append(b"[" + string.encode() + b"] TJ")
    stream.set_text_rise(0)
    return "<"
