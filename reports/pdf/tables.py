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
A table's lead (``.table-lead``: the plan's issue heading, its items and "การวิเคราะห์ผลการประเมิน",
printed above the table and not repeated with its header) is left alone at the foot of a page when
the table moves to the next one: the block is then laid out again with a page break before the lead.

A signature block (``.head-signature``) asks not to start a page (``break-before: avoid``), but
WeasyPrint can only move it together with what precedes it by breaking *between* rows: after a table
whose last row fills its page (or is the only row there) the signature was left alone on the last
page. When a block's layout ends its page just before a signature that follows a table, the block is
laid out once more with that table squeezed (:func:`_squeezed`): its bottom raised by the room left
under it plus two lines, so that its last row moves whole to the next page, or, when it is the first
row on its page, splits with at least two of its lines carried over to the signature.
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
    layout = _header_kept(original)

    @functools.wraps(original)
    def table_layout(context, table, bottom_space, skip_stack, containing_block, page_is_empty, absolute_boxes, fixed_boxes):
        squeeze = getattr(context, "_ita_squeeze", None)
        if squeeze is not None and squeeze[0] is table.element:
            bottom_space += squeeze[1]
        args = [context, table, bottom_space, skip_stack, containing_block, page_is_empty, absolute_boxes, fixed_boxes]
        result = layout(*args)
        group_index = _together_split(table, result)
        if group_index is None:
            return result
        # A group of rows kept together (the plan's measure and its period/limitations row) split
        # between its rows: its last row would start the next page alone under the repeated
        # header. Laid out again with the table ending higher (the room left plus two lines), the
        # row before it moves whole or carries at least two of its lines along.
        free = context.page_bottom - bottom_space - (result[0].position_y + result[0].margin_height())
        args[2] = bottom_space + max(free, 0) + CARRIED_LINES * table.style["font_size"] * LINE_HEIGHT + 1
        group = table.children[group_index]
        return _retried(layout, args, [group, *group.children], result)

    return table_layout


def _retried(layout, args, boxes_, result):
    """``layout(*args)`` again with ``boxes_`` let break inside; ``result`` when that gives nothing."""
    saved = _set_break_inside(boxes_, "auto")
    try:
        retry = layout(*args)
    finally:
        _restore(saved)
    return retry if retry[0] is not None else result


def _together_split(table, result) -> int | None:
    """The index of a ``tbody.together`` that ``result`` (a table layout) ends between two of its
    rows, leaving the next page to start with a later row of it; else None."""
    new_table, resume_at = result[0], result[1]
    if new_table is None or not resume_at or len(resume_at) != 1:
        return None
    index, rows = next(iter(resume_at.items()))
    if not rows or len(rows) != 1 or index >= len(table.children):
        return None
    row, rest = next(iter(rows.items()))
    if row < 1 or rest is not None or "together" not in _classes(table.children[index]):
        return None
    return index


def _header_kept(original):
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
        forced = getattr(context, "_ita_split_first", None) is table.element
        if full <= 0 or (room < full * 0.75 and not forced):
            return result
        # A table that asks not to split (.short) does not fit there either: it splits, as it
        # would have to on the next page below the title or lead that would come along.
        return _retried(original, args, [table, group, group.children[0]], result)

    return table_layout


AVOID = ("avoid", "avoid-page")


def install() -> None:
    """Wrap the ``table_layout`` that WeasyPrint's block layout calls (idempotent)."""
    global _installed
    if _installed:
        return
    from weasyprint.layout import block, page

    block.table_layout = _wrap(block.table_layout)
    block.block_container_layout = _kept_with_neighbours(block.block_container_layout)
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


#: Lines of a table's last row carried to the page of the signature or row that follows it.
CARRIED_LINES = 2
#: The tables' line height (memo.css ``table.grid``), to turn lines into a height.
LINE_HEIGHT = 1.65


def _signature_after_table(box, new_box, resume_at):
    """The table laid last on this page when the page ends just before a signature block that
    follows it (``resume_at`` names the signature as the next child), else None."""
    if not resume_at or len(resume_at) != 1:
        return None
    index, rest = next(iter(resume_at.items()))
    if rest is not None or index >= len(box.children) or "head-signature" not in _classes(box.children[index]):
        return None
    laid = [child for child in new_box.children if child.is_in_normal_flow()]
    if not laid or not laid[-1].is_table_wrapper:
        return None
    return laid[-1]


