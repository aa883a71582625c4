"""The round solved by pricing: the same optimum as with every pair in the solver."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.config import config_from_dict
from matcher.round import match_files
from matcher.synth import generate


@pytest.fixture(scope="module")
def caseload(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A synthetic round with running relationships, supervisors and prisons."""
    return generate(500, 120, seed=11, out_dir=tmp_path_factory.mktemp("caseload"))


@pytest.mark.parametrize("default_hours", [False, True])
def test_pricing_round_has_the_all_pairs_optimum(
    caseload: dict[str, Path], default_hours: bool
) -> None:
    """Forced pricing (from a one-pair working set) and every pair in the solver give the
    same objective, both proven optimal, with the default support hours (mentors' hours
    bind) and with none."""
    zero = {"weekly": 0.0, "fortnightly": 0.0, "monthly": 0.0, "existing": 0.0}
    extra = {} if default_hours else {"support_hours": zero}
    every = config_from_dict({**extra, "solver": {"working_set_per_mentee": 0}})
    priced = config_from_dict(
        {**extra, "solver": {"working_set_per_mentee": 1, "pricing_min_pairs": 0}}
    )
    files = dict(caseload)
    del files["prisons"]
    a = match_files(**files, config=every)
    b = match_files(**files, config=priced)
    assert a.solver.status == "optimal" and b.solver.status == "optimal"
    assert b.solver.objective == a.solver.objective == b.solver.bound
    assert a.solver.pricing_rounds == 0
    assert a.solver.columns <= a.summary.counts.candidate_pairs  # after exact filters
    assert b.solver.pricing_rounds >= 1
    assert b.solver.columns < b.summary.counts.candidate_pairs
    assert b.summary.counts.matched == a.summary.counts.matched
