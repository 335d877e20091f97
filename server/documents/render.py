"""HTML print templates → PDF with WeasyPrint, in a child process that reads only what the document may show.

The parent builds the HTML and a `PrintResources`: the blobs of the document's own store it may show (checked
against the `blob` table here, in the parent) and the data: URIs it made (the QR code). The child
(server/documents/sandbox.py) renders with a memory and time limit and a URL fetcher (fetcher.py) that serves those,
the shipped print files, and nothing else. Lone UTF-16 surrogates become U+FFFD before WeasyPrint sees the HTML.
"""

from __future__ import annotations

from flask import current_app, has_app_context, render_template

from ..boundary import scrub_text
from ..config import Config
from .resources import PRINT_CSS, PrintResources
from .sandbox import render_in_child


def html_to_pdf(
    html: str, resources: PrintResources, timeout: float | None = None, memory_mb: int | None = None
) -> bytes:
    """Render HTML to PDF in a child process limited to `timeout` seconds and `memory_mb` MB above its start
    (default: the app's RENDER_TIMEOUT_SECONDS and RENDER_MEMORY_MB), reading only the shipped print files and
    `resources`. Raises sandbox.RenderFailed when a limit is exceeded or the child fails."""
    config = current_app.config if has_app_context() else {}
    timeout = timeout if timeout is not None else config.get("RENDER_TIMEOUT_SECONDS", Config.RENDER_TIMEOUT_SECONDS)
    memory_mb = memory_mb if memory_mb is not None else config.get("RENDER_MEMORY_MB", Config.RENDER_MEMORY_MB)
    return render_in_child(scrub_text(html), resources, float(timeout), int(memory_mb))


def render_print_template(template_name: str, **context) -> str:
    """The print template rendered to HTML with the shared print stylesheet."""
    return render_template(template_name, print_css=PRINT_CSS.as_uri(), **context)
