"""Exact text extraction and distributed justification for Thai in WeasyPrint 70 PDFs.

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

The fix (this package)
----------------------
1. The ToUnicode map of a font only holds what a glyph *unambiguously* stands for, derived from
   the font itself (:func:`~reports.pdf.thai.tounicode.glyph_texts`): its cmap (non-PUA code
   points preferred), else the GSUB single/alternate/ligature substitutions that produce it from
   glyphs already known (iterated to a fixed point; a glyph reachable from two different texts
   is ambiguous and left out), else the conventional Thai PUA table, else a ``uniXXXX`` glyph
   name. Only glyphs none of that explains fall back to WeasyPrint's old rule, and only when the
   glyph is alone in its cluster.
2. The glyphs of a sara am (HarfBuzz draws ำ as ํ + า, the same glyphs as a lone ํ and า) are
   drawn as *clones*: extra character ids mapped to the same glyphs by the font's
   ``CIDToGIDMap``, whose ToUnicode entries read nothing (the nikhahit), the tone alone (a
   nikhahit+tone ligature) and ``ำ`` (the sara aa) — see :mod:`~reports.pdf.thai.clones`. A
   character no font has is a clone of ``.notdef`` reading back as itself, so the fonts keep
   ``Identity-H`` (WeasyPrint's custom encoding CMap made pypdf misread whole documents).
   Readers that ignore ActualText (pdf.js — Firefox —, pypdf) so read the text exactly, glyph
   by glyph, with nothing composed back.
3. Where the glyphs of a cluster still do not read back in order (several glyphs in one
   grapheme), they are wrapped in ``/Span << /ActualText (…) >> BDC … EMC`` marked content
   carrying the exact source text, which poppler, PDFium (Chrome) and MuPDF copy.

Nothing else changes: the same glyphs, positions and operators are written, only split into
more ``TJ`` operators around the marked content, so pages render identically.

Thai distributed justification (a second, separate fix)
-------------------------------------------------------
WeasyPrint justifies by widening spaces only; Thai puts spaces between phrases, not words, so
justified Thai lines get gaps of several em. Under ``--thai-justify: distribute`` (the
``.thai-distributed`` class of ``templates/reports/pdf/base.css``),
:func:`~reports.pdf.thai.justify.justify_line` spreads the extra width after every grapheme
cluster of the line instead (never inside a cluster, never after a space or the line's last
cluster, never between two graphemes of a Latin run: URLs, English words and Arabic digits keep
their natural letter spacing; a line without Thai is justified as WeasyPrint does), up to :data:`~reports.pdf.thai.justify.READ_BACK_GAP_EM` per gap (wider gaps read back
as spaces in pdf.js and pypdf; the rest widens the spaces, up to
:data:`~reports.pdf.thai.justify.MAX_GAP_EM`); :func:`~reports.pdf.thai.draw.draw_first_line`
draws it as a ``TJ`` adjustment after each grapheme's last glyph (not with ``Tc``, which pdf.js
also adds to every ``TJ`` adjustment), and wraps each run between spaces in one ActualText span.

Thai line breaks (a third fix)
------------------------------
Pango breaks Thai with libthai's dictionary; :mod:`~reports.pdf.thai.linebreak` marks every
newmm word and every name the render was given (``render_pdf(words=…)``) with Pango's
``allow_breaks=FALSE``, so lines break between dictionary words and never inside a person's,
division's or agency's name that fits the line.

Speed
-----
Measured by ``bench/bench_pdf_patch.py`` (patched against stock CPU time on the same HTML: the
48-page corpus and the five report kinds; target ≤ +5 %). The line breaks segment each paragraph
once (:class:`~reports.pdf.thai.linebreak.Paragraph`: newmm through ``nlpo3``, the Rust port, on
pythainlp's dictionary when it is installed, else pythainlp's newmm; Pango's own break
opportunities once), mark only the words Pango would break inside, and touch no layout that
cannot wrap (drawing, max-content, a text that fits whatever its letters). In the drawing:
Pango's glyph array is unpacked in one ``struct`` call per run
(:func:`~reports.pdf.thai.glyphs.glyph_records`) instead of four cffi attribute reads per glyph;
what a glyph writes (offset, id, kerning) and its advance are computed once per font, size and
geometry and then reused; the groups that need ActualText are found per run by comprehension
(:func:`~reports.pdf.thai.glyphs.glyph_groups`), the read-back test only runs for one-glyph
groups; grapheme segmentation is cached per line text
(:func:`~reports.pdf.thai.graphemes.graphemes`, shared by justification and drawing) and
ActualText operators per text; operators are appended to the stream as bytes. The output is byte
for byte what the plain version wrote.

The patch replaces ``weasyprint.draw.text.draw_first_line`` with a copy that differs only
in the blocks marked ``# THAI PATCH``, and ``weasyprint.layout.inline.justify_line`` with one
that falls back to the original for other text. It refuses any WeasyPrint other than the exact
version it was written against (:data:`WEASYPRINT_VERSION`).

Modules, one per concern
------------------------
- :mod:`~reports.pdf.thai.tounicode` — the ToUnicode map read from the font (cmap, GSUB, Thai PUA);
- :mod:`~reports.pdf.thai.graphemes` — grapheme clusters of line texts (cached);
- :mod:`~reports.pdf.thai.glyphs` — Pango's glyph runs unpacked and split into ActualText groups;
- :mod:`~reports.pdf.thai.clones` — extra character ids (sara am, missing characters) and the
  fonts' ``CIDToGIDMap``;
- :mod:`~reports.pdf.thai.linebreak` — line breaks on newmm words and the render's names;
- :mod:`~reports.pdf.thai.draw` — the patched copy of ``draw_first_line``, in named steps,
  with :mod:`~reports.pdf.thai.upstream` holding the parts copied unchanged;
- :mod:`~reports.pdf.thai.justify` — Thai distributed justification;
- :mod:`~reports.pdf.thai.metrics` — how high and low Thai ink reaches in Sarabun (fontTools),
  which the PDF stylesheets' line heights follow;
- :mod:`~reports.pdf.thai.patch` — installing, removing and suspending the patch.
"""

from reports.pdf.thai.graphemes import grapheme_count
from reports.pdf.thai.justify import MAX_GAP_EM
from reports.pdf.thai.linebreak import protected_words
from reports.pdf.thai.patch import (
    WEASYPRINT_VERSION,
    UnsupportedWeasyPrintVersion,
    clear_text_caches,
    install,
    installed,
    suspended,
    uninstall,
)
from reports.pdf.thai.tounicode import glyph_texts

__all__ = [
    "MAX_GAP_EM",
    "WEASYPRINT_VERSION",
    "UnsupportedWeasyPrintVersion",
    "clear_text_caches",
    "glyph_texts",
    "grapheme_count",
    "install",
    "installed",
    "protected_words",
    "suspended",
    "uninstall",
]
