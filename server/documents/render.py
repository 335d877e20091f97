"""HTML print templates → PDF with WeasyPrint, in a child process that reads only what the document may show.

The parent builds the HTML and a `PrintResources`: the blobs of the document's own store it may show (checked
against the `blob` table here, in the parent) and the data: URIs it made (the QR code). The child
(server/documents/sandbox.py) renders with a memory and time limit and a URL fetcher (fetcher.py) that serves those,
the shipped print files, and nothing else. Lone UTF-16 surrogates become U+FFFD before WeasyPrint sees the HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import segno
from flask import render_template

from ..boundary import scrub_text

HERE = Path(__file__).resolve().parent
PRINT_CSS = HERE / "print.css"
FONT_SUFFIXES = (".otf", ".ttf", ".woff", ".woff2")
#: The shipped print files a render may read by file: URL (the stylesheet; fonts if any are shipped here).
SHIPPED_FILES = frozenset(
    [PRINT_CSS.resolve()]
    + [path.resolve() for path in sorted((HERE / "fonts").glob("*")) if path.suffix.lower() in FONT_SUFFIXES]
)
BLOB_KINDS = ("photo", "signature")
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass
class PrintResources:
    """What one render may read besides the shipped print files: `blobs` (URL → (file path, kind)) of the
    document's own store, and `data_uris` the renderer made. Filled in the parent, read by the child's fetcher."""

    store_id: int | None = None
    blobs: dict[str, tuple[str, str]] = field(default_factory=dict)
    data_uris: set[str] = field(default_factory=set)
    max_blob_bytes: int = 20 * 1024 * 1024

    def blob(self, sha256: str, kind: str = "photo") -> str | None:
        """The URL (`blob:<kind>/<sha256>`) by which the print template shows a blob of this store, or None when the
        store holds no such blob (never uploaded, or uploaded by another store only: a hash is no capability)."""
        from flask import current_app

        from ..extensions import db
        from ..models import Blob
        from ..sync.storage import LocalStorage

        if kind not in BLOB_KINDS or not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
            return None
        url = f"blob:{kind}/{sha256}"
        if url in self.blobs:
            return url
        storage = LocalStorage(current_app.config["STORAGE_DIR"])
        if self.store_id is None or db.session.get(Blob, (self.store_id, sha256)) is None or not storage.exists(sha256):
            return None
        self.max_blob_bytes = current_app.config["BLOB_MAX_BYTES"]
        self.blobs[url] = (str(storage.path(sha256)), kind)
        return url

    def data(self, uri: str) -> str:
        """Register a data: URI the renderer made (exactly this string may be read); returns it."""
        self.data_uris.add(uri)
        return uri


def qr_data_uri(url: str) -> str:
    """A QR code of `url` as an SVG data URI (segno), for the verification link."""
    return segno.make(url, error="m").svg_data_uri(scale=3, border=2)


def html_to_pdf(
    html: str, resources: PrintResources, timeout: float | None = None, memory_mb: int | None = None
) -> bytes:
    """Render HTML to PDF in a child process limited to `timeout` seconds and `memory_mb` MB above its start
    (default: the app's RENDER_TIMEOUT_SECONDS and RENDER_MEMORY_MB), reading only the shipped print files and
    `resources`. Raises sandbox.RenderFailed when a limit is exceeded or the child fails."""
    from flask import current_app, has_app_context

    from ..config import Config
    from .sandbox import render_in_child

    config = current_app.config if has_app_context() else {}
    timeout = timeout if timeout is not None else config.get("RENDER_TIMEOUT_SECONDS", Config.RENDER_TIMEOUT_SECONDS)
    memory_mb = memory_mb if memory_mb is not None else config.get("RENDER_MEMORY_MB", Config.RENDER_MEMORY_MB)
    return render_in_child(scrub_text(html), resources, float(timeout), int(memory_mb))


def render_print_template(template_name: str, **context) -> str:
    """The print template rendered to HTML with the shared print stylesheet."""
    return render_template(template_name, print_css=PRINT_CSS.as_uri(), **context)
