"""The service worker's precache names only files that exist, and its VERSION is the package version."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SW = (ROOT / "web" / "sw.js").read_text(encoding="utf-8")


def _precache() -> list[str]:
    match = re.search(r"const PRECACHE = (\[.*?\]);", SW, re.S)
    assert match, "web/sw.js must declare `const PRECACHE = [...]`"
    return json.loads(re.sub(r",\s*\]", "]", match.group(1).replace("'", '"')))


def test_version_matches_the_package():
    """Bumping the package version renames the precache, so tablets pick up a new shell."""
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert re.search(r"const VERSION = '([^']+)';", SW).group(1) == version


def test_every_precached_path_exists(client):
    """A missing file would make the service worker's install fail on every tablet."""
    paths = _precache()
    assert "/tablet/" in paths and "/offline" in paths
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        response.close()


def _imports(url: str) -> set[str]:
    """The /static/ URLs a /static/ script imports (relative specifiers, resolved as the browser does)."""
    path = ROOT / "web" / url.removeprefix("/static/")
    found = set()
    for spec in re.findall(r"from '(\.{1,2}/[^']+)'", path.read_text(encoding="utf-8")):
        target = (path.parent / spec).resolve().relative_to(ROOT / "web")
        found.add(f"/static/{target.as_posix()}")
    return found


def test_every_shell_module_is_precached(client):
    """Every script and stylesheet the tablet shell loads, and every module those scripts import in turn (in any
    folder of web/js), is in the precache, or it would not open offline."""
    html = client.get("/tablet/").get_data(as_text=True)
    assets = set(re.findall(r'(?:src|href)="(/static/[^"]+)"', html))
    loaded, todo = set(assets), [a for a in assets if a.endswith(".js")]
    while todo:
        for url in _imports(todo.pop()) - loaded:
            loaded.add(url)
            todo.append(url)
    assert "/static/js/core/db.js" in loaded  # the walk reached the modules under web/js/
    assert loaded - set(_precache()) == set()


def test_service_worker_is_served_uncached(client):
    """/sw.js is never cached by HTTP, so a new version is seen on the next visit."""
    response = client.get("/sw.js")
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.mimetype == "text/javascript"
    response.close()
