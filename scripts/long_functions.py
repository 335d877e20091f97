"""List the tablet's JavaScript functions longer than a limit (default 80 lines), and modules over 400 lines.

    python scripts/long_functions.py [--max 80] [--module-max 400] [paths...]   (default: web/js)

A small scanner, not a parser: it skips strings, template literals, comments and regular-expression literals,
matches braces, and names each block that opens a function (`function f(`, `f = (...) =>`, `f(...) {` methods,
anonymous callbacks by their line). Exits 1 when something is over a limit, so it can guard a review.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# A `/` after one of these (or at the start) opens a regular expression, not a division.
REGEX_BEFORE = set("(,=:[!&|?{};+-*%<>~^")
AFTER_KEYWORD = re.compile(r"\b(?:return|typeof|case|do|else|in|of|void|yield|await)\s*$")

KEYWORDS = {"if", "for", "while", "switch", "catch", "with", "return", "function", "async", "await"}


def _code_only(text: str) -> str:
    """The source with strings, template text, comments and regex literals blanked (newlines and braces of
    `${...}` kept), so braces can be matched and lines counted."""
    out = []
    i, n = 0, len(text)
    stack = []  # open template literals: the brace depth at which their `${` started
    depth = 0
    last = ""  # last significant character outside strings and comments

    def blank(chunk: str) -> str:
        return re.sub(r"[^\n]", " ", chunk)

    while i < n:
        c = text[i]
        if c == "/" and text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(blank(text[i:end]))
            i = end
        elif c == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(blank(text[i:end]))
            i = end
        elif c == "/" and (not last or last in REGEX_BEFORE or AFTER_KEYWORD.search(text, max(0, i - 12), i)):
            j, in_class = i + 1, False
            while j < n and text[j] != "\n":
                if text[j] == "\\":
                    j += 2
                    continue
                if text[j] == "[":
                    in_class = True
                elif text[j] == "]":
                    in_class = False
                elif text[j] == "/" and not in_class:
                    break
                j += 1
            out.append(blank(text[i : j + 1]))
            i, last = j + 1, "x"
        elif c in "'\"":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(blank(text[i : j + 1]))
            i, last = j + 1, "x"
        elif c == "`" or (c == "}" and stack and stack[-1] == depth):
            if c == "}":
                stack.pop()
            j = i + 1
            while j < n and text[j] != "`" and not text.startswith("${", j):
                j += 2 if text[j] == "\\" else 1
            if text.startswith("${", j):
                stack.append(depth)
                out.append(blank(text[i:j]) + "  ")
                i = j + 2
                last = "{"
            else:
                out.append(blank(text[i : j + 1]))
                i, last = j + 1, "x"
        else:
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
            out.append(c)
            if not c.isspace():
                last = c
            i += 1
    return "".join(out)


def functions(path: Path):
    """Yield (name, first line, length in lines) of every function body in `path`."""
    code = _code_only(path.read_text(encoding="utf-8"))
    opens = []
    for k, ch in enumerate(code):
        if ch == "{":
            opens.append((_function_name(code, k), k))
        elif ch == "}" and opens:
            name, at = opens.pop()
            if name:
                yield name, code.count("\n", 0, at) + 1, code.count("\n", at, k) + 1


def _matching_paren(code: str, close: int) -> int:
    depth = 0
    for k in range(close, -1, -1):
        if code[k] == ")":
            depth += 1
        elif code[k] == "(":
            depth -= 1
            if depth == 0:
                return k
    return -1


def _function_name(code: str, brace: int) -> str | None:
    """The name of the function whose body opens at `brace`, '(anonymous)', or None when it is no function."""
    before = code[:brace].rstrip()
    arrow = before.endswith("=>")
    if arrow:
        before = before[:-2].rstrip()
    if before.endswith(")"):
        head = code[: _matching_paren(code, len(before) - 1)].rstrip()
    elif arrow:
        head = re.sub(r"[\w$]+$", "", before).rstrip()  # x => {
    else:
        return None
    head = re.sub(r"\basync$", "", head).rstrip()
    if arrow:
        found = re.search(r"([\w$]+)\s*[:=]$", head)
        return found.group(1) if found else "(anonymous)"
    found = re.search(r"function\s*\*?\s*([\w$]*)$", head)
    if found:
        named = found.group(1) or re.search(r"([\w$]+)\s*[:=]\s*(?:async\s*)?function\s*\*?$", head)
        return (named if isinstance(named, str) else named.group(1)) if named else "(anonymous)"
    found = re.search(r"(?:^|[\s,{;])(?:get\s+|set\s+|static\s+|async\s+)*([\w$]+)$", head)
    if found and found.group(1) not in KEYWORDS and not re.search(r"[.\w$]$", head[: found.start(1)]):
        return found.group(1)  # a method: name(...) {
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[str(ROOT / "web" / "js")])
    parser.add_argument("--max", type=int, default=80, help="longest function allowed (lines)")
    parser.add_argument("--module-max", type=int, default=400, help="longest module allowed (lines)")
    args = parser.parse_args(argv)
    files = []
    for given in map(Path, args.paths):
        files += sorted(given.rglob("*.js")) if given.is_dir() else [given]
    over = 0
    for path in files:
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > args.module_max:
            print(f"{shown}: module of {lines} lines")
            over += 1
        for name, first, length in functions(path):
            if length > args.max:
                print(f"{shown}:{first}: {name} {length} lines")
                over += 1
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
