"""The process that runs rounds for the service (one per runner slot, reused).

Started as ``python -m matcher.service.worker READ_FD WRITE_FD``. It imports the engine
but neither FastAPI nor SQLAlchemy, takes ``(round_id, inputs)``
jobs from its pipe and sends back ``("stage", name)``, ``("log", level, text)`` and
finally ``("done", outputs)`` or ``("error", reason)``. Killing it cancels the round it
runs; it exits by itself when the service's process goes away (its stdin closes).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import traceback
from multiprocessing.connection import Connection
from typing import Any

from matcher.errors import MatcherError

__all__ = ["Duplex", "worker_main"]


class Duplex:
    """Two one-way pipe connections (read, write) used as one; pickles both ways."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self._r = Connection(read_fd, writable=False)
        self._w = Connection(write_fd, readable=False)

    def send(self, obj: Any) -> None:
        self._w.send(obj)

    def recv(self) -> Any:
        return self._r.recv()

    def poll(self, timeout: float) -> bool:
        return self._r.poll(timeout)

    def close(self) -> None:
        self._r.close()
        self._w.close()


class _Forward(logging.Handler):
    """Sends the library's log records to the service, which logs them itself."""

    def __init__(self, conn: Duplex) -> None:
        super().__init__(logging.INFO)
        self.conn = conn

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.conn.send(("log", record.levelno, record.getMessage()))
        except (OSError, ValueError):
            pass


def _die_with_parent() -> None:
    # The service holds our stdin open; end of file means it has gone (even killed).
    sys.stdin.buffer.read()
    os._exit(1)


def worker_main(conn: Duplex) -> None:
    """Run jobs from ``conn`` until it closes."""
    threading.Thread(target=_die_with_parent, daemon=True).start()
    log = logging.getLogger("matcher")
    log.addHandler(_Forward(conn))
    log.setLevel(logging.INFO)
    log.propagate = False
    from matcher.service.engine import run_round  # the engine loads here, once

    while True:
        try:
            round_id, inputs = conn.recv()
        except (EOFError, OSError):
            return
        message: tuple[Any, ...]
        try:
            outputs = run_round(inputs, lambda name: conn.send(("stage", name)))
            message = ("done", outputs)
        except MatcherError as exc:
            # The library's messages name ids, rows and fields, never special-category values.
            message = ("error", str(exc))
        except Exception as exc:  # noqa: BLE001 - any failure must reach the round's record
            # Only the type and the code locations: an exception's text may hold values.
            where = "".join(traceback.format_tb(exc.__traceback__))
            conn.send(("log", logging.ERROR, f"round {round_id}: {type(exc).__name__}\n{where}"))
            message = ("error", f"internal error ({type(exc).__name__}); see the service log")
        conn.send(message)


if __name__ == "__main__":
    worker_main(Duplex(int(sys.argv[1]), int(sys.argv[2])))
