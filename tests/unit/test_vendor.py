"""Vendored browser libraries are exactly the pinned releases listed in web/vendor/VENDOR.md, and the tests' own
(axe-core, tests/browser/vendor/VENDOR.md) in theirs."""

import hashlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "web" / "vendor"
TEST_VENDOR = ROOT / "tests" / "browser" / "vendor"


@pytest.mark.parametrize("folder", [VENDOR, TEST_VENDOR], ids=["web", "tests"])
def test_vendored_files_match_their_checksums(folder):
    """Each row of VENDOR.md names a file whose SHA-256 matches, and every .js file there is listed."""
    rows = re.findall(r"^\| (\S+\.js) \|.*\| ([0-9a-f]{64}) \|$", (folder / "VENDOR.md").read_text(), re.M)
    assert rows, "VENDOR.md lists no files"
    for name, digest in rows:
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    assert {p.name for p in folder.glob("*.js")} == {name for name, _digest in rows}


def test_the_tests_vendor_folder_is_not_served():
    """axe-core is for the tests only: nothing the server or the tablet ships refers to it."""
    for path in [*(ROOT / "web").rglob("*"), *(ROOT / "server").rglob("*")]:
        if path.is_file() and path.suffix in {".js", ".html", ".py", ".css", ".json", ".webmanifest"}:
            assert "axe-core" not in path.read_text(encoding="utf-8", errors="replace"), path
