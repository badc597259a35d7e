"""Helpers for tests and the bench: extract and inspect PDFs made by :func:`reports.pdf.render_pdf`.

``pdftotext``/``pdffonts``/``pdfinfo``/``pdftoppm`` are poppler-utils (installed on the machine);
pypdf is pinned in requirements.txt.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = [
    "compose_sara_am",
    "normalise_ws",
    "page_images",
    "pdffonts",
    "pdfinfo",
    "pdftotext_text",
    "pypdf_text",
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
        raise RuntimeError(f"{name} not found: install poppler-utils")
    return path


def _run(args: list[str], data: bytes) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "in.pdf"
        pdf.write_bytes(data)
        return subprocess.run(  # noqa: S603 - fixed poppler tool, our own temp file
            [_tool(args[0]), *args[1:], str(pdf), *(["-"] if args[0] == "pdftotext" else [])], check=True, capture_output=True
        ).stdout


def pdftotext_text(pdf_bytes: bytes, layout: bool = False) -> str:
    """Text as poppler's ``pdftotext`` extracts it (honours /ActualText)."""
    args = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        args.append("-layout")
    return _run(args, pdf_bytes).decode("utf-8")


def pypdf_text(pdf_bytes: bytes) -> str:
    """Text as pypdf extracts it (ignores /ActualText: only the ToUnicode map counts)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf_bytes))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def compose_sara_am(text: str) -> str:
    """Compose a decomposed sara am back: ``ํ`` + ``า`` → ``ำ``, also across a tone mark.

    HarfBuzz shapes น้ำ as น ํ ้ า; a glyph-by-glyph extraction then reads ``น ํ ้ า``. Both that
    order and ``น ้ ํ า`` become ``น้ำ``.
    """
    text = _SARA_AM_RE.sub(lambda m: m.group(1) + SARA_AM, text)
    return _TONE_BEFORE_AM_RE.sub(lambda m: m.group(1) + SARA_AM, text)


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
    subprocess.run(  # noqa: S603 - fixed poppler tool, our own temp file
        [_tool("pdftoppm"), "-r", str(dpi), "-png", str(pdf), str(out_dir / "page")], check=True
    )
    return sorted(out_dir.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
