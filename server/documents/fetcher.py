"""What WeasyPrint may read while it renders a document — and nothing else (runs in the render's child process).

Three kinds of URL are served, each only as registered in the render's `PrintResources` (server/documents/resources.py),
which the parent resolved from the database before the child started:

- `file:` URLs of the shipped print files (the stylesheet, fonts under server/documents/fonts/), by exact path;
- `data:` URIs the renderer made itself for this document (the QR code), by exact string;
- `blob:<kind>/<sha256>` URLs of the document's own store's blobs. Their bytes are decoded by Pillow (PNG, JPEG or
  WebP decoder only, with a pixel limit) and re-encoded — PNG for signatures, JPEG for photos — so no SVG or other
  active format ever reaches WeasyPrint. A blob that is no such picture is refused, and the page shows the image's
  alt text ("picture could not be read") instead: one bad picture never fails a legal document.

Everything else (other files, /dev/zero, http:, another store's blob, a data: URI nobody registered) raises
RefusedURL, which WeasyPrint logs and skips.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..storage import open_picture
from .resources import SHIPPED_FILES, PrintResources

#: Photos are printed 56 mm wide: 2048 px (what a tablet sends at most) keeps every detail of the evidence.
PHOTO_LONG_SIDE = 2048
PHOTO_QUALITY = 90
SHIPPED_TYPES = {
    ".css": "text/css",
    ".otf": "font/otf",
    ".ttf": "font/ttf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}


class RefusedURL(ValueError):
    """A URL this render may not read."""


def reencode(data: bytes, kind: str) -> tuple[bytes, str]:
    """A blob's bytes decoded as PNG, JPEG or WebP and encoded afresh: (PNG, image/png) for a signature, (JPEG,
    image/jpeg) for a photo. Orientation from EXIF is applied (the new file has none). Raises for anything else."""
    from PIL import ImageOps

    with open_picture(io.BytesIO(data)) as opened:
        opened.load()
        image = ImageOps.exif_transpose(opened)
    output = io.BytesIO()
    if kind == "signature":
        alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        image.convert("RGBA" if alpha else "RGB").save(output, format="PNG", compress_level=1)
        return output.getvalue(), "image/png"
    if max(image.size) > PHOTO_LONG_SIDE:
        image.thumbnail((PHOTO_LONG_SIDE, PHOTO_LONG_SIDE))
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        from PIL import Image

        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))  # as the tablet does: transparency on white
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    image.convert("RGB").save(output, format="JPEG", quality=PHOTO_QUALITY)
    return output.getvalue(), "image/jpeg"


class PrintFetcher(URLFetcher):
    """WeasyPrint's URL fetcher for one render: serves what `resources` registered, refuses everything else."""

    def __init__(self, resources: PrintResources):
        super().__init__(allowed_protocols=(), fail_on_errors=False)  # the parent class fetches nothing itself
        self.resources = resources
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        try:
            return self._serve(url)
        except Exception:
            self.refused.append(url[:200])
            raise

    def _serve(self, url: str) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data" and url in self.resources.data_uris:
            return self._data(url)
        if scheme == "blob" and url in self.resources.blobs:
            path, kind = self.resources.blobs[url]
            try:
                body, content_type = reencode(_read(Path(path), self.resources.max_blob_bytes), kind)
            except Exception as exc:  # noqa: BLE001 - not a picture we can read: the page shows the alt text
                raise RefusedURL(f"{url}: not a readable picture ({type(exc).__name__})") from exc
            return URLFetcherResponse(url, body, {"Content-Type": content_type})
        if scheme == "file":
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                raise RefusedURL(url)
            path = Path(url2pathname(parts.path)).resolve()
            if path in SHIPPED_FILES:
                return URLFetcherResponse(
                    url, path.read_bytes(), {"Content-Type": SHIPPED_TYPES.get(path.suffix, "application/octet-stream")}
                )
        raise RefusedURL(url[:200])

    @staticmethod
    def _data(url: str) -> URLFetcherResponse:
        header, _comma, payload = url[5:].partition(",")
        params = header.split(";")
        body = base64.b64decode(payload) if params[-1] == "base64" else unquote_to_bytes(payload)
        content_type = params[0] or "text/plain"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def _read(path: Path, max_bytes: int) -> bytes:
    """A blob file's bytes, refused beyond `max_bytes` (what an upload may weigh)."""
    with open(path, "rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise RefusedURL(f"{path.name}: larger than a blob may be")
    return data
