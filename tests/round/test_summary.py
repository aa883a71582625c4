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


def _per_row_rates(values: list[str], rows: list) -> dict[str, GroupRate]:  # type: ignore[type-arg]
    """The group rates as the summary computed them row by row before (the reference)."""
    from matcher.round.result import MATCHED_IN_ROUND

    def rate(rs: list) -> GroupRate:  # type: ignore[type-arg]
        matched = [r for r in rs if r.status in MATCHED_IN_ROUND]
        scores = [r.score for r in matched if r.score is not None]
        return GroupRate(len(rs), len(matched), round(len(matched) / len(rs), 4),
                         round(sum(scores) / len(scores), 4) if scores else None)  # fmt: skip

    groups: dict[str, list] = {}  # type: ignore[type-arg]
    for v, r in zip(values, rows, strict=True):
        groups.setdefault(v, []).append(r)
    shown = {k: g for k, g in groups.items() if len(g) >= MIN_GROUP_SIZE}
    small = [r for k in sorted(groups) if k not in shown for r in groups[k]]
    while 0 < len(small) < MIN_GROUP_SIZE and shown:
        key = min(shown, key=lambda k: (len(shown[k]), k))
        small += shown.pop(key)
    out = {k: rate(shown[k]) for k in sorted(shown)}
    if small:
        out[POOLED_GROUP] = rate(small) if len(small) >= MIN_GROUP_SIZE else GroupRate(None)
    return out


_scores = st.one_of(st.floats(0, 1), st.integers(0, 10**6).map(lambda k: k / 1e6))


@settings(max_examples=150)
@given(
    st.lists(st.tuples(st.sampled_from("aaaaabbbbcccdefgh"), st.booleans(), _scores), max_size=60)
)
def test_group_rates_are_the_per_row_figures_to_the_bit(cells) -> None:  # type: ignore[no-untyped-def]
    # Group sizes on both sides of MIN_GROUP_SIZE, pools that take in shown groups, and
    # scores whose sums depend on the order they are added in.
    values = [g for g, _, _ in cells]
    rows = [
        matched_row(f"E{i}", "M", s) if ok else unmatched_row(f"E{i}", "x", "")
        for i, (_, ok, s) in enumerate(cells)
    ]
    assert group_rates(values, rows) == _per_row_rates(values, rows)
