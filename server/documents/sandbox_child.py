"""The render child (see sandbox.py). Imported once by the fork server — WeasyPrint and Pillow loaded, fonts warmed
by a small render — so that each document's child, a fork of it, starts ready; never imported by the web process."""

from __future__ import annotations

import gc
import io
import logging
import os
import resource
import sys
import traceback

from PIL import Image
from weasyprint import HTML

from .fetcher import PrintFetcher, reencode
from .resources import EXIT_UNREPORTED, HERE, MAIN_ENV, PRINT_CSS, PrintResources, qr_data_uri


class _Notes(logging.Handler):
    """WeasyPrint's warnings and errors (a refused URL, a picture that could not be read), sent to the parent."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.notes: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.notes) < 50:
            self.notes.append(record.getMessage()[:300])


#: A failure this close to the address-space limit is taken for one of memory (a C library rarely says so).
NEAR_LIMIT = 32 * 1024 * 1024


def _status(field: str) -> int:
    """A size from /proc/self/status in bytes: VmSize (the address space now), VmPeak (its peak)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
    return 0


def render(html: str, resources: PrintResources) -> bytes:
    """The PDF of `html`, fetching only through PrintFetcher(resources)."""
    return HTML(string=html, base_url=HERE.as_uri() + "/", url_fetcher=PrintFetcher(resources)).write_pdf()


def main(conn, html: str, resources: PrintResources, memory_bytes: int, cpu_seconds: int) -> None:
    """Limit this process, render, send ("ok", pdf, notes) — or ("memory" | "error", detail, notes) — and exit.

    The address space may grow `memory_bytes` above its size now: past that, allocations fail. Python says so
    (MemoryError); C libraries (Pango, HarfBuzz) fail otherwise, or crash — the parent reads a crash as memory."""
    notes = _Notes()
    logging.getLogger("weasyprint").addHandler(notes)
    limit = 0
    try:
        try:
            limit = _status("VmSize") + memory_bytes
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
            pdf = render(html, resources)
            del html
            conn.send(("ok", pdf, notes.notes))
        except BaseException as exc:  # noqa: BLE001 - whatever went wrong is reported to the parent, which logs it
            pdf = None  # what the render held is freed before reporting
            if isinstance(exc, MemoryError) or (limit and _status("VmPeak") >= limit - NEAR_LIMIT):
                conn.send(("memory", f"{type(exc).__name__}: {exc}"[:300], notes.notes[-5:]))
            else:
                conn.send(("error", traceback.format_exc()[-4000:], notes.notes))
        conn.close()
    except BaseException:  # noqa: BLE001 - could not even report (out of memory while sending): the parent sees EOF
        os._exit(EXIT_UNREPORTED)


def _warm() -> None:
    """A small page with the print stylesheet's fonts and a picture of each kind: the fork server pays this once."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 40, 40)).save(buffer, format="PNG")
    for kind in ("photo", "signature"):
        reencode(buffer.getvalue(), kind)
    resources = PrintResources()
    qr = resources.data(qr_data_uri("https://example.com/verify/warm"))
    render(
        f'<!doctype html><html lang="zh-CN"><head><link rel="stylesheet" href="{PRINT_CSS.as_uri()}"></head><body>'
        f'<h1>交车确认单</h1><p class="store">展厅</p><p><strong>签字</strong> <span class="hash">0f5c73</span></p>'
        f'<img class="qr" src="{qr}"></body></html>',
        resources,
    )


def _import_parent_main() -> None:
    """Import the parent's main script as multiprocessing does in each child; a child then finds it done."""
    from multiprocessing import spawn

    main_path = os.environ.get(MAIN_ENV)
    if main_path and getattr(sys.modules["__main__"], "__file__", None) is None:
        spawn.import_main_path(main_path)


for _step in (_import_parent_main, _warm):
    try:
        _step()
    except Exception:  # noqa: BLE001, S110 - both are optimisations; a render still works without them
        pass
gc.collect()
gc.freeze()  # what the fork server holds stays shared: a child's collections never write to (copy) those pages
