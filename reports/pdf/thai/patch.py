"""Installing the patch: WeasyPrint's ``draw_first_line``, ``justify_line`` and the fonts'
``_build_vector_font_dictionary`` and the text layouts' ``set_text`` replaced by this package's, for the exact WeasyPrint version they were written against, and put back on demand
(tests and the bench compare with stock output)."""

from __future__ import annotations

import contextlib
import threading

import weasyprint
from weasyprint.draw import text as draw_text_module
from weasyprint.layout import inline as inline_module
from weasyprint.layout import preferred as preferred_module
from weasyprint.pdf import fonts as pdf_fonts_module
from weasyprint.text import line_break as line_break_module

from . import clones, linebreak
from .draw import draw_first_line
from .glyphs import actual_text_operator
from .graphemes import gap_ends, graphemes
from .justify import justify_line

__all__ = [
    "WEASYPRINT_VERSION",
    "UnsupportedWeasyPrintVersion",
    "clear_text_caches",
    "install",
    "installed",
    "stock_part",
    "suspended",
    "uninstall",
]

#: The only WeasyPrint version this patch was written and verified against.
WEASYPRINT_VERSION = "70.0"

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
            f"reports.pdf.thai patches WeasyPrint {WEASYPRINT_VERSION} only, "
            f"found {weasyprint.__version__}: re-check the patch against the new draw_first_line "
            "(or drop it if upstream fixed ToUnicode/ActualText for Thai) and update WEASYPRINT_VERSION."
        )
    with _install_lock:
        if _original is None:
            _original = draw_text_module.draw_first_line
            _original_justify_line = inline_module.justify_line
            draw_text_module.draw_first_line = draw_first_line
            inline_module.justify_line = justify_line
            pdf_fonts_module._build_vector_font_dictionary = clones.build_vector_font_dictionary
            line_break_module.Layout.set_text = linebreak.set_text
            inline_module.can_break_text = linebreak.can_break_text
            for module in (line_break_module, inline_module, preferred_module):
                module.split_first_line = linebreak.split_first_line


def uninstall() -> None:
    """Restore WeasyPrint's own ``draw_first_line`` (used to compare with stock output)."""
    global _original, _original_justify_line
    with _install_lock:
        if _original is not None:
            draw_text_module.draw_first_line = _original
            inline_module.justify_line = _original_justify_line
            pdf_fonts_module._build_vector_font_dictionary = clones.stock_build_vector_font_dictionary
            line_break_module.Layout.set_text = linebreak.stock_set_text
            inline_module.can_break_text = linebreak.stock_can_break_text
            for module in (line_break_module, inline_module, preferred_module):
                module.split_first_line = linebreak.stock_split_first_line
            _original = _original_justify_line = None


#: The parts of the patch :func:`stock_part` can put back to WeasyPrint's own, one at a time: the
#: modules and attribute names each part replaces (``Layout.set_text`` is an attribute of a class).
PARTS = {
    "drawing": ((draw_text_module, "draw_first_line"),),
    "line breaks": (
        (line_break_module.Layout, "set_text"),
        (inline_module, "can_break_text"),
        (line_break_module, "split_first_line"),
        (inline_module, "split_first_line"),
        (preferred_module, "split_first_line"),
    ),
}
_STOCK = {
    "drawing": lambda: {"draw_first_line": _original},
    "line breaks": lambda: {
        "set_text": linebreak.stock_set_text,
        "can_break_text": linebreak.stock_can_break_text,
        "split_first_line": linebreak.stock_split_first_line,
    },
}


@contextlib.contextmanager
def stock_part(part: str):
    """Inside this block, one part of the installed patch (a key of :data:`PARTS`) is WeasyPrint's
    own again, the rest stays patched: ``bench/bench_pdf_patch.py --parts`` weighs each part."""
    install()
    stock = _STOCK[part]()
    saved = [(owner, name, getattr(owner, name)) for owner, name in PARTS[part]]
    for owner, name, _value in saved:
        setattr(owner, name, stock[name])
    try:
        yield
    finally:
        for owner, name, value in saved:
            setattr(owner, name, value)


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
    """Forget the per-text caches (graphemes of line texts, ActualText operators, segmented
    paragraphs), so that a benchmark times a render as if it were the first one of these texts."""
    graphemes.cache_clear()
    gap_ends.cache_clear()
    linebreak.clear_cache()
    actual_text_operator.cache_clear()


def installed() -> bool:
    """Whether WeasyPrint currently draws and justifies through this package."""
    return _original is not None
