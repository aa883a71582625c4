"""Rounds in the background: a queue, and worker processes that run them.

Each slot (``--workers``, default 1) owns one worker process (``matcher.service.worker``),
started on first use and reused; rounds run in posting order. Cancelling a running round
kills its worker (the next round starts a fresh one): the solver cannot be interrupted
from outside, and a separate process is what makes cancel immediate and complete.
"""

from __future__ import annotations

import logging
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matcher
from matcher.service.engine import RoundInputs, RoundOutputs
from matcher.service.store import STOPPED_QUEUED, STOPPED_RUNNING, Store
from matcher.service.worker import Duplex

__all__ = ["Runner"]

log = logging.getLogger("matcher.service")

_POLL_SECONDS = 0.1


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    conn: Duplex
    # The service's shutdown and the runner thread whose pipe just broke can both stop
    # the same worker: closing its pipe twice at once closed a descriptor already closed
    # (EBADF, seen once in CI), so stopping is serialised and done once.
    _stop_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _stopped: bool = False

    @classmethod
    def start(cls) -> _Worker:
        # A fresh interpreter (not fork: the service's process has threads; not
        # multiprocessing's spawn, which would re-run the caller's main script). Jobs and
        # replies go over a pipe pair; the child's stdin is its lifeline.
        to_child_r, to_child_w = os.pipe()
        to_parent_r, to_parent_w = os.pipe()
        env = dict(os.environ)
        root = str(Path(matcher.__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        process = subprocess.Popen(
            [sys.executable, "-m", "matcher.service.worker", str(to_child_r), str(to_parent_w)],
            stdin=subprocess.PIPE,
            pass_fds=(to_child_r, to_parent_w),
            env=env,
        )
        os.close(to_child_r)
        os.close(to_parent_w)
        return cls(process, Duplex(to_parent_r, to_child_w))

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        with self._stop_lock:
            if self._stopped:
                return
            self._stopped = True
            if self.alive():
                self.process.kill()
            self.process.wait(10)
            if self.process.stdin is not None:
                self.process.stdin.close()
            self.conn.close()


@dataclass
class _Slot:
    current: str | None = None
    worker: _Worker | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class Runner:
    """Runs queued rounds in worker processes and records what happens in the store."""

    def __init__(self, store: Store, workers: int = 1) -> None:
        self.store = store
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._jobs: dict[str, RoundInputs] = {}
        self._kept: set[str] = set()
        self._cancelled: set[str] = set()
        self._slots = [_Slot() for _ in range(workers)]
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._stopping = False

    def submit(self, round_id: str, inputs: RoundInputs, kept: bool = False) -> None:
        """Queue a round already recorded as ``queued``."""
        with self._lock:
            if self._stopping:
                raise RuntimeError("the runner is stopping")
            self._jobs[round_id] = inputs
            if kept:
                self._kept.add(round_id)
            if not self._threads:
                for i, slot in enumerate(self._slots):
                    t = threading.Thread(
                        target=self._loop, args=(slot,), name=f"matcher-runner-{i}", daemon=True
                    )
                    t.start()
                    self._threads.append(t)
        self._queue.put(round_id)

    def resume(self, rounds: Iterable[tuple[str, str]]) -> None:
        """Queue again the rounds a restart found queued with their inputs kept."""
        for round_id, text in rounds:
            self.submit(round_id, RoundInputs.from_canonical(text), kept=True)

    def cancel(self, round_id: str) -> None:
        """Stop a round the store has just marked cancelled (queued or running)."""
        with self._lock:
            self._jobs.pop(round_id, None)
            self._cancelled.add(round_id)
        for slot in self._slots:
            with slot.lock:
                if slot.current == round_id and slot.worker is not None:
                    slot.worker.stop()
                    slot.worker = None

    def stop(self) -> None:
        """Stop every worker; rounds running or queued (inputs not kept) are failed."""
        with self._lock:
            self._stopping = True
            pending = [r for r in self._jobs if r not in self._kept]
            self._jobs.clear()
        for _ in self._threads:
            self._queue.put(None)
        for slot in self._slots:
            with slot.lock:
                if slot.current is not None:
                    self.store.fail(slot.current, STOPPED_RUNNING)
                if slot.worker is not None:
                    slot.worker.stop()
                    slot.worker = None
        for t in self._threads:
            t.join(10)
        for round_id in pending:
            self.store.fail(round_id, STOPPED_QUEUED)

    def _loop(self, slot: _Slot) -> None:
        while True:
            round_id = self._queue.get()
            if round_id is None:
                return
            with self._lock:
                inputs = self._jobs.pop(round_id, None)
            if inputs is None or not self.store.claim(round_id):
                continue
            with slot.lock:
                if self._stopping:
                    return
                if round_id in self._cancelled:  # cancelled between claim and here
                    continue
                slot.current = round_id
                if slot.worker is None or not slot.worker.alive():
                    slot.worker = _Worker.start()
                worker = slot.worker
            try:
                self._run(round_id, inputs, worker)
            except Exception as exc:  # noqa: BLE001 - a runner thread must never die
                log.error("round %s: runner error %s", round_id, type(exc).__name__)
                self.store.fail(round_id, f"internal error ({type(exc).__name__})")
            finally:
                with slot.lock:
                    slot.current = None

    def _run(self, round_id: str, inputs: RoundInputs, worker: _Worker) -> None:
        counts = ", ".join(f"{n} {k}" for k, n in inputs.counts().items() if n)
        log.info("round %s running (%s)", round_id, counts)
        try:
            worker.conn.send((round_id, inputs))
            while True:
                if not worker.conn.poll(_POLL_SECONDS):
                    if not worker.alive():
                        raise EOFError
                    continue
                message: Any = worker.conn.recv()
                if message[0] == "stage":
                    self.store.stage(round_id, message[1])
                elif message[0] == "log":
                    log.log(message[1], "round %s: %s", round_id, message[2])
                elif message[0] == "done":
                    self._finish(round_id, message[1])
                    return
                else:
                    log.info("round %s failed", round_id)
                    self.store.fail(round_id, message[1])
                    return
        except (EOFError, OSError):
            worker.stop()  # the next round starts a fresh worker
            if round_id in self._cancelled or self._stopping:
                log.info("round %s stopped", round_id)
                return
            try:
                code: int | None = worker.process.wait(5)
            except subprocess.TimeoutExpired:
                code = None
            log.error("round %s: worker process ended (exit code %s)", round_id, code)
            self.store.fail(
                round_id,
                f"the worker process running this round ended (exit code {code}; "
                "a negative code is the signal, e.g. -9 when the system ran out of memory)",
            )

    def _finish(self, round_id: str, outputs: RoundOutputs) -> None:
        self.store.stage(round_id, "storing")
        stored = self.store.finish(
            round_id, outputs.summary, outputs.solver, outputs.warnings, outputs.texts
        )
        if stored:
            status = outputs.solver.get("status")
            log.info("round %s done (solver %s)", round_id, status)
