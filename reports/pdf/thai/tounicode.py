"""The ToUnicode map: what each glyph of a font unambiguously stands for, read from the font.

WeasyPrint fills ``font.to_unicode`` from the first cluster a glyph is seen in, which is wrong
for Thai (see :mod:`reports.pdf.thai`). :func:`glyph_texts` derives the text of a glyph from the
font itself instead: its cmap (non-PUA code points preferred), else the GSUB single/alternate/
ligature substitutions that produce it from glyphs already known (iterated to a fixed point; a
glyph reachable from two different texts is ambiguous and left out), else the conventional Thai
PUA table, else a ``uniXXXX`` glyph name.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading

from fontTools.ttLib import TTFont

__all__ = ["THAI_PUA", "compute_glyph_texts", "glyph_texts"]

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


def compute_glyph_texts(font_bytes: bytes, index: int) -> dict[int, str]:
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
            texts = compute_glyph_texts(font.file_content, font.index)
            with _cache_lock:
                _cache[key] = texts
        font._thai_glyph_texts = texts
    return texts
