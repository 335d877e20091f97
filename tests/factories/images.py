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


def encoded(kind: str, width: int = 64, height: int = 48, rgb: tuple[int, int, int] = (30, 120, 200)) -> bytes:
    """A real image in Pillow format `kind` ("PNG", "JPEG", "WEBP"): a colour with a darker square in the middle."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), rgb)
    ImageDraw.Draw(image).rectangle(
        (width // 4, height // 4, 3 * width // 4, 3 * height // 4), fill=tuple(c // 2 for c in rgb)
    )
    buffer = io.BytesIO()
    image.save(buffer, format=kind)
    return buffer.getvalue()


def svg_with_images(*hrefs: str) -> bytes:
    """An SVG that draws other files (`<image href>`, as WeasyPrint follows it): what an attacker uploads as a
    "photo" to make a renderer read files it must never read."""
    images = "".join(
        f'<image x="{n * 110}" y="0" width="100" height="100" href="{href}" xlink:href="{href}"/>'
        for n, href in enumerate(hrefs)
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{max(1, len(hrefs)) * 110}" height="100">{images}</svg>'
    ).encode()
