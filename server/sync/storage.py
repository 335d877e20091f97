"""Where blob bytes live: a small interface, with local files under STORAGE_DIR as the default.

Bytes are stored once by SHA-256 (content addressing); which store may read them is the `blob` table's
business, never the storage's: a hash is no capability.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK = 1 << 16


class BlobTooLarge(Exception):
    """The body grew past the size limit while streaming."""


class BlobMismatch(Exception):
    """The bytes do not have the announced SHA-256 or length."""


class Storage(Protocol):
    """What the sync engine needs of a blob store."""

    def exists(self, sha256: str) -> bool: ...

    def path(self, sha256: str) -> Path: ...

    def write_verified(self, stream: BinaryIO, sha256: str, max_bytes: int, length: int | None) -> int: ...

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

    def write_verified(self, stream: BinaryIO, sha256: str, max_bytes: int, length: int | None) -> int:
        """Stream `stream` to storage, checking size and hash as it goes; nothing is kept on failure."""
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
