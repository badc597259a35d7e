"""Thai line breaks on dictionary word boundaries, with the agency's own names never split.

Pango breaks Thai lines with libthai, whose dictionary differs from pythainlp's newmm and knows
none of the agency's people or divisions: only about 68 % of the breaks fell on newmm word
boundaries (ดำเนิน|การ, ผู้|บริหาร, นางสาวกมล|นภา, กลุ่มอำนวย|การ). After WeasyPrint gives a
layout its text (``Layout.set_text``), :func:`set_text` marks the multi-character Thai words
of newmm (pythainlp's default dictionary) and the occurrences of the render's own words
(:func:`protected_words`: people's names, divisions, the agency; given to ``render_pdf``) with
Pango's ``allow_breaks=FALSE`` attribute, so that Pango only breaks between them.

A span is only protected when it could fit on one line of the layout: a word or name wider than
the column (estimated from its letters) stays breakable, so nothing is pushed past the margin. Such
a word breaks between the dictionary words it is made of (:func:`sub_words`: งบ|ประมาณ,
เปลี่ยน|แปลง, วัตถุ|ประสงค์), which are protected in its place, rather than wherever Pango's
character wrapping (``overflow-wrap: anywhere``) would cut it (งบประม|าณ).

Speed (``bench/bench_pdf_patch.py``): WeasyPrint lays a paragraph out line by line, each time
from the rest of its text, in several layouts (a window of the text, the text, the line plus the
next word). The work is done once per paragraph (:class:`Paragraph`): newmm runs once on it —
through ``nlpo3`` (newmm in Rust, on pythainlp's own dictionary) when it is installed, else
pythainlp's newmm —, and Pango's own break opportunities are computed once
(``pango_get_log_attrs``), so that only the words Pango would break *inside* get an attribute.
Each layout then takes its spans by bisection, from the offset of its text in the paragraph.
Layouts that do not wrap (no width: max-content measures, and every layout WeasyPrint makes
again to draw a line) get no attribute at all.
"""

from __future__ import annotations

import bisect
import collections
import contextlib
import contextvars
import functools
import itertools
import re
import typing
from pathlib import Path

from weasyprint.text import line_break as line_break_module
from weasyprint.text.ffi import ffi, pango

__all__ = [
    "EM_PER_LETTER",
    "MAX_ADVANCE_EM",
    "MIN_CONTENT_EM",
    "Paragraph",
    "can_break_text",
    "clear_cache",
    "newmm_engine",
    "paragraph_of",
    "protected_words",
    "segment",
    "set_text",
    "split_first_line",
    "stock_can_break_text",
    "stock_set_text",
    "stock_split_first_line",
    "sub_words",
    "word_spans",
]

ffi.cdef(
    """
    PangoAttribute * pango_attr_allow_breaks_new (gboolean allow_breaks);
    int pango_layout_get_width (PangoLayout *layout);
    """
)

stock_set_text = line_break_module.Layout.set_text
stock_split_first_line = line_break_module.split_first_line
stock_can_break_text = line_break_module.can_break_text

#: Widest span kept whole when WeasyPrint measures a text's min-content width (a layout of no
#: width, e.g. for table columns): names up to this stay whole, longer ones may break.
MIN_CONTENT_EM = 12.0

#: Estimated width of a Thai letter (marks excluded) in em, to tell whether a span fits a line:
#: a little over Sarabun's (0.55 em a letter in names, regular and bold alike), so a span that
#: only nearly fits stays breakable.
EM_PER_LETTER = 0.58

#: Widest advance of a character in the portal's fonts, in em (Sarabun's widest is ‰, 1.38 em
#: in bold): a text of n characters is never wider than n times this.
MAX_ADVANCE_EM = 1.4

_THAI_RE = re.compile("[\u0e01-\u0e5b]")
# Thai marks that sit above or below their base: no width of their own.
_MARKS_RE = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
# Pango's is_line_break flag, the lowest bit of each 4-byte PangoLogAttr, as a byte 1 (else 0).
_LINE_BREAK_BIT = bytes(b & 1 for b in range(256))

