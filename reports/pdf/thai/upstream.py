"""The parts of WeasyPrint 70.0's ``draw_first_line`` that the Thai copy calls unchanged: taking
the first line of a layout (with its ellipsis) and the colour-glyph (emoji) block. Kept apart so
that :mod:`reports.pdf.thai.draw` holds only what the patch changes, and so that a diff against
a new WeasyPrint release shows at once whether these moved upstream."""

from __future__ import annotations

import io
from xml.etree import ElementTree

from PIL import Image
from weasyprint.images import RasterImage, SVGImage
from weasyprint.text.ffi import FROM_UNITS, TO_UNITS, pango
from weasyprint.text.fonts import get_hb_object_data
from weasyprint.text.line_break import get_last_word_end

__all__ = ["color_glyph", "first_line_of"]


def first_line_of(textbox, text_overflow, block_ellipsis):
    """The first line of the textbox's layout, ellipsized as asked (WeasyPrint's, unchanged)."""
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
    return first_line


def color_glyph(emojis, stream, textbox, font, font_size, pango_font, glyph_id, logical_width, kerning, x_advance):
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
