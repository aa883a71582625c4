"""Progress of a long run: each stage and its elapsed time, for a person at a terminal.

Library code marks its stages with :func:`stage`; each reports on the logger
``matcher.progress`` (level INFO) when it starts and when it ends. Nothing is shown unless
someone listens: the command line attaches :class:`TerminalProgress` only when stderr is a
terminal and ``--quiet`` is not given, so piped or redirected output never gets an extra
line. Messages name stages and times only, never data.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

__all__ = ["LOGGER", "Stages", "TerminalProgress", "show_progress", "stage"]

#: The logger stages report on.
LOGGER = logging.getLogger("matcher.progress")


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time one stage of a run (``with stage("finding candidates"): ...``)."""
    start = time.perf_counter()
    LOGGER.info(name, extra={"stage": name, "done": None})
    try:
        yield
    finally:
        LOGGER.info(name, extra={"stage": name, "done": time.perf_counter() - start})


class Stages:
    """Consecutive stages, one line each: ``next(name)`` ends the stage running (if any)
    and starts ``name``; ``end()`` ends the last."""

    def __init__(self) -> None:
        self._name: str | None = None
        self._start = 0.0

    def next(self, name: str) -> None:
        self.end()
        self._name, self._start = name, time.perf_counter()
        LOGGER.info(name, extra={"stage": name, "done": None})

    def end(self) -> None:
        if self._name is not None:
            took = time.perf_counter() - self._start
            LOGGER.info(self._name, extra={"stage": self._name, "done": took})
            self._name = None


class TerminalProgress(logging.Handler):
    """Writes each stage to a terminal: ``name ...`` while it runs, then, on the same line,
    its elapsed time (``name  2.4 s``), one line per stage."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(logging.INFO)
        self.stream = stream
        self.t0 = time.perf_counter()

    def emit(self, record: logging.LogRecord) -> None:
        name = getattr(record, "stage", None)
        if name is None:
            return
        done = getattr(record, "done", None)
        total = time.perf_counter() - self.t0
        if done is None:
            self.stream.write(f"\r{name} ...")
        else:
            self.stream.write(f"\r{name:<22} {done:7.1f} s   (total {total:.1f} s)\n")
        self.stream.flush()


def show_progress(stream: TextIO) -> TerminalProgress:
    """Show stages on ``stream`` from now on (the command line does, on a terminal)."""
    for h in list(LOGGER.handlers):
        if isinstance(h, TerminalProgress):
            LOGGER.removeHandler(h)
    handler = TerminalProgress(stream)
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)
    LOGGER.propagate = False
    return handler
