"""What a render may read: the shipped print files, and per document a `PrintResources` of its own store's blobs and
the data: URIs the renderer made. Shared by the parent (which fills it) and the render child's fetcher (which reads
it); kept free of the database layer at import time, because the child imports this module."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import segno

#: What the parent (sandbox.py) and the render child (sandbox_child.py) agree on: the variable naming the parent's
#: main script, for the fork server to import once, and the exit code of a child that could not even send its
#: outcome (out of memory while sending).
MAIN_ENV = "SHOWROOM_RENDER_MAIN"
EXIT_UNREPORTED = 3

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
        # imported here: the render child imports this module and must not load Flask's app or the database layer
        from flask import current_app

        from ..extensions import db
        from ..models import Blob
        from ..storage import LocalStorage

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
