"""Thai line breaks on dictionary word boundaries, with the agency's own names never split.

Pango breaks Thai lines with libthai, whose dictionary differs from pythainlp's newmm and knows
none of the agency's people or divisions: only about 68 % of the breaks fell on newmm word
boundaries (ดำเนิน|การ, ผู้|บริหาร, นางสาวกมล|นภา, กลุ่มอำนวย|การ). After WeasyPrint gives a
layout its text (``Layout.set_text``), :func:`set_text` marks every multi-character Thai word
of newmm (pythainlp's default dictionary) and every occurrence of the render's own words
(:func:`protected_words`: people's names, divisions, the agency; given to ``render_pdf``) with
Pango's ``allow_breaks=FALSE`` attribute, so that Pango only breaks between them.

A span is only protected when it could fit on one line of the layout: a word or name wider than
the column (estimated from its letters) stays breakable, so nothing is pushed past the margin.

Segmentation is cached per text, and a text that is the rest of one segmented before (WeasyPrint
lays a paragraph out again from each line break on) reuses that segmentation.
"""

from __future__ import annotations

import collections
import contextlib
import contextvars
import functools
import itertools
import re
import typing

from weasyprint.text import line_break as line_break_module
from weasyprint.text.ffi import ffi, pango

__all__ = [
    "EM_PER_LETTER",
    "MIN_CONTENT_EM",
    "protected_words",
    "set_text",
    "split_first_line",
    "stock_set_text",
    "stock_split_first_line",
    "word_spans",
]

ffi.cdef("PangoAttribute * pango_attr_allow_breaks_new (gboolean allow_breaks);")

stock_set_text = line_break_module.Layout.set_text
stock_split_first_line = line_break_module.split_first_line

#: Widest span kept whole when WeasyPrint measures a text's min-content width (a layout of no
#: width, e.g. for table columns): names up to this stay whole, longer ones may break.
MIN_CONTENT_EM = 12.0

#: Estimated width of a Thai letter (marks excluded) in em, to tell whether a span fits a line:
#: a little over Sarabun's (0.55 em a letter in names, regular and bold alike), so a span that
#: only nearly fits stays breakable.
EM_PER_LETTER = 0.58

_THAI_RE = re.compile("[\u0e01-\u0e5b]")
# Thai marks that sit above or below their base: no width of their own.
_MARKS_RE = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")

_words: contextvars.ContextVar[re.Pattern | None] = contextvars.ContextVar("thai_protected_words", default=None)
# The text WeasyPrint is splitting into lines (the rest of a paragraph): the layouts it makes
# hold windows of it (its first few lines, then its first line), segmented as part of it.
_splitting: contextvars.ContextVar[str | None] = contextvars.ContextVar("thai_splitting", default=None)


def split_first_line(text, *args, **kwargs):
    """WeasyPrint's ``split_first_line``, with the text it splits known to :func:`set_text`."""
    token = _splitting.set(text)
    try:
        return stock_split_first_line(text, *args, **kwargs)
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


@functools.lru_cache(maxsize=1)
def _tokenize():
    from pythainlp.tokenize import word_tokenize

    return functools.partial(word_tokenize, engine="newmm", keep_whitespace=True)


# Recent segmentations: text → word spans (character offsets).
_recent: collections.OrderedDict[str, tuple[tuple[int, int], ...]] = collections.OrderedDict()


def _reused_spans(text: str) -> tuple[tuple[int, int], ...] | None:
    """The spans of ``text`` from a recent segmentation of a text holding it (WeasyPrint lays
    out a paragraph, then its rest from each line break on), clipped to ``text``."""
    for earlier, earlier_spans in reversed(_recent.items()):
        cut = earlier.find(text)
        if cut < 0:
            continue
        end = cut + len(text)
        return tuple(
            (max(s, cut) - cut, min(e, end) - cut)
            for s, e in earlier_spans
            if s < end and e > cut and min(e, end) - max(s, cut) > 1
        )
    return None


def _newmm_spans(text: str) -> tuple[tuple[int, int], ...]:
    spans = _recent.get(text)
    if spans is not None:
        return spans
    spans = _reused_spans(text)
    if spans is None:
        offsets, position = [], 0
        for token in _tokenize()(text):
            end = position + len(token)
            if end - position > 1 and _THAI_RE.match(token):
                offsets.append((position, end))
            position = end
        spans = tuple(offsets)
    _recent[text] = spans
    if len(_recent) > 256:
        _recent.popitem(last=False)
    return spans


def word_spans(text: str, words: re.Pattern | None = None) -> list[tuple[int, int]]:
    """Character spans of ``text`` that must not be broken: newmm's multi-letter Thai words and
    the occurrences of ``words``."""
    whole = _splitting.get()
    if whole is not None and len(whole) > len(text) and whole.startswith(text):
        # A window of the text being split: its spans, but a word the window cuts (left
        # breakable, as WeasyPrint expects of a window: else it lays the whole text out again).
        end = len(text)
        spans = [(s, e) for s, e in _newmm_spans(whole) if e <= end]
    else:
        spans = list(_newmm_spans(text))
    if words is not None:
        spans.extend(match.span() for match in words.finditer(text))
    return spans


def _width_em(text: str) -> float:
    return (len(text) - len(_MARKS_RE.findall(text))) * EM_PER_LETTER


def set_text(self, text, justify=False):
    """WeasyPrint's ``Layout.set_text``, then ``allow_breaks=FALSE`` over each word (see the
    module's docstring)."""
    stock_set_text(self, text, justify)
    text = self.text
    if not text or not _THAI_RE.search(text):
        return
    font_size = self.style["font_size"] or 1
    if self.max_width is None:
        max_em = None
    else:
        max_em = self.max_width / font_size if self.max_width > 0 else MIN_CONTENT_EM
    # Only the first line's break is used (WeasyPrint lays the rest out again): spans past what
    # two lines can hold (at 0.25 em a character, the narrowest Thai text) need no attribute.
    limit = len(text) if max_em is None else int(2 * max_em / 0.25) + 1
    spans = [
        (s, e) for s, e in word_spans(text, _words.get()) if s < limit and (max_em is None or _width_em(text[s:e]) <= max_em)
    ]
    if not spans:
        return
    attr_list = pango.pango_layout_get_attributes(self.layout)
    if attr_list == ffi.NULL:
        attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    # UTF-8 offsets of the characters, only as far as the last span (not the whole rest of a
    # paragraph, for every line of it).
    head = text[: max(end for _, end in spans)]
    byte_at = range(len(head) + 1) if head.isascii() else [0, *itertools.accumulate(len(char.encode()) for char in head)]
    for start, end in spans:
        attr = pango.pango_attr_allow_breaks_new(False)
        attr.start_index, attr.end_index = byte_at[start], byte_at[end]
        pango.pango_attr_list_insert(attr_list, attr)
    pango.pango_layout_set_attributes(self.layout, attr_list)
