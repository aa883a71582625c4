"""Run a sweep's rounds on an existing Dask distributed cluster.

The round's records and pair pools are scattered to every worker once; each config is one
task running :func:`matcher.tuning.sweep.run_config`, the function local worker processes
run, so the rows are the same. Needs the ``distributed`` extra (``pip install
'matcher[distributed]'``); the workers need ``matcher`` importable, at the same version.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from matcher.config import Config
from matcher.errors import MatcherError, ParameterError
from matcher.tuning.figures import Figures

__all__ = ["CONNECT_TIMEOUT", "run_on_cluster"]

#: Seconds to wait for the scheduler to answer before giving up.
CONNECT_TIMEOUT = 10.0


def _client(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise MatcherError(
            "a sweep on a Dask cluster needs the 'distributed' extra: "
            "pip install 'matcher[distributed]'"
        ) from None
    if not isinstance(address, str) or "://" not in address:
        raise ParameterError(
            "The 'scheduler' parameter of sweep must be an address like tcp://HOST:PORT, "
            f"got {address!r} instead"
        )
    try:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise MatcherError(f"cannot reach the Dask scheduler at {address}: {exc}") from None


def run_on_cluster(
    address: str,
    state: Any,
    configs: Sequence[Config],
    progress: Callable[[int, int], None] | None = None,
) -> list[Figures]:
    """Run each config's round on the cluster at ``address``; figures in config order.

    Parameters
    ----------
    address : str
        The scheduler, ``tcp://HOST:PORT``.
    state : SweepRound
        The records and pair pools, sent to every worker once.
    configs : sequence of Config
    progress : callable, optional
        ``progress(done, total)`` as rounds finish.
    """
    from matcher.tuning.sweep import run_config

    client = _client(address)
    try:
        shared = client.scatter(state, broadcast=True, hash=False)
        token = uuid.uuid4().hex  # task keys unique to this sweep on a shared cluster
        futures = [
            client.submit(run_config, shared, config, pure=False, key=f"sweep-{token}-{k}")
            for k, config in enumerate(configs)
        ]
        out: list[Figures] = []
        for future in futures:  # in config order; the cluster runs them as it can
            out.append(future.result())
            if progress:
                progress(len(out), len(configs))
        return out
    finally:
        client.close()
