"""The tablet's modules keep their layers: core/ stands alone, features build on core, the shell frames them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

JS = Path(__file__).resolve().parents[2] / "web" / "js"
FEATURES = ["customers", "handover", "test-drive", "walkaround"]


def _imported_folders(folder: str) -> set[str]:
    """The top folders of web/ (js/<folder>, vendor, ...) that the modules of web/js/<folder> import from."""
    found = set()
    for module in (JS / folder).glob("*.js"):
        for spec in re.findall(r"from '(\.{1,2}/[^']+)'", module.read_text(encoding="utf-8")):
            target = (module.parent / spec).resolve()
            found.add(target.parent.name if target.parent.parent == JS else target.relative_to(JS.parent).parts[0])
    return found


def test_core_imports_only_core():
    """core/ is what every feature shares: it never reaches into the shell or a feature (vendored files are fine)."""
    assert _imported_folders("core") <= {"core", "vendor"}


@pytest.mark.parametrize("feature", FEATURES)
def test_features_never_import_the_shell(feature):
    """A feature uses core and, where it must, another feature's records; the app frame (shell/) sits on top."""
    assert "shell" not in _imported_folders(feature)
    assert (JS / feature).is_dir()


def test_every_module_is_in_a_folder():
    """Only the entry point stays at the top of web/js; a new module goes into core/, shell/ or its feature's folder."""
    assert sorted(p.name for p in JS.glob("*.js")) == ["app.js"]
