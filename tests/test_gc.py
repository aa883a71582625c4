"""The collector's pauses: frozen objects only inside a one-shot process's round."""

from __future__ import annotations

import gc

from matcher._gc import one_shot_process, paused_gc


def _kept() -> list[dict[str, int]]:
    return [{"i": i} for i in range(1000)]


def test_a_paused_block_pauses_and_restores_the_collector() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # outside a one-shot process nothing is frozen


def test_a_one_shot_round_freezes_what_its_paused_blocks_made_then_gives_it_back() -> None:
    assert gc.get_freeze_count() == 0
    with one_shot_process():
        with paused_gc():
            kept = _kept()
        # Every object alive, these among them, is out of the collector's walks.
        assert gc.get_freeze_count() >= len(kept)
        assert gc.isenabled()
        with paused_gc():  # nested uses still restore the collector
            with paused_gc():
                pass
            assert not gc.isenabled()
        assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # a test process (CliRunner) keeps nothing frozen
    assert gc.isenabled()


def test_one_shot_rounds_nest() -> None:
    with one_shot_process():
        with one_shot_process():
            with paused_gc():
                _kept()
        assert gc.get_freeze_count() > 0  # the outer round still runs
    assert gc.get_freeze_count() == 0
