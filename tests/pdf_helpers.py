"""Helpers for tests and the bench: extract and inspect PDFs made by :func:`reports.pdf.render_pdf`.

``pdftotext``/``pdffonts``/``pdfinfo``/``pdftoppm`` are poppler-utils (installed on the machine);
pypdf and pypdfium2 (PDFium, Chrome's PDF engine) are pinned in requirements.txt; pdf.js
(Firefox's) is ``pdfjs-dist`` under Node, installed in ``tests/js/`` by ``make test``.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from reports.pdf import thai

__all__ = [
    "compose_sara_am",
    "drop_lone_hyphens",
    "equal_modulo_wraps",
    "first_difference",
    "glyph_runs",
    "lines_of",
    "normalise_ws",
    "page_images",
    "pdffonts",
    "pdfinfo",
    "pdfium_text",
    "pdfjs_texts",
    "pdftotext_text",
    "pypdf_text",
    "stock_drawing",
    "stock_weasyprint",
]

NIKHAHIT = "\u0e4d"  # ํ
SARA_AA = "\u0e32"  # า
SARA_AM = "\u0e33"  # ำ
_TONES = "\u0e48\u0e49\u0e4a\u0e4b"  # ่ ้ ๊ ๋
_SARA_AM_RE = re.compile(f"{NIKHAHIT}([{_TONES}]?){SARA_AA}")
_TONE_BEFORE_AM_RE = re.compile(f"([{_TONES}]){NIKHAHIT}{SARA_AA}")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} not found: install {'Node.js' if name == 'node' else 'poppler-utils'}")
    return path


def _run(args: list[str], data: bytes) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "in.pdf"
        pdf.write_bytes(data)
        return subprocess.run(
            [_tool(args[0]), *args[1:], str(pdf), *(["-"] if args[0] == "pdftotext" else [])], check=True, capture_output=True
        ).stdout


def pdftotext_text(pdf_bytes: bytes, layout: bool = False, raw: bool = False) -> str:
    """Text as poppler's ``pdftotext`` extracts it (honours /ActualText).

    In its default mode pdftotext joins a line that ends with "-" to the next one and drops
    the hyphen (it takes it for hyphenation, even after a space: "๒๕๖๐ -⏎๒๕๖๔" → "๒๕๖๐ ๒๕๖๔");
    ``raw`` (content-stream order) and ``layout`` keep it.
    """
    args = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        args.append("-layout")
    if raw:
        args.append("-raw")
    return _run(args, pdf_bytes).decode("utf-8")


def pypdf_text(pdf_bytes: bytes) -> str:
    """Text as pypdf extracts it (ignores /ActualText: only the ToUnicode map counts)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf_bytes))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def pdfium_text(pdf_bytes: bytes) -> str:
    """Text as PDFium (Chrome, Edge) extracts it, page by page, through pypdfium2.

    PDFium takes a "-" ending a line for a hyphenation and gives it back as U+FFFE, joined to
    the next line ("E-⏎Service" → "E\ufffeService"); it is turned back into the "-" drawn."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        pages = []
        for page in document:
            text_page = page.get_textpage()
            pages.append(text_page.get_text_range().replace("\ufffe", "-"))
            text_page.close()
            page.close()
        return "\n".join(pages)
    finally:
        document.close()


PDFJS_DIR = Path(__file__).resolve().parent / "js"


def pdfjs_texts(*pdfs: bytes) -> list[str]:
    """Text of each PDF as pdf.js (Firefox's PDF viewer) extracts it: ``tests/js/pdf_text.mjs``
    under Node, one Node process for all of them (pdf.js ignores /ActualText)."""
    node = _tool("node")
    if not (PDFJS_DIR / "node_modules" / "pdfjs-dist").is_dir():
        raise RuntimeError("pdfjs-dist not installed: run `npm ci` in tests/js (make test does)")
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for number, data in enumerate(pdfs):
            path = Path(tmp) / f"{number}.pdf"
            path.write_bytes(data)
            paths.append(str(path))
        out = subprocess.run([node, str(PDFJS_DIR / "pdf_text.mjs"), *paths], check=True, capture_output=True).stdout
    return ["\n".join(pages) for pages in json.loads(out)]


def compose_sara_am(text: str) -> str:
    """Compose a decomposed sara am back: ``ํ`` + ``า`` → ``ำ``, also across a tone mark.

    HarfBuzz shapes น้ำ as น ํ ้ า; a glyph-by-glyph extraction then reads ``น ํ ้ า``. Both that
    order and ``น ้ ํ า`` become ``น้ำ``.
    """
    text = _SARA_AM_RE.sub(lambda m: m.group(1) + SARA_AM, text)
    return _TONE_BEFORE_AM_RE.sub(lambda m: m.group(1) + SARA_AM, text)


def drop_lone_hyphens(text: str) -> str:
    """Remove " - " tokens (see :func:`pdftotext_text` on poppler's dehyphenation)."""
    return re.sub(r"(?<!\S)-(?!\S)", " ", text)


def normalise_ws(text: str) -> str:
    """Collapse every run of whitespace (including form feeds and NBSP) to one space; strip."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def pdffonts(pdf_bytes: bytes) -> list[dict]:
    """Fonts of the PDF as ``pdffonts`` lists them: name, type, encoding, emb, sub, uni."""
    out = _run(["pdffonts"], pdf_bytes).decode("utf-8").splitlines()
    rows = []
    for line in out[2:]:
        parts = line.split()
        if len(parts) < 7:
            continue
        # name type[ words] encoding emb sub uni object ID
        name = parts[0]
        emb, sub, uni = parts[-5:-2]
        encoding = parts[-6]
        font_type = " ".join(parts[1:-6])
        rows.append(
            {"name": name, "type": font_type, "encoding": encoding, "emb": emb == "yes", "sub": sub == "yes", "uni": uni == "yes"}
        )
    return rows


def pdfinfo(pdf_bytes: bytes) -> dict:
    """``pdfinfo`` key/value pairs (``Pages`` as int)."""
    out = _run(["pdfinfo"], pdf_bytes).decode("utf-8")
    info: dict = {}
    for line in out.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            info[key.strip()] = value.strip()
    if "Pages" in info:
        info["Pages"] = int(info["Pages"])
    return info


def page_images(pdf_bytes: bytes, dpi: int = 100, out_dir: Path | None = None) -> list[Path]:
    """Render every page to PNG with ``pdftoppm``; returns the files in page order."""
    out_dir = Path(out_dir or tempfile.mkdtemp(prefix="ita-pdf-pages-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    pdf = out_dir / "doc.pdf"
    pdf.write_bytes(pdf_bytes)
    subprocess.run([_tool("pdftoppm"), "-r", str(dpi), "-png", str(pdf), str(out_dir / "page")], check=True)
    return sorted(out_dir.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))


def equal_modulo_wraps(extracted: str, source: str) -> bool:
    """Whether ``extracted`` is ``source`` once whitespace is normalised, allowing each line
    break of the extraction to stand for a space or for nothing (Thai wraps between words
    that have no space between them)."""
    rest = normalise_ws(source)
    lines = [normalise_ws(line) for line in extracted.splitlines() if line.strip()]
    for line in lines:
        if not rest.startswith(line):
            return False
        rest = rest[len(line) :]
        if rest.startswith(" "):
            rest = rest[1:]
    return rest == ""


def first_difference(extracted: str, source: str, context: int = 30) -> str:
    """A readable description of where ``extracted`` stops matching ``source`` (for asserts)."""
    rest = normalise_ws(source)
    done = ""
    for line in (normalise_ws(line) for line in extracted.splitlines() if line.strip()):
        if not rest.startswith(line):
            index = next((k for k, (a, b) in enumerate(zip(line, rest, strict=False)) if a != b), len(line))
            return f"after {done[-context:]!r}{line[:index]!r}: got {line[index : index + context]!r}, want {rest[index : index + context]!r}"
        rest = rest[len(line) :].removeprefix(" ")
        done += line + " "
    return f"missing at end: {rest[:context]!r}" if rest else "no difference"


@contextlib.contextmanager
def stock_weasyprint():
    """Render with WeasyPrint's own text drawing and justification inside this block (to
    compare with the portal's patched output). Not thread-safe: tests and bench only."""
    with thai.suspended():
        yield


@contextlib.contextmanager
def stock_drawing():
    """Stock WeasyPrint's drawing, justification and fonts, but the portal's Thai line breaks
    (:mod:`reports.pdf.thai.linebreak`): the same lines as the portal's, to compare pixels."""
    from weasyprint.text import line_break

    from reports.pdf.thai import linebreak

    with thai.suspended():
        line_break.Layout.set_text = linebreak.set_text
        try:
            yield
        finally:
            line_break.Layout.set_text = linebreak.stock_set_text


def glyph_runs(pdf_bytes: bytes) -> list[list[dict]]:
    """Glyphs drawn on each page, in content-stream order: dicts with ``x``, ``y`` (text space
    of WeasyPrint's pages, CSS px from the page's top-left), ``width`` (advance incl. Tc, px),
    ``glyph_width`` (the glyph's own advance, px),
    ``size`` (font size, px), ``gid`` and ``font``.

    A small interpreter of the text operators WeasyPrint writes (Tm, Tf, Tc, Ts, TJ, Tj),
    enough to measure spacing; not a general PDF text engine.
    """
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    reader = PdfReader(io.BytesIO(pdf_bytes))
    pages = []
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        widths: dict[str, tuple[dict[int, float], float]] = {}
        for name, ref in fonts.items():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            table: dict[int, float] = {}
            w = descendant.get("/W", [])
            k = 0
            while k < len(w):
                first = int(w[k])
                if isinstance(w[k + 1], list) or hasattr(w[k + 1], "__iter__"):
                    for offset, value in enumerate(w[k + 1]):
                        table[first + offset] = float(value)
                    k += 2
                else:
                    last, value = int(w[k + 1]), float(w[k + 2])
                    for gid in range(first, last + 1):
                        table[gid] = value
                    k += 3
            widths[name] = (table, float(descendant.get("/DW", 1000)))
        glyphs = []
        tm = [1, 0, 0, 1, 0, 0]
        tx = 0.0
        size, font, tc, ts = 1.0, None, 0.0, 0.0
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tm":
                tm = [float(v) for v in operands]
                tx = 0.0
            elif operator == b"Tf":
                font, size = str(operands[0]), float(operands[1])
            elif operator == b"Tc":
                tc = float(operands[0])
            elif operator == b"Ts":
                ts = float(operands[0])
            elif operator in (b"TJ", b"Tj"):
                items = operands[0] if operator == b"TJ" else [operands[0]]
                table, default = widths.get(font, ({}, 1000.0))
                for item in items:
                    if isinstance(item, (int, float)) or type(item).__name__ in ("NumberObject", "FloatObject"):
                        tx -= float(item) / 1000 * size
                        continue
                    data = bytes(item.original_bytes if hasattr(item, "original_bytes") else item)
                    for pos in range(0, len(data) - 1, 2):
                        gid = data[pos] << 8 | data[pos + 1]
                        glyph_width = table.get(gid, default) / 1000 * size
                        advance = glyph_width + tc
                        glyphs.append(
                            {
                                "x": tm[4] + tx,
                                "y": tm[5] - ts,
                                "base": tm[5],
                                "width": advance,
                                "glyph_width": glyph_width,
                                "size": size,
                                "gid": gid,
                                "font": font,
                            }
                        )
                        tx += advance
        pages.append(glyphs)
    return pages


def lines_of(glyphs: list[dict], tolerance: float = 1.0) -> list[list[dict]]:
    """Group one page's glyphs into lines by their baseline (text rise ignored)."""
    lines: list[list[dict]] = []
    for glyph in glyphs:
        if lines and abs(lines[-1][0]["base"] - glyph["base"]) <= tolerance:
            lines[-1].append(glyph)
        else:
            lines.append([glyph])
    return lines
