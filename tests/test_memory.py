"""The memory plan: a round too big for its memory limit is refused up front, in one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from matcher.candidates import find_candidates
from matcher.cli import main
from matcher.config import config_from_dict
from matcher.errors import MemoryLimitError
from matcher.memory import PeakEstimate, available_bytes, memory_limit, resident_bytes
from matcher.round import match
from tests.factories import AS_OF, make_mentee, make_mentor


def _files(d: Path) -> list[str]:
    return [a for k in ("mentees", "mentors", "existing", "supervisors", "prisons")
            for a in (f"--{k}", str(d / f"{k}.csv"))]  # fmt: skip


def test_round_over_the_limit_is_refused_before_its_pairs_are_allocated() -> None:
    mentees = [make_mentee(f"E{i}") for i in range(5)]
    mentors = [make_mentor(f"M{j}") for j in range(3)]
    tiny = config_from_dict({"solver": {"memory_limit_gib": 0.01}})
    with pytest.raises(MemoryLimitError) as err:
        match(mentees, mentors, tiny, as_of=AS_OF)
    text = str(err.value)
    assert "\n" not in text
    assert "needs an estimated" in text and "over the limit of 0.0 GiB" in text
    assert "(5 mentees, 3 mentors, up to 15 candidate pairs)" in text
    assert "solver.memory_limit_gib" in text and "solver.max_candidates_per_mentee" in text
    # A limit the round fits in: it runs.
    ample = config_from_dict({"solver": {"memory_limit_gib": 1000.0}})
    assert len(match(mentees, mentors, ample, as_of=AS_OF).rows) == 5


def test_cli_refusal_is_exit_2_and_one_line(caseload_dir: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("[solver]\nmemory_limit_gib = 0.01\n")
    out = tmp_path / "o"
    result = CliRunner().invoke(main, ["match", *_files(caseload_dir), "--config", str(cfg),
                                       "--out", str(out / "m.csv")])  # fmt: skip
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: this round needs an estimated")
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir())


def test_estimate_grows_with_pairs_and_pricing_holds_less() -> None:
    def est(pairs: int, pricing_from: int | None) -> int:
        return PeakEstimate(0, 200_000, 190_000, 40_000, pairs, pricing_from).peak

    assert est(10**8, None) > est(10**7, None) > est(10**6, None)
    # The solver by pricing holds a working set: far less than every pair's model...
    assert est(10**8, 10**6) < est(10**8, None) / 5
    # ...but a round under the threshold would hold every one of its pairs.
    assert est(5 * 10**5, 10**6) == est(5 * 10**5, None)


def test_available_memory_reads_meminfo_and_cgroup_v2(tmp_path: Path) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       24000000 kB\nMemAvailable:    8000000 kB\n")
    cg = tmp_path / "cgroup"
    (cg / "jobs" / "one").mkdir(parents=True)
    (cg / "jobs" / "one" / "memory.max").write_text("4294967296\n")
    (cg / "jobs" / "one" / "memory.current").write_text("1073741824\n")
    (cg / "jobs" / "memory.max").write_text("max\n")  # no limit one level up
    (cg / "jobs" / "memory.current").write_text("2147483648\n")
    proc = tmp_path / "self-cgroup"
    proc.write_text("0::/jobs/one\n")
    # The cgroup leaves 3 GiB, less than the 7.6 GiB MemAvailable.
    assert available_bytes(meminfo, proc, cg) == 3 * 2**30
    proc.write_text("0::/\n")  # the root cgroup: no limit file, MemAvailable alone
    assert available_bytes(meminfo, proc, cg) == 8_000_000 * 1024


def test_available_memory_reads_cgroup_v1_and_gives_up_quietly(tmp_path: Path) -> None:
    mem = tmp_path / "cg" / "memory" / "job"
    mem.mkdir(parents=True)
    (mem / "memory.limit_in_bytes").write_text(str(2 * 2**30))
    (mem / "memory.usage_in_bytes").write_text(str(2**30))
    proc = tmp_path / "self-cgroup"
    proc.write_text("9:memory:/job\n4:cpu,cpuacct:/job\n")
    assert available_bytes(tmp_path / "none", proc, tmp_path / "cg") == 2**30
    assert available_bytes(tmp_path / "none", tmp_path / "none", tmp_path / "cg") is None


def test_default_limit_is_resident_plus_available() -> None:
    limit, avail = memory_limit(0.0), available_bytes()
    if avail is None:  # not Linux
        assert limit is None
    else:
        assert limit is not None and limit >= avail and resident_bytes() > 0
    assert memory_limit(2.0) == 2 * 2**30


def test_pair_arrays_are_sized_from_a_sample_and_own_exactly_their_pairs() -> None:
    """A round large enough to be sampled: the arrays hold exactly the pairs found (no
    reservation for the grid bound), and the pairs are those of an unsampled search."""
    mentees = [make_mentee(f"E{i:03d}", lat=51.5 + (i % 7) * 0.01) for i in range(300)]
    mentors = [make_mentor(f"M{j:02d}", capacity=1, lat=51.5 + (j % 5) * 0.02) for j in range(40)]
    seen: list[int] = []
    c = find_candidates(mentees, mentors, as_of=AS_OF, chunk_size=4, check_pairs=seen.append)
    plain = find_candidates(mentees, mentors, as_of=AS_OF)  # 2 chunks: not sampled
    assert (c.mentee == plain.mentee).all() and (c.mentor == plain.mentor).all()
    assert (c.score_steps == plain.score_steps).all()
    for a in (c.mentee, c.mentor, c.score_steps):
        assert a.base is None and a.flags.owndata and a.size == len(c)
    assert len(seen) == 1 and seen[0] >= len(c)