_words: contextvars.ContextVar[re.Pattern | None] = contextvars.ContextVar("thai_protected_words", default=None)
# The text WeasyPrint is splitting into lines (the rest of a paragraph): the layouts it makes
# hold windows of it (its first few lines, then its first line), segmented as part of it.
_splitting: contextvars.ContextVar[str | None] = contextvars.ContextVar("thai_splitting", default=None)
# The width of the line being filled, from its first text (WeasyPrint gives a later inline box,
# such as a name's <span>, only the width left on the line): whether a name fits is judged on the
# whole line, since WeasyPrint moves a name that does not fit what is left to the next line.
_line_width: contextvars.ContextVar[float | None] = contextvars.ContextVar("thai_line_width", default=None)


def split_first_line(text, style, context, max_width, *args, **kwargs):
    """WeasyPrint's ``split_first_line``, with the text it splits known to :func:`set_text`."""
    is_line_start = kwargs.get("is_line_start", args[1] if len(args) > 1 else True)
    if is_line_start:
        _line_width.set(max_width)
    token = _splitting.set(text)
    try:
        return stock_split_first_line(text, style, context, max_width, *args, **kwargs)
    finally:
        _splitting.reset(token)


@contextlib.contextmanager
def protected_words(words: typing.Iterable[str]):
    """Inside this block, line breaks never fall inside one of ``words`` (that fits the line)."""
    unique = sorted({w.strip() for w in words if w and _THAI_RE.search(w)}, key=len, reverse=True)
    token = _words.set(re.compile("|".join(map(re.escape, unique))) if unique else None)
    try:
        yield
    finally:
        _words.reset(token)


# --- newmm -----------------------------------------------------------------------------------

_NLPO3_DICT = "ita_portal_newmm"


@functools.lru_cache(maxsize=1)
def _nlpo3_segment() -> typing.Callable[[str], list[str]] | None:
    """nlpo3's newmm on pythainlp's default word list (the dictionary of pythainlp's newmm),
    or None when nlpo3 is not installed or cannot load it."""
    try:
        import nlpo3
        import pythainlp.corpus
    except ImportError:
        return None
    path = Path(pythainlp.corpus.__file__).with_name("words_th.txt")
    if not path.is_file():
        return None
    _, loaded = nlpo3.load_dict(str(path), _NLPO3_DICT)
    if not loaded:
        # Already loaded under this name by an earlier call in this process (load_dict never
        # replaces a dictionary): usable all the same.
        try:
            nlpo3.segment("ทดสอบ", _NLPO3_DICT)
        except Exception:
            return None
    return functools.partial(nlpo3.segment, dict_name=_NLPO3_DICT)


@functools.lru_cache(maxsize=1)
def _pythainlp_segment() -> typing.Callable[[str], list[str]]:
    from pythainlp.tokenize import word_tokenize

    return functools.partial(word_tokenize, engine="newmm", keep_whitespace=True)


def newmm_engine() -> str:
    """Which newmm segments the texts: ``"nlpo3"`` (Rust) or ``"pythainlp"``."""
    return "pythainlp" if _nlpo3_segment() is None else "nlpo3"


def segment(text: str) -> list[str]:
    """newmm's tokens of ``text``, whitespace kept (their lengths add up to the text's)."""
    fast = _nlpo3_segment()
    if fast is not None:
        tokens = fast(text)
        if sum(map(len, tokens)) == len(text):
            return tokens
    return _pythainlp_segment()(text)


# --- one paragraph ---------------------------------------------------------------------------


class Paragraph(typing.NamedTuple):
    """A text segmented once (newmm, the render's words, Pango's breaks), for every layout that
    holds it or its rest. Spans are character offsets, sorted by start."""

    text: str
    starts: list[int]
    ends: list[int]
    widths: list[float]  # estimated width of each span, em
    byte_at: typing.Sequence[int]  # UTF-8 offset of each character offset
    named: list[bool]  # whether each span is one of the render's words (a name), not a newmm word
    # For a part of a word (sub_words), the estimated width of that word, em: the part is only
    # protected where the word itself does not fit; 0 for whole words and names.
    within: list[float]


def _pango_breaks(text: str, lang: str | None) -> bytes:
    """One byte per character offset (and the end): 1 where Pango may break a line before it."""
    log_attrs = line_break_module.get_log_attrs(text, lang)
    return ffi.buffer(log_attrs)[:][::4].translate(_LINE_BREAK_BIT)


#: Words estimated wider than this (em) are also given the dictionary words they are made of, for a
#: column too narrow for them (the narrowest columns hold about 3.5 em).
SPLIT_WORDS_EM = 3.0


