"""Thai text in the portal's PDFs extracts exactly (issue 7).

Every PDF goes through ``reports.pdf.render_pdf``; here it renders text with stacked marks and
hard clusters, and ``pdftotext`` (honours /ActualText) and ``pypdf`` (reads only the glyph map)
must give the source back. The stock-WeasyPrint checks prove the tests can fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import weasyprint
from django.conf import settings
from django.core.management import call_command
from django.template import Context, Template
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from reports.pdf import LocalOnlyFetcher, PdfFetchRefused, render_pdf, thai
from reports.pdf.thai import clones as thai_clones
from reports.pdf.thai import glyphs as thai_glyphs
from reports.pdf.thai import graphemes as thai_graphemes
from reports.pdf.thai import justify as thai_justify
from reports.pdf.thai import tounicode as thai_tounicode
from tests.pdf_helpers import (
    drop_lone_hyphens,
    equal_modulo_wraps,
    first_difference,
    normalise_ws,
    pdffonts,
    pdfinfo,
    pdfium_text,
    pdfjs_texts,
    pdftotext_text,
    pypdf_text,
    stock_weasyprint,
)

# Text of the seed documents, copied into the repository (tests/data/README.md).
SEEDS = Path(__file__).resolve().parent / "data" / "seeds"
FONTS = Path(settings.BASE_DIR) / "static" / "fonts"

HARD_WORDS = [
    "ที่",
    "นั้น",
    "น้ำ",
    "กลุ่ม",
    "สำนักงาน",
    "ผู้อำนวยการ",
    "ฯลฯ",
    "ๆ",
    "ทั้งนี้",
    "คุณธรรม",
    "๐๑๒๓๔๕๖๗๘๙",
    "OIT ตัวชี้วัดที่ ๙",
    # more stacked marks, shortened letters, ligatures and sara am after each tone mark
    "ปฏิบัติ ฐาน ญาติ ฎีกา ฤๅษี ฦๅ กล้ำ ต่ำ ค่ำ จ๋ำ ก๊ำ ซ้ำซาก",
    "ประจำปีงบประมาณ พ.ศ. ๒๕๖๗ (ITA) ร้อยละ ๘๕.๕๐ https://itas.nacc.go.th",
    "เจ้าหน้าที่ผู้รับผิดชอบ นางสาวสุนีย์ ศรีสุข ผู้ช่วยผู้อำนวยการกลุ่มส่งเสริมการจัดการศึกษา",
]


def _paragraphs(seed: str, minimum: int = 150, count: int = 6) -> list[str]:
    text = (SEEDS / seed).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if len(line.strip()) >= minimum][:count]


def _html(paragraphs: list[str], css_class: str = "memo-paragraph") -> str:
    from django.utils.html import escape

    return "".join(f'<p class="{css_class}">{escape(p)}</p>' for p in paragraphs)


def _assert_extracts(pdf: bytes, source: str) -> None:
    poppler = pdftotext_text(pdf, raw=True)
    assert equal_modulo_wraps(poppler, source), "pdftotext -raw: " + first_difference(poppler, source)
    # Default mode: the same, except that poppler drops a hyphen ending a line (dehyphenation).
    poppler = drop_lone_hyphens(pdftotext_text(pdf))
    assert equal_modulo_wraps(poppler, drop_lone_hyphens(source)), "pdftotext: " + first_difference(
        poppler, drop_lone_hyphens(source)
    )
    # Readers that ignore /ActualText read the ToUnicode map glyph by glyph: exact, no composing.
    glyphs = pypdf_text(pdf)
    assert equal_modulo_wraps(glyphs, source), "pypdf: " + first_difference(glyphs, source)
    # PDFium reads every character exactly, but lays spaces out its own way (it drops some
    # before a cluster with a shifted mark, adds some at wide gaps): compared without them.
    assert re.sub(r"\s+", "", pdfium_text(pdf)) == re.sub(r"\s+", "", source), "PDFium"
    (pdfjs,) = pdfjs_texts(pdf)
    assert equal_modulo_wraps(pdfjs, source), "pdf.js: " + first_difference(pdfjs, source)


@pytest.mark.parametrize("weight", ["normal", "bold"])
def test_hard_words_extract_exactly_with_both_tools(weight):
    html = "".join(f'<p style="font-weight: {weight}">{w}</p>' for w in HARD_WORDS)
    pdf = render_pdf(html)
    source = " ".join(HARD_WORDS)
    _assert_extracts(pdf, source)
    # The words, one short paragraph each: plain whitespace normalisation, no wraps.
    short = [w for w in HARD_WORDS if len(w) < 40]
    pdf = render_pdf("".join(f'<p style="font-weight: {weight}">{w}</p>' for w in short))
    assert normalise_ws(pdftotext_text(pdf)) == " ".join(short)
    assert normalise_ws(pypdf_text(pdf)) == " ".join(short)
    assert normalise_ws(pdfjs_texts(pdf)[0]) == " ".join(short)


def test_words_in_running_text_extract_exactly():
    sentence = " ".join(HARD_WORDS) + " และ <b>สำนักงาน</b>กลุ่ม<i>คุณธรรม</i>น้ำ"
    pdf = render_pdf(f"<p>{sentence}</p>")
    _assert_extracts(pdf, re.sub(r"</?[bi]>", "", sentence))


def test_sara_am_reads_back_as_sara_am_glyph_by_glyph():
    """HarfBuzz draws ำ as ํ + า; their clones read back as nothing and ำ, so readers that
    ignore /ActualText (pdf.js, pypdf) find สำนักงาน, while a lone ํ and า keep their text."""
    text = "น้ำ สำนักงาน ค่ำ ป่ำ ปำ ตา อํา"
    pdf = render_pdf(f"<p>{text}</p><p><b>{text}</b></p>")
    want = f"{text} {text}"
    assert normalise_ws(pypdf_text(pdf)) == want
    assert normalise_ws(pdfium_text(pdf)) == want
    assert normalise_ws(pdftotext_text(pdf)) == want
    assert normalise_ws(pdfjs_texts(pdf)[0]) == want
    with stock_weasyprint():
        stock = render_pdf(f"<p>{text}</p>")
    assert "สำนักงาน" not in pdfjs_texts(stock)[0]  # the bug: ส ํ า


def test_a_character_no_font_has_keeps_identity_encoding():
    """A character without a glyph made WeasyPrint write a custom encoding CMap, which pypdf
    misread for the whole font (0.02 % of a 48-page corpus); its .notdef clone keeps
    Identity-H and reads back as the character."""
    text = "สำนักงานเขตพื้นที่ \U0001d11e การศึกษา ☃ กลุ่ม"
    pdf = render_pdf(f"<p>{text}</p><p><b>สำนักงาน \U0001d11e</b></p>")
    assert {f["encoding"] for f in pdffonts(pdf)} == {"Identity-H"}
    want = f"{text} สำนักงาน \U0001d11e"
    assert normalise_ws(pypdf_text(pdf)) == want
    assert normalise_ws(pdfjs_texts(pdf)[0]) == want
    assert normalise_ws(pdftotext_text(pdf)) == want
    with stock_weasyprint():
        stock = render_pdf(f"<p>{text}</p>")
    assert "Custom" in {f["encoding"] for f in pdffonts(stock)}
    assert "สำนักงานเขตพื้นที่" not in pypdf_text(stock)


@pytest.mark.parametrize(
    "seed",
    [
        "000_d951fafa94d13f66.txt",
        "001_f084d3884cd8dd2e.txt",
        "002_de1abe000bc60200.txt",
        "003_b1586e3a4194c3d8.txt",
        "004_c2e2605c658626c6.txt",
    ],
)
@pytest.mark.parametrize("css_class", ["memo-paragraph", "memo-paragraph thai-distributed"])
def test_real_memo_bodies_extract_exactly(seed, css_class):
    paragraphs = _paragraphs(seed)
    assert paragraphs, seed
    pdf = render_pdf(_html(paragraphs, css_class))
    _assert_extracts(pdf, " ".join(paragraphs))


def test_stock_weasyprint_loses_thai_text():
    """The bug this layer fixes: stock WeasyPrint 70 maps า to ำ once it has seen ำ."""
    with stock_weasyprint():
        pdf = render_pdf("<p>สำนักงาน กลุ่ม คุณธรรม น้ำ</p>")
    assert normalise_ws(pdftotext_text(pdf)) != "สำนักงาน กลุ่ม คุณธรรม น้ำ"
    assert thai.installed()  # re-installed after the block


def _to_unicode_maps(pdf: bytes) -> list[dict[int, str]]:
    reader = PdfReader(__import__("io").BytesIO(pdf))
    maps = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            data = font.get_object()["/ToUnicode"].get_object().get_data().decode("latin-1")
            entries = {}
            for gid, text in re.findall(r"<([0-9a-f]{4})> <([0-9a-f]*)>", data):
                entries[int(gid, 16)] = bytes.fromhex(text).decode("utf-16-be")
            maps.append(entries)
    return maps


def test_to_unicode_holds_real_thai_letters_only():
    pdf = render_pdf("<p>" + " ".join(HARD_WORDS) + "</p><p><b>" + " ".join(HARD_WORDS) + "</b></p>")
    maps = _to_unicode_maps(pdf)
    assert maps
    glyph_count = len(TTFont(FONTS / "Sarabun-Regular.ttf").getGlyphOrder())
    for entries in maps:
        texts = set(entries.values())
        # ำ is drawn as ํ + า: only the clone of า in a sara am stands for ำ, and only clones
        # with a format character's id (which pdf.js drops) stand for nothing.
        assert {cid for cid, t in entries.items() if "ำ" in t} and all(
            cid >= glyph_count and t == "ำ" for cid, t in entries.items() if "ำ" in t
        )
        assert all(cid in thai_clones.EMPTY_TEXT_CIDS for cid, t in entries.items() if not t and cid >= glyph_count)
        assert all(len(t) <= 2 for t in texts), sorted(t for t in texts if len(t) > 2)
        assert not any(0xE000 <= ord(c) <= 0xF8FF for t in texts for c in t)
        # า, ุ and ่ each map to themselves.
        for char in "า\u0e38\u0e48":
            assert char in texts


def test_pua_positional_variants_map_back_to_thai(tmp_path):
    """A Sarabun build whose cmap gives positional variants PUA code points (U+F70A…) still
    maps those glyphs to the Thai marks they stand for."""
    font = TTFont(FONTS / "Sarabun-Regular.ttf")
    variants = {0xF70A: "uni0E48.small", 0xF70B: "uni0E49.small", 0xF718: "uni0E38.small", 0xF700: "thoThanthai.less"}
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap.update(variants)
    path = tmp_path / "Sarabun-PUA.ttf"
    font.save(path)
    texts = thai_tounicode.compute_glyph_texts(path.read_bytes(), 0)
    order = font.getGlyphOrder()
    by_name = {order[gid]: text for gid, text in texts.items()}
    assert by_name["uni0E48.small"] == "\u0e48"
    assert by_name["uni0E49.small"] == "\u0e49"
    assert by_name["uni0E38.small"] == "\u0e38"
    assert by_name["thoThanthai.less"] == "\u0e10"
    assert not any(0xE000 <= ord(c) <= 0xF8FF for t in texts.values() for c in t)

    css = f'@font-face {{ font-family: "SarabunPUA"; src: url("{path.as_uri()}"); }} p {{ font-family: SarabunPUA; }}'
    pdf = render_pdf("<p>" + " ".join(HARD_WORDS) + "</p>", stylesheets=[css], allowed_dirs=[tmp_path])
    assert any("SarabunPUA" in f["name"] or "Sarabun" in f["name"] for f in pdffonts(pdf))
    _assert_extracts(pdf, " ".join(HARD_WORDS))


def test_fonts_are_the_portals_sarabun_embedded_and_subset():
    pdf = render_pdf("<p>ภาษาไทย English ๑๒๓ 123</p><p><b>ตัวหนา</b> <i>ตัวเอียง</i> <b><i>ทั้งคู่</i></b></p>")
    fonts = pdffonts(pdf)
    names = sorted(f["name"].split("+", 1)[1] for f in fonts)
    assert names == ["Sarabun", "Sarabun-Bold", "Sarabun-Bold-Italic", "Sarabun-Italic"]
    assert all(f["emb"] and f["sub"] and f["uni"] for f in fonts)
    info = pdfinfo(pdf)
    assert info["Pages"] == 1
    assert info["Page size"].startswith("595.276 x 841.89")  # A4


def test_patch_refuses_another_weasyprint_version(monkeypatch):
    thai.uninstall()
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    try:
        with pytest.raises(thai.UnsupportedWeasyPrintVersion, match=r"70\.0"):
            thai.install()
        with pytest.raises(thai.UnsupportedWeasyPrintVersion):
            render_pdf("<p>ก</p>")
    finally:
        monkeypatch.setattr(weasyprint, "__version__", "70.0")
        thai.install()
    assert thai.installed()


def test_fetcher_serves_only_local_static_and_media(tmp_path, settings):
    fetcher = LocalOnlyFetcher()
    font = fetcher.fetch("https://ita-portal.invalid/static/fonts/Sarabun-Regular.ttf")
    assert font.read()[:4] == (FONTS / "Sarabun-Regular.ttf").read_bytes()[:4]
    font.close()
    for url in (
        "https://example.com/logo.png",
        "http://127.0.0.1:8000/admin/",
        "file:///etc/passwd",
        "https://ita-portal.invalid/static/../../../etc/passwd",
        "ftp://example.com/x",
    ):
        with pytest.raises(PdfFetchRefused):
            fetcher.fetch(url)
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "emblem").mkdir()
    (tmp_path / "emblem" / "garuda.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    media = LocalOnlyFetcher().fetch("https://ita-portal.invalid/media/emblem/garuda.svg")
    assert media.content_type == "image/svg+xml"
    media.close()


def test_render_pdf_never_touches_the_network(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("network access during PDF rendering")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    pdf = render_pdf(
        '<link rel="stylesheet" href="https://cdn.example.com/x.css">'
        '<p style="background: url(https://example.com/bg.png)">ข้อความ <img src="https://example.com/a.png"></p>'
    )
    assert normalise_ws(pdftotext_text(pdf)) == "ข้อความ"


def test_render_html_pdf_command(tmp_path):
    words = " ".join(HARD_WORDS)
    source = tmp_path / "in.html"
    source.write_text(f'<p class="memo-paragraph thai-distributed">{words}</p>', encoding="utf-8")
    extra = tmp_path / "extra.css"
    extra.write_text("p { color: #123456; }", encoding="utf-8")
    target = tmp_path / "out.pdf"
    call_command("render_html_pdf", str(source), str(target), "--css", str(extra))
    pdf = target.read_bytes()
    assert pdf.startswith(b"%PDF-")
    _assert_extracts(pdf, words)
    # The extra stylesheet was applied: the text is drawn in #123456.
    contents = PdfReader(target).pages[0].get_contents().get_data().decode("latin-1")
    colours = {tuple(round(float(v) * 255) for v in m) for m in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) rg", contents)}
    assert (0x12, 0x34, 0x56) in colours


def test_render_html_pdf_command_refuses_missing_file(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="ไม่พบไฟล์"):
        call_command("render_html_pdf", str(tmp_path / "missing.html"), str(tmp_path / "out.pdf"))


def test_keep_together_filter():
    template = Template("{% load pdf_tags %}{{ name|keep_together }}|{{ long|keep_together }}|{{ empty|keep_together }}")
    out = template.render(Context({"name": "นาย<สมชาย> ใจดี", "long": "ก" * 80, "empty": ""}))
    assert out == '<span class="keep-together">นาย&lt;สมชาย&gt; ใจดี</span>|' + "ก" * 80 + "|"


# --- The fast paths of the patch (reading Pango's glyph array, caches) change nothing ---------

TRICKY_TEXTS = [
    "",
    "plain ASCII, with\ttab",
    " \u0301x",  # a combining mark after a space: that grapheme is not blank
    "น้ำ สำนักงาน ผู้อำนวยการ\u00a0ฯลฯ ๆ",
    "ก\u200bข\u200dค \r\n ง",
    "العربية ١٢٣ ไทย",
]


def _reference_graphemes(text: str) -> tuple[list[int], list[int], list[int]]:
    """Grapheme ends, non-blank grapheme ends and justification gap ends (UTF-8 byte offsets:
    after a non-blank grapheme that is Thai or followed by a Thai one), one grapheme at a time."""
    ends, nonblank, offset = [], [], 0
    parts = [part for part in thai_graphemes.GRAPHEME_RE.findall(text) if part]
    thai_parts = [any("\u0e00" <= ch <= "\u0e7f" for ch in part) for part in parts]
    gaps = []
    for k, part in enumerate(parts):
        offset += len(part.encode())
        ends.append(offset)
        if part.encode().strip():
            nonblank.append(offset)
            if thai_parts[k] or (k + 1 < len(parts) and thai_parts[k + 1]):
                gaps.append(offset)
    return ends, nonblank, gaps


@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_cached_graphemes_agree_with_a_plain_segmentation(text):
    thai.clear_text_caches()
    ends, nonblank, gaps = _reference_graphemes(text)
    graphemes = thai_graphemes.graphemes(text)
    assert list(graphemes.ends) == ends
    assert graphemes.nonblank_ends() == nonblank
    assert graphemes.gap_ends() == gaps
    assert graphemes.starts == {0, *ends}
    for line_last in (False, True):
        expected = len(gaps) - int(line_last and bool(gaps) and gaps[-1] == ends[-1])
        assert thai_justify.gaps_in(text, line_last=line_last) == expected
    assert thai_graphemes.graphemes(text) is graphemes  # cached


def test_glyph_records_read_the_same_as_pango_attributes(monkeypatch):
    """The glyph array is unpacked in one call; it must give what cffi reads field by field."""
    from weasyprint.draw import text as draw_text
    from weasyprint.text.ffi import ffi

    runs = []
    thai.install()
    patched = draw_text.draw_first_line

    def spy(stream, textbox, *args):
        line, _ = textbox.pango_layout.get_first_line()
        run = line.runs[0]
        while run != ffi.NULL:
            glyphs = run.data.glyphs
            by_attribute = [
                (info.glyph, info.geometry.width, info.geometry.x_offset, info.geometry.y_offset)
                for info in glyphs.glyphs[0 : glyphs.num_glyphs]
            ]
            runs.append((thai_glyphs.glyph_records(glyphs.glyphs, glyphs.num_glyphs), by_attribute))
            run = run.next
        return patched(stream, textbox, *args)

    monkeypatch.setattr(draw_text, "draw_first_line", spy)
    render_pdf(
        "".join(f"<p>{text}</p>" for text in TRICKY_TEXTS[1:])
        + "<p>ผู้อำนวยการ ปี่ ป่ ญู ฐู ที่ กิ่ง <b>ปี่ป่</b> <i>ที่ป้าย</i> <sup>๑</sup> missing \ue000</p>"
    )
    assert len(runs) >= len(TRICKY_TEXTS)
    assert any(any(y for _, _, _, y in records) for records, _ in runs)  # marks raised or lowered
    assert any(any(x for _, _, x, _ in records) for records, _ in runs)  # marks shifted
    for records, by_attribute in runs:
        assert records == by_attribute


def test_caches_do_not_change_the_pdf():
    """The per-text caches (graphemes, ActualText operators) and the per-font glyph pieces
    only save work: a render with cold caches, with warm ones, and stock-WeasyPrint renders in
    between all give the patched PDF byte for byte."""
    source = (
        '<p class="memo-paragraph thai-distributed">' + " ".join(HARD_WORDS) + "</p>"
        "<p><b>" + " ".join(HARD_WORDS[:6]) + "</b> <i>OIT ตัวชี้วัดที่ ๙</i></p>"
    )
    thai.clear_text_caches()
    cold = render_pdf(source)
    warm = render_pdf(source)
    with stock_weasyprint():
        stock = render_pdf(source)
    after_stock = render_pdf(source)
    assert cold == warm == after_stock
    assert stock != cold
    _assert_extracts(cold, " ".join(HARD_WORDS) + " " + " ".join(HARD_WORDS[:6]) + " OIT ตัวชี้วัดที่ ๙")


def test_latin_ligatures_do_not_leak_compatibility_characters():
    """Sarabun's "fi" ligature maps to U+FB01; the base stylesheet turns Latin ligatures off so
    extractors that ignore /ActualText (pypdf) give back plain letters."""
    from reports.pdf import render_pdf
    from tests.pdf_helpers import pypdf_text

    text = "first official filing OIT ตัวชี้วัดที่ ๙"
    assert " ".join(pypdf_text(render_pdf(f"<p>{text}</p>")).split()) == text


def test_stock_part_puts_one_part_back_and_restores_it():
    """``thai.patch.stock_part`` (the bench's ``--parts``): inside, that part is WeasyPrint's own —
    stock drawing maps the sara am so that pypdf reads ํ + า —, the line breaks stay the portal's;
    afterwards the whole patch is back."""
    from weasyprint.text import line_break

    from reports.pdf.thai import linebreak
    from reports.pdf.thai.patch import stock_part

    html = "<p>สำนักงานเขตพื้นที่การศึกษา</p>"
    assert "สำนักงาน" in pypdf_text(render_pdf(html))
    with stock_part("drawing"):
        assert line_break.Layout.set_text is linebreak.set_text
        assert "สำนักงาน" not in pypdf_text(render_pdf(html))
    with stock_part("line breaks"):
        assert line_break.Layout.set_text is linebreak.stock_set_text
        assert "สำนักงาน" in pypdf_text(render_pdf(html))
    assert line_break.Layout.set_text is linebreak.set_text
    assert "สำนักงาน" in pypdf_text(render_pdf(html))
