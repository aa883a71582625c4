"""The candidates CSV (``matcher candidates --out pairs.csv``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from matcher.candidates.pairs import Candidates
from matcher.criteria import CRITERION_NAMES
from matcher.io import PathLike, atomic_writer
from matcher.models import Mentee, Mentor

__all__ = ["write_candidates"]


def _fmt(values: npt.NDArray[np.floating]) -> list[str]:
    # Fixed 6 decimals; a criterion that was not computed (weight 0) is an empty cell.
    return ["" if v != v else f"{v:.6f}" for v in values.tolist()]


def write_candidates(
    path: PathLike,
    candidates: Candidates,
    mentees: Sequence[Mentee] | None = None,
    mentors: Sequence[Mentor] | None = None,
    *,
    block: int = 200_000,
) -> None:
    """Write the candidates CSV atomically.

    Columns ``mentee_id, mentor_id, score`` then one per criterion (registry order);
    rows sorted by mentee id, then score descending, then mentor id; scores with fixed
    6 decimals; a criterion of weight 0 is left empty. Ids are taken from the arrays
    the candidates carry; ``mentees`` / ``mentors`` are accepted for symmetry.
    """
    me_ids, mo_ids = candidates.mentee_arrays.ids, candidates.mentor_arrays.ids
    # Pairs are grouped by mentee index; reorder whole groups by mentee id.
    ptr = candidates.indptr
    by_id = np.argsort(me_ids, kind="stable")
    lengths = (ptr[1:] - ptr[:-1])[by_id]
    starts = ptr[:-1][by_id]
    offsets = np.cumsum(lengths) - lengths
    perm = np.repeat(starts - offsets, lengths) + np.arange(int(lengths.sum()), dtype=np.int64)
    with atomic_writer(path) as fh:
        fh.write(",".join(("mentee_id", "mentor_id", "score", *CRITERION_NAMES)) + "\n")
        for lo in range(0, len(perm), block):
            rows = perm[lo : lo + block]
            crit = candidates.criteria_at(rows)
            cols = [
                me_ids[candidates.mentee_at(rows)].tolist(),
                mo_ids[candidates.mentor[rows]].tolist(),
                _fmt(candidates.score[rows]),
                *(_fmt(crit[name]) for name in CRITERION_NAMES),
            ]
            fh.write("".join(",".join(r) + "\n" for r in zip(*cols, strict=True)))