@functools.lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    from pythainlp.corpus import thai_words

    return thai_words()


@functools.lru_cache(maxsize=8192)
def sub_words(word: str) -> tuple[int, ...]:
    """Offsets inside ``word`` where it splits into dictionary words (newmm's own dictionary), the
    longest first part first: ``งบประมาณ`` → (2,) for งบ|ประมาณ; () when it does not split so."""
    words = _dictionary()

    def split(rest: str, depth: int) -> list[int] | None:
        for k in range(len(rest) - 1, 1, -1):
            if rest[:k] in words:
                if rest[k:] in words:
                    return [k]
                if depth < 3 and (tail := split(rest[k:], depth + 1)) is not None:
                    return [k, *(k + t for t in tail)]
        return None

    return tuple(split(word, 0) or ())


def _letters_em(marked: str, start: int, end: int) -> float:
    return (end - start - marked.count("\uffff", start, end)) * EM_PER_LETTER


def _build(text: str, lang: str | None, words: re.Pattern | None) -> Paragraph:
    # Width estimates from the letters of each span: its marks (one character each) counted in
    # a copy of the text where each mark is one noncharacter.
    marked = _MARKS_RE.sub("\uffff", text)
    spans, position = [], 0
    for token in segment(text):
        end = position + len(token)
        if end - position > 1 and _THAI_RE.match(token):
            spans.append((position, end, False, 0.0))
            width = _letters_em(marked, position, end)
            if width > SPLIT_WORDS_EM:
                cuts = [position, *(position + k for k in sub_words(token)), end]
                if len(cuts) > 2:
                    spans.extend((a, b, False, width) for a, b in itertools.pairwise(cuts) if b - a > 1)
        position = end
    if words is not None:
        spans.extend((*match.span(), True, 0.0) for match in words.finditer(text))
    spans.sort()
    if spans:
        # Only where Pango would break inside the span does it need an attribute; a part of a word
        # always does (the word is too wide: Pango's character wrapping may cut it anywhere).
        breaks = _pango_breaks(text, lang)
        spans = [span for span in spans if span[3] or 1 in breaks[span[0] + 1 : span[1]]]
    if text.isascii():
        byte_at = range(len(text) + 1)
    else:
        byte_at = [0, *itertools.accumulate(map(len, map(str.encode, text)))]
    return Paragraph(
        text,
        [s for s, _, _, _ in spans],
        [e for _, e, _, _ in spans],
        [_letters_em(marked, s, e) for s, e, _, _ in spans],
        byte_at,
        [n for _, _, n, _ in spans],
        [w for _, _, _, w in spans],
    )


# Recent paragraphs (the texts WeasyPrint splits, and texts set outside a split), newest last.
_recent: collections.deque[tuple[Paragraph, str | None, re.Pattern | None]] = collections.deque(maxlen=8)


def paragraph_of(text: str, lang: str | None = None) -> tuple[Paragraph, int]:
    """The segmented paragraph holding ``text`` as its end (WeasyPrint lays out the rest of a
    paragraph from each line break on), and the offset of ``text`` in it."""
    words = _words.get()
    length = len(text)
    for paragraph, para_lang, para_words in reversed(_recent):
        if para_lang == lang and para_words is words and paragraph.text.endswith(text) and len(paragraph.text) >= length:
            return paragraph, len(paragraph.text) - length
    paragraph = _build(text, lang, words)
    _recent.append((paragraph, lang, words))
    return paragraph, 0


def clear_cache() -> None:
    """Forget the recent paragraphs (a benchmark times each render as the first of its texts)."""
    _recent.clear()
    _breaks_outside_words.cache_clear()


def _spans(text: str, lang: str | None, max_em: float | None, limit: int | None) -> tuple[Paragraph, int, list]:
    whole = _splitting.get()
    if whole is not None and len(whole) > len(text) and whole.startswith(text):
        # A window of the text being split: its spans, but a newmm word the window cuts (left
        # breakable, as WeasyPrint expects of a window: else it lays the whole text out again).
        # A name the window cuts stays whole up to the window's end (a name's <span> is short,
        # and its window may end inside it): never "นางสาว|สุนีย์".
        paragraph, offset = paragraph_of(whole, lang)
    else:
        paragraph, offset = paragraph_of(text, lang)
    end = offset + len(text)
    stop = end if limit is None else min(end, offset + limit)
    starts, ends, widths, named, within = paragraph.starts, paragraph.ends, paragraph.widths, paragraph.named, paragraph.within
    first, last = bisect.bisect_left(starts, offset), bisect.bisect_left(starts, stop)
    spans = [
        (starts[k], min(ends[k], end))
        for k in range(first, last)
        if (ends[k] <= end or named[k])
        and (max_em is None or widths[k] <= max_em)
        # A part of a word only where the word does not fit (with no width, the words themselves).
        and (not within[k] or (max_em is not None and within[k] > max_em))
        and min(ends[k], end) - starts[k] > 1
    ]
    return paragraph, offset, spans


