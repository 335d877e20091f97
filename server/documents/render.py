"""HTML print templates → PDF with WeasyPrint; resources only from local files, never over the network."""

from __future__ import annotations

from pathlib import Path

import segno
from flask import render_template

HERE = Path(__file__).resolve().parent
PRINT_CSS = HERE / "print.css"


def qr_data_uri(url: str) -> str:
    """A QR code of `url` as an SVG data URI (segno), for the verification link."""
    return segno.make(url, error="m").svg_data_uri(scale=3, border=2)


def html_to_pdf(html: str) -> bytes:
    """Render HTML to PDF. Only file: and data: URLs are fetched: a print template can never reach a network."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("file", "data"), fail_on_errors=True)
    return HTML(string=html, base_url=HERE.as_uri() + "/", url_fetcher=fetcher).write_pdf()


def render_print_template(template_name: str, **context) -> str:
    """The print template rendered to HTML with the shared print stylesheet."""
    return render_template(template_name, print_css=PRINT_CSS.as_uri(), **context)
