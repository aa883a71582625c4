"""Pause Python's cyclic garbage collector while a stage builds many small objects.

Building a national round's rows, or its ``result.json`` document, creates millions of
dicts, tuples and records that are all kept. Each allocation burst makes the collector
walk every live object again (its generations fill up), which took about two thirds of
the time of building ``result.json`` at 50k mentees (2.2 s against 0.7 s with the
collector paused). These stages create no reference cycles, so pausing it frees nothing
later than it would be freed anyway; reference counting still frees everything else at once.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic collector for the block; restore its state afterwards (nested
    uses and a collector already disabled by the caller are left as they were)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