def _classes(box) -> set[str]:
    element = getattr(box, "element", None)
    return set((element.get("class") or "").split()) if element is not None else set()


_KEPT_CLASSES = frozenset({"head-signature", "table-lead"})


def _has_kept_children(box) -> bool:
    """Whether ``box`` holds a signature block or a table's lead (cached on the box: WeasyPrint
    lays the same box out again on each page it spans)."""
    cached = getattr(box, "_ita_kept", None)
    if cached is None:
        cached = any(_classes(child) & _KEPT_CLASSES for child in getattr(box, "children", ()))
        box._ita_kept = cached
    return cached


def _lead_before_table(box, new_box, resume_at):
    """The original box of the ``.table-lead`` laid last on this page when the page ends just
    before the table it leads (WeasyPrint 70 moves the table and leaves its lead behind, although
    the lead asks ``break-after: avoid``), else None."""
    if not resume_at or len(resume_at) != 1:
        return None
    index, rest = next(iter(resume_at.items()))
    if rest is not None or not 0 < index < len(box.children) or not box.children[index].is_table_wrapper:
        return None
    laid = [child for child in new_box.children if child.is_in_normal_flow()]
    lead = box.children[index - 1]
    if not laid or "table-lead" not in _classes(laid[-1]) or "table-lead" not in _classes(lead):
        return None
    return lead, box.children[index], len(laid) == 1


def _kept_with_neighbours(original):
    import inspect

    signature = inspect.signature(original)

    @functools.wraps(original)
    def block_container_layout(*args, **kwargs):
        box = args[1] if len(args) > 1 else kwargs["box"]
        if not _has_kept_children(box):
            return original(*args, **kwargs)
        arguments = signature.bind(*args, **kwargs).arguments
        margins = arguments.get("adjoining_margins")
        saved_margins = None if margins is None else list(margins)
        saved_y = box.position_y
        result = original(*args, **kwargs)
        context = arguments["context"]
        if result[0] is None or getattr(context, "_ita_squeeze", None) is not None:
            return result
        arguments["adjoining_margins"] = saved_margins
        found = _lead_before_table(box, result[0], result[1])
        if found is not None:
            return _lead_kept(original, result, *found, arguments, saved_y)
        wrapper = _signature_after_table(box, result[0], result[1])
        if wrapper is None:
            return result
        return _squeezed(original, result, wrapper, arguments, saved_y)

    return block_container_layout


def _lead_kept(original, result, lead, wrapper, alone, arguments, saved_y):
    """The block laid out again so that the table's lead shares a page with the table: with a
    page break before the lead, or — when the lead already starts this page, so that moving it
    would only do the same on the next one — with the table's first row let split below it."""
    from weasyprint.layout.block import remove_placeholders

    context = arguments["context"]
    remove_placeholders(context, [result[0]], arguments["absolute_boxes"], arguments["fixed_boxes"])
    arguments["box"].position_y = saved_y
    margins = arguments["adjoining_margins"]
    again = {**arguments, "adjoining_margins": None if margins is None else list(margins)}
    if alone:
        context._ita_split_first = wrapper.element
        try:
            retry = original(**again)
        finally:
            context._ita_split_first = None
    else:
        saved = lead.style["break_before"]
        lead.style["break_before"] = "page"
        try:
            retry = original(**again)
        finally:
            lead.style["break_before"] = saved
    return retry if retry[0] is not None else result


def _squeezed(original, result, wrapper, arguments, saved_y):
    """The block laid out again with ``wrapper``'s table ending higher on the page (see the
    module's docstring); the first layout when the second one gives nothing better."""
    from weasyprint.layout.block import remove_placeholders

    context, box = arguments["context"], arguments["box"]
    table = wrapper.get_wrapped_table()
    free = context.page_bottom - arguments["bottom_space"] - (wrapper.position_y + wrapper.margin_height())
    line = table.style["font_size"] * LINE_HEIGHT
    extra = max(free, 0) + CARRIED_LINES * line + 1
    remove_placeholders(context, [result[0]], arguments["absolute_boxes"], arguments["fixed_boxes"])
    box.position_y = saved_y
    context._ita_squeeze = (table.element, extra)
    try:
        retry = original(**arguments)
    finally:
        context._ita_squeeze = None
    return retry if retry[0] is not None else result
