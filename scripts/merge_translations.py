"""Fill a catalogue from a JSON file of {"English source": "translation"}.

Usage: python scripts/merge_translations.py zh_CN strings.json
Only entries present in the catalogue are filled (run `make translations` first so new strings exist);
existing translations are replaced, fuzzy flags cleared. Prints what it could not place.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent


def main(language: str, source: str) -> int:
    path = ROOT / "server" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    pairs = json.loads(Path(source).read_text(encoding="utf-8"))
    missing = []
    for msgid, msgstr in pairs.items():
        message = catalogue.get(msgid)
        if message is None:
            missing.append(msgid)
            continue
        message.string = msgstr
        message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalogue, width=0, sort_by_file=True)
    print(f"{len(pairs) - len(missing)} filled in {path.relative_to(ROOT)}")
    for msgid in missing:
        print(f"  not in catalogue: {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
