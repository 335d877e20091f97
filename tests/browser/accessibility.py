"""The accessibility gate's tools (not a test module): axe-core run inside a page, tap targets measured, the screens
of the tablet's router and the office's GET routes, and `Gate`, which records what was checked where.

axe-core 4.14.1 is vendored in tests/browser/vendor/ (checksum in its VENDOR.md, checked by
tests/unit/test_vendor.py) and injected with `page.evaluate`: the pages' CSP forbids inline scripts, and an
evaluation from the test driver is not one. Nothing the tablet or the office serves refers to it.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
AXE = HERE / "vendor" / "axe-core-4.14.1.min.js"
APP_JS = ROOT / "web" / "js" / "app.js"
REPORTS = ROOT / "test-artifacts" / "accessibility"

#: What axe checks: WCAG 2.0–2.2 A and AA and its best practices. `label-content-name-mismatch` (WCAG 2.5.3,
#: label in name) is "experimental" in axe and off unless named: it is what lets a person using voice control say
#: what they see on a button.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "rules": {"label-content-name-mismatch": {"enabled": True}},
    "resultTypes": ["violations"],
}
BLOCKING = ("critical", "serious")

#: Smallest tap target on a tablet screen, CSS px (WCAG 2.5.5 AAA; Apple and Material ask 44 and 48).
TAP = 44
#: `<html lang>` of our pages, by the interface language.
HTML_LANG = {"zh_CN": "zh-CN", "en": "en"}

#: In-page: every visible interactive element whose tap target is smaller than `min` × `min`. A form control's target
#: includes its <label> (tapping the label works the control). WCAG 2.5.8's inline exception: a link inside a
#: sentence (inline, with text around it) is sized by the line it sits in, so it is reported apart, not failed.
MEASURE_TAP_TARGETS = """(min) => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], '
    + '[role=radio], [role=checkbox], [role=tab], [role=switch], [tabindex]:not([tabindex="-1"])';
  const shown = (el) => {
    const style = getComputedStyle(el);
    return el.getClientRects().length > 0 && style.visibility !== 'hidden' && !el.closest('[hidden], [inert]')
      && !(el.closest('dialog') && !el.closest('dialog').open);
  };
  const describe = (el) => {
    const name = (el.getAttribute('aria-label') || el.textContent || el.getAttribute('placeholder')
      || el.id || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    const testid = el.dataset.testid ? `[${el.dataset.testid}]` : '';
    return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${testid} "${name}"`;
  };
  const inSentence = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    const parent = el.parentElement;
    return [...parent.childNodes].some(
      (node) => node !== el && node.nodeType === Node.TEXT_NODE && node.textContent.trim());
  };
  const small = [], inline = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!shown(el)) continue;
    const boxes = [el.getBoundingClientRect()];
    for (const label of el.labels || []) boxes.push(label.getBoundingClientRect());
    const best = boxes.reduce((a, b) => (Math.min(b.width, b.height) > Math.min(a.width, a.height) ? b : a));
    // A visually hidden control (a file input behind its label) is never tapped itself: its label is.
    if (best.width <= 1 && best.height <= 1) continue;
    if (best.width + 0.5 >= min && best.height + 0.5 >= min) continue;
    const found = { element: describe(el), width: Math.round(best.width), height: Math.round(best.height) };
    (inSentence(el) ? inline : small).push(found);
  }
  return { small, inline };
}"""


@functools.cache
def axe_source() -> str:
    """The vendored axe-core, read once."""
    return AXE.read_text(encoding="utf-8")


def run_axe(page) -> list[dict]:
    """axe's violations on what `page` shows now: [{id, impact, help, nodes: [{target, summary}]}]."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate("() => {" + axe_source() + "\n}")
    return page.evaluate(
        """async (options) => {
          const result = await axe.run(document, options);
          return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary || '' })) }));
        }""",
        AXE_OPTIONS,
    )


def measure_tap_targets(page) -> dict:
    """{small: [...], inline: [...]}: interactive elements under 44×44 CSS px, and inline links in sentences."""
    return page.evaluate(MEASURE_TAP_TARGETS, TAP)


# --- the screens to cover ------------------------------------------------------------------------------------------

ROUTE_LINE = re.compile(r"^\s*\[/(\^#.*\$)/, (show\w+)", re.M)
OPTIONAL_STEP = re.compile(r"\(\?:\\/\(([^()]*)\)\)\?")


def tablet_screens() -> dict[str, str]:
    """Every screen of the tablet's router (`ROUTES` in web/js/app.js) as {name: anchored regex}; a route with an
    optional step (`(?:\\/(a|b))?`) is one screen per step and one without it. Names read like the hash, with
    `<id>` for a UUID (`#/handover/<id>/check/<group>`, `#/walkaround/<id>/<n>`)."""
    source = APP_JS.read_text(encoding="utf-8")
    block = source[source.index("const ROUTES = [") : source.index("\n];", source.index("const ROUTES = ["))]
    entries = [line for line in block.splitlines()[1:] if line.strip()]
    routes = ROUTE_LINE.findall(block)
    assert len(routes) == len(entries), f"a ROUTES entry this parser cannot read: {entries}"
    screens = {}
    for pattern, _handler in routes:
        found = OPTIONAL_STEP.search(pattern)
        variants = [pattern]
        if found:
            variants = [pattern[: found.start()] + pattern[found.end() :]] + [
                pattern[: found.start()] + r"\/(" + step + ")" + pattern[found.end() :]
                for step in found.group(1).split("|")
            ]
        for variant in variants:
            name = variant[1:-1].replace(r"([0-9a-f-]{36})", "<id>").replace("\\/", "/")
            name = name.replace("[A-Z]", "<group>").replace(r"\d{1,2}", "<n>").replace("(", "").replace(")", "")
            screens[name] = variant.replace("\\/", "/")
    return screens


def rule_pattern(rule: str) -> re.Pattern:
    """A Flask URL rule ('/office/customers/<customer_id>') as a regex over paths."""
    parts = re.split(r"(<[^>]+>)", rule)
    return re.compile("".join("[^/]+" if part.startswith("<") else re.escape(part) for part in parts) + "$")


# --- the gate ------------------------------------------------------------------------------------------------------


@dataclass
class Finding:
    """One axe violation on one screen in one state and language."""

    screen: str
    state: str
    language: str
    rule: str
    impact: str
    help: str
    nodes: list[dict]


@dataclass
class Gate:
    """Checks screens as a test reaches them and records everything; `finish()` asserts at the end.

    `screens` maps each screen this test must reach to the states it must be checked in; `kind` is "tablet" (the
    screen is named as in `tablet_screens()`, the hash is checked against it, tap targets are measured) or
    "office" (the screen is a URL rule: at its first check the page's address, or a GET the page made since the
    previous check — an htmx fragment — must match it)."""

    name: str
    kind: str
    language: str
    screens: dict[str, tuple[str, ...]]
    findings: list[Finding] = field(default_factory=list)
    small_targets: list[str] = field(default_factory=list)
    inline_links: set[str] = field(default_factory=set)
    done: set[tuple[str, str]] = field(default_factory=set)
    requested: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        """Record the paths `page` GETs (an office fragment that htmx swapped in is checked against them)."""
        page.on("request", lambda r: self.requested.append(urlsplit(r.url).path) if r.method == "GET" else None)

    def check(self, page, screen: str, state: str, *, hash_seen: str | None = None) -> list[dict]:
        """Run axe (and, on the tablet, the tap-target measure) on what `page` shows as `screen` in `state`."""
        assert state in self.screens.get(screen, ()), f"{screen} / {state} is not in this gate's list"
        first = not any(done == screen for done, _state in self.done)
        if self.kind == "tablet":
            seen = hash_seen if hash_seen is not None else page.evaluate("() => location.hash")
            assert re.fullmatch(tablet_screens()[screen], seen), f"{seen} is not the screen {screen}"
        elif first:  # later states change the screen in place (a POST answered with its errors, a fragment)
            pattern = rule_pattern(screen)
            paths = [urlsplit(page.url).path, *self.requested]
            assert any(pattern.fullmatch(path) for path in paths), f"{screen} not reached: {paths}"
        self.requested.clear()
        violations = run_axe(page)
        for violation in violations:
            self.findings.append(
                Finding(
                    screen,
                    state,
                    self.language,
                    violation["id"],
                    violation["impact"],
                    violation["help"],
                    violation["nodes"],
                )
            )
        if self.kind == "tablet":
            targets = measure_tap_targets(page)
            self.small_targets += [
                f"{screen} / {state}: {t['element']} {t['width']}×{t['height']}" for t in targets["small"]
            ]
            self.inline_links |= {t["element"] for t in targets["inline"]}
        self.done.add((screen, state))
        return violations

    def report(self) -> str:
        """Every finding, worst first, as text (printed, and kept in test-artifacts/accessibility/)."""
        order = {"critical": 0, "serious": 1, "moderate": 2, "minor": 3}
        lines = [f"{self.name}: {len(self.done)} screen states checked in {self.language}"]
        for f in sorted(self.findings, key=lambda f: (order.get(f.impact, 9), f.rule, f.screen)):
            lines.append(f"  {f.impact:8} {f.rule}: {f.screen} / {f.state} — {f.help}")
            lines += [
                f"           {node['target']}  {node['summary'].splitlines()[-1] if node['summary'] else ''}"
                for node in f.nodes[:5]
            ]
        lines += [f"  target   under {TAP}×{TAP}: {small}" for small in self.small_targets]
        if self.inline_links:
            lines.append("  inline links in a sentence (WCAG 2.5.8 exception): " + ", ".join(sorted(self.inline_links)))
        return "\n".join(lines)

    def counts(self) -> dict[str, int]:
        """{rule id: number of failing elements} over every check."""
        counts: dict[str, int] = {}
        for f in self.findings:
            counts[f"{f.impact}:{f.rule}"] = counts.get(f"{f.impact}:{f.rule}", 0) + len(f.nodes)
        return counts

    def finish(self) -> None:
        """Print and keep the report; fail on any critical or serious violation, on a tap target under 44×44
        and on a screen/state of the list that was never reached."""
        report = self.report()
        print(report)
        REPORTS.mkdir(parents=True, exist_ok=True)
        (REPORTS / f"{self.name}.txt").write_text(report + "\n", encoding="utf-8")
        (REPORTS / f"{self.name}.json").write_text(
            json.dumps(
                {"states": sorted(map(list, self.done)), "counts": self.counts(), "small_targets": self.small_targets},
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
        missing = {(s, state) for s, states in self.screens.items() for state in states} - self.done
        assert not missing, f"never checked: {sorted(missing)}"
        blocking = [f for f in self.findings if f.impact in BLOCKING]
        assert not blocking and not self.small_targets, (
            "critical or serious accessibility violations, or tap targets under 44×44 CSS px:\n" + report
        )
