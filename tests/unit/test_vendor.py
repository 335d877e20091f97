"""Vendored browser libraries are exactly the pinned releases listed in web/vendor/VENDOR.md."""

import hashlib
import re
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[2] / "web" / "vendor"


def test_vendored_files_match_their_checksums():
    """Each row of VENDOR.md names a file whose SHA-256 matches, and every .js file there is listed."""
    rows = re.findall(r"^\| (\S+\.js) \|.*\| ([0-9a-f]{64}) \|$", (VENDOR / "VENDOR.md").read_text(), re.M)
    assert rows, "VENDOR.md lists no files"
    for name, digest in rows:
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    assert {p.name for p in VENDOR.glob("*.js")} == {name for name, _digest in rows}
