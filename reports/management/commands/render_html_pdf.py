"""``python manage.py render_html_pdf IN.html OUT.pdf``: any HTML file through the portal's PDF layer."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.pdf import render_pdf


class Command(BaseCommand):
    help = (
        "Render an HTML file to PDF exactly as the portal does (Sarabun fonts, base stylesheet, "
        "exact Thai text, Thai distributed justification). Relative URLs resolve next to the HTML "
        "file; /static/ and /media/ come from the portal; nothing is fetched from the network."
    )

    def add_arguments(self, parser):
        parser.add_argument("html", type=Path, help="input HTML file (UTF-8)")
        parser.add_argument("pdf", type=Path, help="output PDF file")
        parser.add_argument("--css", type=Path, action="append", default=[], help="extra stylesheet after base.css (repeatable)")

    def handle(self, *args, **options):
        source: Path = options["html"]
        target: Path = options["pdf"]
        if not source.is_file():
            raise CommandError(f"ไม่พบไฟล์ HTML: {source}")
        for css in options["css"]:
            if not css.is_file():
                raise CommandError(f"ไม่พบไฟล์ CSS: {css}")
        try:
            html = source.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise CommandError(f"ไฟล์ HTML ต้องเป็น UTF-8: {source}") from exc
        folder = source.resolve().parent
        pdf = render_pdf(
            html,
            base_url=folder.as_uri() + "/",
            stylesheets=[css.resolve() for css in options["css"]],
            allowed_dirs=[folder, *(css.resolve().parent for css in options["css"])],
        )
        target.write_bytes(pdf)
        self.stdout.write(f"{target} ({len(pdf):,} bytes)")
