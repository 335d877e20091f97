"""Real PNG images made with zlib alone, standing in for camera photos and signatures in tests and benches."""

from __future__ import annotations

import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width: int, height: int, rows: bytes) -> bytes:
    """A truecolour PNG from raw RGB rows (each row already prefixed with its filter byte)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows, 6)) + _chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def solid_png(width: int = 96, height: int = 64, rgb: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    """A small solid-colour PNG."""
    return png(width, height, (b"\x00" + bytes(rgb) * width) * height)


def gradient_png(seed: int, width: int = 800, height: int = 600) -> bytes:
    """An 800×600 gradient PNG of a few hundred kB, about what a compressed photo weighs."""
    rows = b"".join(b"\x00" + bytes((x * 7 + y * 3 + seed * 40) % 256 for x in range(width * 3)) for y in range(height))
    return png(width, height, rows)
