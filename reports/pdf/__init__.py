"""The one PDF layer of the portal: every PDF the portal makes is rendered by :func:`render_pdf`.

- WeasyPrint with the portal's own Sarabun fonts (``static/fonts/``, declared by @font-face in
  ``templates/reports/pdf/base.css``, which is always the first stylesheet).
- Nothing is fetched from the network: :class:`LocalOnlyFetcher` serves only the portal's static
  files, its media files, ``data:`` URLs and files under explicitly allowed folders.
- Thai text extracts exactly (see :mod:`reports.pdf.thai`), ``.thai-distributed``
  paragraphs get Thai distributed justification, and Thai lines break between dictionary words,
  never inside one of the render's own ``words`` (names of people, divisions, the agency).
"""

from __future__ import annotations

import mimetypes
import threading
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

__all__ = [
    "BASE_CSS_PATH",
    "DEFAULT_BASE_URL",
    "LocalOnlyFetcher",
    "PdfFetchRefused",
    "render_pdf",
]

BASE_CSS_PATH = Path(__file__).resolve().parents[2] / "templates" / "reports" / "pdf" / "base.css"
#: Relative URLs in report HTML (``{% static %}`` gives ``/static/…``) resolve against this
#: host, which never exists: the fetcher maps its ``/static/`` and ``/media/`` paths to files.
DEFAULT_BASE_URL = "https://ita-portal.invalid/"


class PdfFetchRefused(ValueError):
    """A PDF asked for a resource outside the portal's static/media files."""


def _url_prefix(setting_value: str) -> str:
    path = urlsplit(setting_value).path or "/"
    if not path.startswith("/"):
        path = "/" + path
    if not path.endswith("/"):
        path += "/"
    return path


class LocalOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that never touches the network.

    Served: ``data:`` URLs; ``/static/…`` (via Django's staticfiles finders, then STATIC_ROOT)
    and ``/media/…`` (under MEDIA_ROOT) on any host or as ``file:`` paths; ``file:`` paths that
    resolve inside a static/media folder or inside one of ``allowed_dirs``. Everything else is
    refused with :class:`PdfFetchRefused` (WeasyPrint logs a warning and skips the resource).
    """

    def __init__(self, *, allowed_dirs: list[Path] | tuple[Path, ...] = ()):
        super().__init__(allowed_protocols=("data",), fail_on_errors=False)
        self.static_prefix = _url_prefix(settings.STATIC_URL)
        self.media_prefix = _url_prefix(settings.MEDIA_URL)
        roots = [Path(p) for p in getattr(settings, "STATICFILES_DIRS", ())]
        roots += [Path(settings.STATIC_ROOT), Path(settings.MEDIA_ROOT)]
        roots += [Path(p) for p in allowed_dirs]
        self.allowed_roots = [p.resolve() for p in roots]

    def _inside_allowed(self, path: Path) -> bool:
        return any(path == root or root in path.parents for root in self.allowed_roots)

    def _file_for_path(self, url_path: str) -> Path | None:
        url_path = unquote(url_path)
        if url_path.startswith(self.static_prefix):
            rel = url_path[len(self.static_prefix) :]
            try:
                found = finders.find(rel)
            except SuspiciousFileOperation:
                return None
            if found:
                return Path(found).resolve()
            candidate = (Path(settings.STATIC_ROOT) / rel).resolve()
            if candidate.is_file() and Path(settings.STATIC_ROOT).resolve() in candidate.parents:
                return candidate
            return None
        if url_path.startswith(self.media_prefix):
            root = Path(settings.MEDIA_ROOT).resolve()
            candidate = (root / url_path[len(self.media_prefix) :]).resolve()
            if candidate.is_file() and root in candidate.parents:
                return candidate
        return None

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        path: Path | None = None
        if scheme in ("http", "https"):
            path = self._file_for_path(parts.path)
        elif scheme == "file":
            local = Path(url2pathname(parts.path)).resolve()
            if local.is_file() and self._inside_allowed(local):
                path = local
            else:
                path = self._file_for_path(parts.path)
        if path is None or not path.is_file():
            raise PdfFetchRefused(f"Refused to fetch {url!r}: only the portal's static and media files are served")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        headers = {"Content-Type": mime}
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), headers)


_local = threading.local()


def _base_stylesheet(fetcher: LocalOnlyFetcher, font_config: FontConfiguration) -> weasyprint.CSS:
    return weasyprint.CSS(
        string=BASE_CSS_PATH.read_text(encoding="utf-8"),
        base_url=DEFAULT_BASE_URL,
        url_fetcher=fetcher,
        font_config=font_config,
    )


def render_pdf(
    html: str,
    *,
    base_url: str | None = None,
    stylesheets: list | None = None,
    allowed_dirs: list[Path] | tuple[Path, ...] = (),
    words: Iterable[str] = (),
) -> bytes:
    """Render ``html`` to PDF bytes through the portal's PDF layer.

    ``base_url`` resolves relative URLs (default: a placeholder host whose ``/static/`` and
    ``/media/`` paths are served from the portal's own files). ``stylesheets`` are extra
    stylesheets after ``base.css``: ``weasyprint.CSS`` objects, file paths, or CSS strings
    (a string containing ``{`` is taken as CSS text). ``allowed_dirs`` lets a caller (the
    ``render_html_pdf`` command) serve files from one more local folder. ``words`` are never
    split across lines where a line can hold them (people's and divisions' names).
    """
    from . import tables, thai

    thai.install()
    tables.install()  # a table's header stays above a row split at the top of a page
    fetcher = LocalOnlyFetcher(allowed_dirs=allowed_dirs)
    font_config = FontConfiguration()
    css = [_base_stylesheet(fetcher, font_config)]
    for sheet in stylesheets or []:
        if isinstance(sheet, weasyprint.CSS):
            css.append(sheet)
        elif isinstance(sheet, Path) or (isinstance(sheet, str) and "{" not in sheet):
            css.append(
                weasyprint.CSS(
                    string=Path(sheet).read_text(encoding="utf-8"),
                    base_url=base_url or DEFAULT_BASE_URL,
                    url_fetcher=fetcher,
                    font_config=font_config,
                )
            )
        else:
            css.append(
                weasyprint.CSS(
                    string=sheet,
                    base_url=base_url or DEFAULT_BASE_URL,
                    url_fetcher=fetcher,
                    font_config=font_config,
                )
            )
    with thai.protected_words(words):
        document = weasyprint.HTML(
            string=html,
            base_url=base_url or DEFAULT_BASE_URL,
            url_fetcher=fetcher,
        ).render(stylesheets=css, font_config=font_config)
    return document.write_pdf()
