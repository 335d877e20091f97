"""Each PDF is rendered in a child process with a memory and a time limit, so no document can take a worker down.

Children come from a multiprocessing "forkserver": a clean single-threaded process, started once per web or worker
process, that has imported WeasyPrint and rendered a small page (fonts loaded) — each render is a cheap fork of it,
never a fork of the threaded web process. The child limits its address space (RLIMIT_AS: RENDER_MEMORY_MB above
its size at the start) and its CPU time; the parent kills it after RENDER_TIMEOUT_SECONDS of wall-clock time. The
child never touches the database: what it may read comes from the parent (render.PrintResources).

A limit exceeded or a crash raises RenderFailed, whose `reason()` is a sentence for the office (translated, no
exception names); the details go to the log.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time

from flask_babel import gettext as _

from .resources import EXIT_UNREPORTED, MAIN_ENV, PrintResources

log = logging.getLogger(__name__)

#: Why a document has no PDF (RenderFailed.kind).
TOO_SLOW, TOO_BIG, CRASHED, FAILED = "too_slow", "too_big", "crashed", "failed"
_lock = threading.Lock()
_context: multiprocessing.context.BaseContext | None = None


class RenderFailed(Exception):
    """A render that ended without a PDF: `kind` (TOO_SLOW, TOO_BIG, CRASHED, FAILED) and the limit's value;
    `reason()` says it for people."""

    def __init__(self, kind: str, detail: str = "", seconds: float = 0, megabytes: int = 0):
        super().__init__(f"{kind} {detail}".strip())
        self.kind, self.detail, self.seconds, self.megabytes = kind, detail, seconds, megabytes

    def reason(self) -> str:
        """The reason in the current locale (call it under the locale the reader should see), as the office and
        the tablets show it on the document."""
        if self.kind == TOO_SLOW:
            return _(
                "The PDF took longer than the allowed %(seconds)g seconds to make and was stopped.",
                seconds=self.seconds,
            )
        if self.kind == TOO_BIG:
            return _(
                "The PDF needed more memory than the allowed %(megabytes)d MB and was stopped.",
                megabytes=self.megabytes,
            )
        if self.kind == CRASHED:
            return _("The PDF maker stopped unexpectedly.")
        return _("The PDF could not be made.")


def _forkserver() -> multiprocessing.context.BaseContext:
    """The forkserver context, its server preloading the render child (WeasyPrint imported, fonts warm)."""
    global _context
    with _lock:
        if _context is None:
            # Each child runs the parent's main script again (multiprocessing's "safe importing of main"), 60 ms
            # for huey_consumer's; the fork server imports it once instead (its own preload of __main__ is inert).
            from multiprocessing import spawn

            main_path = spawn.get_preparation_data("render").get("init_main_from_path")
            if main_path:
                os.environ[MAIN_ENV] = main_path
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["server.documents.sandbox", "server.documents.sandbox_child"])
            _context = context
        return _context


def start() -> None:
    """Start the fork server now (it imports WeasyPrint and warms the fonts), rather than at the first render: a
    worker calls this as it starts, so the first document of the day waits only for its own render."""
    child = _forkserver().Process(target=_ready, name="showroom-render-warm", daemon=True)
    child.start()  # returns once the fork server has finished its preload and forked
    child.join()
    child.close()


def _ready() -> None:
    """The warm-up child: being forked is all it has to do."""


def _child(conn, html: str, resources: PrintResources, memory_bytes: int, cpu_seconds: int) -> None:
    """The child's entry point (kept here, so the parent never imports WeasyPrint to name it)."""
    from .sandbox_child import main

    main(conn, html, resources, memory_bytes, cpu_seconds)


def render_in_child(html: str, resources: PrintResources, timeout: float, memory_mb: int) -> bytes:
    """The PDF of `html`, rendered by a fresh child within the limits; raises RenderFailed otherwise."""
    if multiprocessing.current_process().daemon:  # huey's `-k process` workers are daemons: they can't fork one
        raise RenderFailed(FAILED, "a daemonic process cannot start the render child: run thread workers (-k thread)")
    context = _forkserver()
    receive, send = context.Pipe(duplex=False)
    cpu_seconds = int(timeout) + 2  # a backstop should the parent die: the wall clock below is the real limit
    process = context.Process(
        target=_child,
        args=(send, html, resources, memory_mb * 1024 * 1024, cpu_seconds),
        name="showroom-render",
        daemon=True,
    )
    try:
        process.start()
        send.close()
        started = time.monotonic()
        if not receive.poll(timeout):
            log.warning("render stopped after %.1f s (limit %s s)", time.monotonic() - started, timeout)
            raise RenderFailed(TOO_SLOW, seconds=timeout)
        try:
            outcome, payload, notes = receive.recv()
        except (EOFError, OSError):
            process.join(5)
            code = process.exitcode
            log.error("render child died (exit code %s)", code)
            if code == -signal.SIGXCPU:
                raise RenderFailed(TOO_SLOW, f"exit code {code}", seconds=timeout) from None
            if code == EXIT_UNREPORTED or (code is not None and code < 0):
                # under its address-space limit, an allocation that fails in C code ends the child by a signal
                raise RenderFailed(TOO_BIG, f"exit code {code}", megabytes=memory_mb) from None
            raise RenderFailed(CRASHED, f"exit code {code}") from None
        for note in notes:
            log.warning("render: %s", note)
        if outcome == "ok":
            return payload
        if outcome == "memory":
            log.warning("render over its memory limit (%s MB): %s", memory_mb, payload)
            raise RenderFailed(TOO_BIG, str(payload), megabytes=memory_mb)
        log.error("render failed in the child:\n%s", payload)
        raise RenderFailed(FAILED, str(payload)[-300:])
    finally:
        if process.is_alive():
            process.kill()
        if process.pid is not None:
            process.join()
            process.close()
        receive.close()
        send.close()
