"""Where blob bytes live: a small interface, with local files under STORAGE_DIR as the default.

Bytes are stored once by SHA-256 (content addressing); which store may read them is the `blob` table's
business, never the storage's: a hash is no capability.

An upload is kept only when its bytes are what its type says (`check_content`): a picture is opened by the
decoder of its claimed format alone and decoded whole, a PDF starts with `%PDF-`. An SVG or HTML page named
`image/png` — which a renderer would follow to other files — never lands in the store.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK = 1 << 16
#: Pictures by declared type: the Pillow format that must decode them, and the magic bytes they start with.
PICTURE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP"}
MAGIC = {"PNG": (b"\x89PNG\r\n\x1a\n",), "JPEG": (b"\xff\xd8\xff",), "WEBP": (b"RIFF",)}
#: How a complete file of each format ends (PNG's IEND chunk, JPEG's EOI marker); WebP announces its length.
ENDS = {"PNG": b"\x00\x00\x00\x00IEND\xaeB`\x82", "JPEG": b"\xff\xd9"}
#: The most pixels a picture may have (upload and print): a 5000 × 5000 photo; a tablet sends at most 2048 px.
MAX_PIXELS = 25_000_000


class BlobTooLarge(Exception):
    """The body grew past the size limit while streaming."""


class BlobMismatch(Exception):
    """The bytes do not have the announced SHA-256 or length."""


class BlobContentRefused(Exception):
    """The bytes are not what their declared type says (or not a type we keep)."""


def open_picture(source, formats: tuple[str, ...] = tuple(MAGIC)):
    """A Pillow image of `source` (a path or a binary file) by one of `formats`' decoders only, never any other
    (no SVG, no PostScript); refused beyond MAX_PIXELS before any pixel is decoded. The caller closes it."""
    from PIL import Image

    image = Image.open(source, formats=list(formats))
    if image.width * image.height > MAX_PIXELS:
        image.close()
        raise BlobContentRefused(f"{image.width}×{image.height} pixels")
    return image


def _complete(kind: str, path: Path, head: bytes) -> bool:
    """True when the file ends as a whole file of `kind` does. Pillow's decoders can't be trusted with that: any
    module that imports WeasyPrint sets ImageFile.LOAD_TRUNCATED_IMAGES for the whole process."""
    size = path.stat().st_size
    if kind == "WEBP":
        return int.from_bytes(head[4:8], "little") + 8 == size
    with open(path, "rb") as handle:
        handle.seek(max(0, size - len(ENDS[kind])))
        return handle.read() == ENDS[kind]


def check_content(path: Path, content_type: str) -> None:
    """Raise BlobContentRefused unless the file holds what `content_type` says: for a picture, its format's magic
    bytes, a complete file and a whole decode by that format's decoder alone; for a PDF, `%PDF-`."""
    with open(path, "rb") as handle:
        head = handle.read(16)
    if content_type == "application/pdf":
        if not head.startswith(b"%PDF-"):
            raise BlobContentRefused("not a PDF")
        return
    kind = PICTURE_FORMATS.get(content_type)
    if kind is None or not head.startswith(MAGIC[kind]) or (kind == "WEBP" and head[8:12] != b"WEBP"):
        raise BlobContentRefused(f"not {kind or content_type}")
    if not _complete(kind, path, head):
        raise BlobContentRefused(f"a truncated {kind}")
    try:
        with open_picture(path, (kind,)) as image:
            if image.format != kind:
                raise BlobContentRefused(f"{image.format}, not {kind}")
            image.load()
    except BlobContentRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever a decoder raises (OSError, SyntaxError, …) means "refused"
        raise BlobContentRefused(f"{type(exc).__name__}: {exc}") from exc


class Storage(Protocol):
    """What the sync engine needs of a blob store."""

    def exists(self, sha256: str) -> bool: ...

    def path(self, sha256: str) -> Path: ...

    def write_verified(
        self,
        stream: BinaryIO,
        sha256: str,
        max_bytes: int,
        length: int | None,
        check: Callable[[Path], None] | None = None,
    ) -> int: ...

    def put_bytes(self, data: bytes) -> str: ...


class LocalStorage:
    """Blobs as files `<root>/blobs/ab/cd/<sha256>`, written to a temporary file and renamed when verified."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root) / "blobs"

    def path(self, sha256: str) -> Path:
        """Where the bytes of `sha256` are (or would be)."""
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        """True when the bytes are stored."""
        return self.path(sha256).is_file()

    def write_verified(
        self,
        stream: BinaryIO,
        sha256: str,
        max_bytes: int,
        length: int | None,
        check: Callable[[Path], None] | None = None,
    ) -> int:
        """Stream `stream` to storage, checking size and hash as it goes, then `check(temporary file)` (content);
        nothing is kept on failure, and bytes already stored (another store's) are never touched by one."""
        target = self.path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise BlobTooLarge
                    digest.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != sha256 or (length is not None and length != size):
                raise BlobMismatch
            if check is not None:
                check(Path(tmp))
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return size

    def put_bytes(self, data: bytes) -> str:
        """Store bytes the server produced (rendered PDFs); returns their SHA-256."""
        sha256 = hashlib.sha256(data).hexdigest()
        if not self.exists(sha256):
            import io

            self.write_verified(io.BytesIO(data), sha256, len(data), len(data))
        return sha256