def word_spans(
    text: str, lang: str | None = None, max_em: float | None = None, limit: int | None = None
) -> list[tuple[int, int]]:
    """Character spans of ``text`` that must not be broken: newmm's multi-letter Thai words and
    the occurrences of the render's words, where Pango would break inside them, no wider than
    ``max_em`` (em) and starting before ``limit`` (characters)."""
    _, offset, spans = _spans(text, lang, max_em, limit)
    return [(s - offset, e - offset) for s, e in spans]


def set_text(self, text, justify=False):
    """WeasyPrint's ``Layout.set_text``, then ``allow_breaks=FALSE`` over each word (see the
    module's docstring)."""
    stock_set_text(self, text, justify)
    text = self.text
    if not text or pango.pango_layout_get_width(self.layout) < 0 or not _THAI_RE.search(text):
        # A layout that does not wrap (no width) never breaks: nothing to protect.
        return
    font_size = self.style["font_size"] or 1
    if (
        self.max_width is not None
        and len(text) * MAX_ADVANCE_EM * font_size <= self.max_width
        and not self.style["word_spacing"]
        and self.style["letter_spacing"] in ("normal", 0)
    ):
        # Fits on one line whatever its characters (short cells, labels): it never breaks.
        return
    if self.max_width is None:
        max_em = None
    else:
        line_width = _line_width.get()
        width = self.max_width
        if width > 0 and line_width is not None:
            width = max(width, line_width)  # not for min-content measures (width 0)
        max_em = width / font_size if width > 0 else MIN_CONTENT_EM
    # Only the first line's break is used (WeasyPrint lays the rest out again): spans past what
    # two lines can hold (at 0.25 em a character, the narrowest Thai text) need no attribute.
    limit = None if max_em is None else int(2 * max_em / 0.25) + 1
    paragraph, offset, spans = _spans(text, self.style["lang"], max_em, limit)
    if not spans:
        return
    attr_list = pango.pango_layout_get_attributes(self.layout)
    if attr_list == ffi.NULL:
        attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    byte_at = paragraph.byte_at
    base = byte_at[offset]
    for start, end in spans:
        attr = pango.pango_attr_allow_breaks_new(False)
        attr.start_index, attr.end_index = byte_at[start] - base, byte_at[end] - base
        pango.pango_attr_list_insert(attr_list, attr)
    pango.pango_layout_set_attributes(self.layout, attr_list)


# --- can a box's text break at all? ----------------------------------------------------------


def can_break_text(text, lang):
    """WeasyPrint's ``can_break_text`` (Pango's break opportunities), minus those inside the words
    this module keeps whole. WeasyPrint asks it of each inline box when a line is too wide
    (``can_break_inside``), then cuts the box 1 px narrower at a time until it breaks: a short box
    that is one protected word (the memo's "ส่วนราชการ" label before an agency name) never
    breaks, and was laid out again some hundred times per line. Two-letter texts (WeasyPrint's
    check between two boxes) and texts over 40 characters keep WeasyPrint's answer."""
    result = stock_can_break_text(text, lang)
    if not result or len(text) <= 2 or len(text) > 40 or not _THAI_RE.search(text):
        return result
    return _breaks_outside_words(text, lang, _words.get())


@functools.lru_cache(maxsize=4096)
def _breaks_outside_words(text: str, lang: str | None, words: re.Pattern | None) -> bool:
    paragraph = _build(text, lang, words)
    inside = set()
    for start, end, within in zip(paragraph.starts, paragraph.ends, paragraph.within, strict=True):
        if not within:
            inside.update(range(start + 1, end))
    breaks = _pango_breaks(text, lang)
    return any(breaks[k] and k not in inside for k in range(1, len(text)))
