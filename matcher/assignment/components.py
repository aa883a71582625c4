"""Connected components of the candidate graph: mentees, mentors and supervisors joined by
pairs. Seats, hours and supervisor limits never cross a component, so each one can be
solved, bounded and valued on its own."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from matcher.assignment.model import Model, objective_values
from matcher.assignment.validate import BoolArray, IntArray

__all__ = ["Components", "find_components"]


@dataclass(frozen=True)
class Components:
    """Component labels of the integer model's mentees and mentors.

    Attributes
    ----------
    of_mentee : ndarray of int64, shape (n,)
        Component of each mentee.
    of_mentor : ndarray of int64, shape (m,)
        Component of each mentor.
    count : int
        Number of components, those without any pair included.
    has_pairs : ndarray of bool, shape (count,)
        Whether the component holds at least one pair.
    """

    of_mentee: IntArray
    of_mentor: IntArray
    count: int
    has_pairs: BoolArray

    def of_pair(self, md: Model) -> IntArray:
        """Component of each pair of ``md``."""
        return self.of_mentee[md.mentee]

    def values(self, md: Model, chosen: BoolArray) -> IntArray:
        """Exact objective of an assignment, per component."""
        return objective_values(md, chosen, self.of_mentee, self.of_mentor, self.count)


def find_components(md: Model) -> Components:
    """Connected components of ``md``'s pairs (and of mentors sharing a supervisor)."""
    n, m, g = md.n, md.m, md.n_groups
    grouped = np.flatnonzero(md.group >= 0)
    rows = np.concatenate([md.mentee, n + grouped])
    cols = np.concatenate([n + md.mentor, n + m + md.group[grouped]])
    size = n + m + g
    adj = coo_matrix((np.ones(rows.size, dtype=np.int8), (rows, cols)), shape=(size, size))
    n_comp, labels = connected_components(adj, directed=False)
    has_pairs = np.zeros(n_comp, dtype=bool)
    has_pairs[labels[md.mentee]] = True
    return Components(
        labels[:n].astype(np.int64), labels[n : n + m].astype(np.int64), n_comp, has_pairs
    )
