"""Keep a table's repeated header above a row that has to be split (WeasyPrint 70).

The attachments' rows have ``break-inside: avoid`` (templates/reports/pdf/memo.css): a row that does
not fit on the rest of a page moves whole to the next one. On that next page WeasyPrint lays out the
header, finds that the row (taller than what is left under the header) would have to break, and —
because the row asks not to — gives the page up and lays the table out again *without its header*,
splitting the row from the top of the page (Kozea/WeasyPrint#2679). In the stress set that left the
quarterly report's continuation pages with no column headings.

On an empty page the row has to be split anyway (there is nothing before it to move), so when a table
with a header starts or continues at the top of a page, the wrapped ``table_layout`` marks its first
row group ``break-inside: avoid`` for that call: WeasyPrint then lays the body out as on an empty page
under the header (it reads that property of the first group to decide so) and splits the row there.
One layout per call, as before.

A table whose first row does not fit under what precedes it moves to the next page, and a heading kept
with it (``break-after: avoid``) cannot come along when it is the first thing on its page (the
attachment's title): the title was left alone on a page. When the table starts in the top quarter of
the page, its first row is let split there instead (one more layout of that table, in that case only).
Everything else is WeasyPrint's own layout.
"""

from __future__ import annotations

import functools

__all__ = ["install"]

_installed = False


def _first_body_group(table, skip_stack):
    skip = next(iter(skip_stack)) if skip_stack else 0
    for group in table.children[skip:]:
        if not group.is_header and not group.is_footer:
            return group
    return None


def _set_break_inside(boxes_, value):
    saved = [(box, box.style["break_inside"]) for box in boxes_]
    for box, _ in saved:
        box.style["break_inside"] = value
    return saved


def _restore(saved):
    for box, value in saved:
        box.style["break_inside"] = value


def _wrap(original):
    @functools.wraps(original)
    def table_layout(context, table, bottom_space, skip_stack, containing_block, page_is_empty, absolute_boxes, fixed_boxes):
        args = (context, table, bottom_space, skip_stack, containing_block, page_is_empty, absolute_boxes, fixed_boxes)
        has_header = bool(table.children) and table.children[0].is_header
        group = _first_body_group(table, skip_stack)
        if page_is_empty and has_header and group is not None and group.style["break_inside"] not in AVOID:
            saved = _set_break_inside([group], "avoid")
            try:
                return original(*args)
            finally:
                _restore(saved)
        result = original(*args)
        if result[0] is not None or skip_stack is not None or page_is_empty or group is None or not group.children:
            return result
        # The table's first row does not fit on this page and the table would move to the next one.
        # When the table starts near the top of the page (only the attachment's title above it),
        # that leaves the title alone on an empty page: let the first row split here instead.
        top = getattr(context, "_ita_page_top", None)
        if top is None:
            return result
        full = context.page_bottom - bottom_space - top
        room = context.page_bottom - bottom_space - table.position_y
        if full <= 0 or room < full * 0.75 or avoid_table(table):
            return result
        saved = _set_break_inside([group, group.children[0]], "auto")
        try:
            retry = original(*args)
        finally:
            _restore(saved)
        return retry if retry[0] is not None else result

    return table_layout


AVOID = ("avoid", "avoid-page")


def avoid_table(table) -> bool:
    return table.style["break_inside"] in AVOID


def install() -> None:
    """Wrap the ``table_layout`` that WeasyPrint's block layout calls (idempotent)."""
    global _installed
    if _installed:
        return
    from weasyprint.layout import block, page

    block.table_layout = _wrap(block.table_layout)
    page.block_level_layout = _page_top_recorded(page.block_level_layout)
    _installed = True


def _page_top_recorded(original):
    """The page's content top, kept on the layout context while the page is laid out (the
    table layout is only given the table's own wrapper as its containing block)."""

    @functools.wraps(original)
    def block_level_layout(context, box, bottom_space, skip_stack, containing_block, *args, **kwargs):
        if hasattr(containing_block, "content_box_y"):
            context._ita_page_top = containing_block.content_box_y()
        return original(context, box, bottom_space, skip_stack, containing_block, *args, **kwargs)

    return block_level_layout
