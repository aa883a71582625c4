"""The runner's worker processes: stopping one is safe from any number of threads."""

from __future__ import annotations

import threading

from matcher.service.runner import _Worker


def _stop_from_threads(worker: _Worker, n: int) -> list[BaseException]:
    """Stop ``worker`` from ``n`` threads released together; the errors they raised."""
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def stop() -> None:
        barrier.wait()
        try:
            worker.stop()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=stop) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    return errors


def test_a_worker_stopped_from_several_threads_at_once_stops_once() -> None:
    """The service's shutdown and the runner thread whose pipe broke may both stop the
    same worker; neither may fail (closing the pipe twice at once raised EBADF once in
    CI), and the worker is gone afterwards."""
    for _ in range(3):
        worker = _Worker.start()
        assert _stop_from_threads(worker, 8) == []
        assert not worker.alive()
