"""The summary: disclosure control on the figures by group."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.round import MIN_GROUP_SIZE, POOLED_GROUP, GroupRate, group_rates
from tests.factories import matched_row, unmatched_row


@settings(max_examples=80)
@given(st.lists(st.sampled_from("abcdef"), max_size=40), st.lists(st.booleans(), max_size=40))
def test_small_groups_cannot_be_recovered_by_subtraction(groups, matched) -> None:  # type: ignore[no-untyped-def]
    oks = matched[: len(groups)] + [False] * (len(groups) - len(matched))
    rows = [
        matched_row(f"E{i}", "M", 0.5) if ok else unmatched_row(f"E{i}", "x", "")
        for i, ok in enumerate(oks)
    ]
    out = group_rates(groups, rows)
    assert all(g.suppressed or (g.n is not None and g.n >= MIN_GROUP_SIZE) for g in out.values())
    # Whatever is shown, the rest (total minus shown) is either nothing or at least 5 people.
    shown = sum(g.n or 0 for k, g in out.items() if k != POOLED_GROUP)
    hidden = len(groups) - shown
    assert hidden == 0 or hidden >= MIN_GROUP_SIZE or out == {POOLED_GROUP: GroupRate(None)}


def test_group_rates_count_matches_and_mean_score() -> None:
    rows = [matched_row(f"E{i}", "M", 0.5 + i / 10) for i in range(3)]
    rows += [unmatched_row(f"E{i}", "distance", "") for i in range(3, 6)]
    rows += [matched_row("E9", "M", 0.9)]
    out = group_rates(["a"] * 6 + ["b"], rows)
    # b alone is too small; pooled with a (the smallest shown) so it cannot be subtracted.
    assert out == {POOLED_GROUP: GroupRate(7, 4, round(4 / 7, 4), 0.675)}
