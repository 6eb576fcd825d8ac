"""Sparse constraint rows assembled block by block, then handed over as one CSR matrix with their bounds."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


class SparseRows:
    """Accumulates blocks of sparse rows as COO triplets with their bounds."""

    def __init__(self) -> None:
        self.r: list[np.ndarray] = []
        self.c: list[np.ndarray] = []
        self.v: list[np.ndarray] = []
        self.lo: list[np.ndarray] = []
        self.hi: list[np.ndarray] = []
        self.count = 0

    def block(self, row_of: np.ndarray, cols: np.ndarray, vals: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> int:
        """Rows 0..len(lo)-1 of this block get entry (row_of[k], cols[k], vals[k]); returns the first row id."""
        first = self.count
        self.r.append(row_of + first)
        self.c.append(cols)
        self.v.append(vals)
        self.lo.append(np.asarray(lo, np.float64))
        self.hi.append(np.asarray(hi, np.float64))
        self.count += len(lo)
        return first

    def csr(self, n_cols: int) -> sp.csr_matrix:
        """The rows as a CSR matrix, built directly: every (row, column) occurs once, and within a row the
        columns already ascend (blocks add arcs in order, then their extra columns), so no COO pass is needed."""
        rows = np.concatenate(self.r)
        order = np.argsort(rows, kind="stable")
        indptr = np.zeros(self.count + 1, np.int64)
        np.cumsum(np.bincount(rows, minlength=self.count), out=indptr[1:])
        values, columns = np.concatenate(self.v)[order], np.concatenate(self.c)[order]
        return sp.csr_matrix((values, columns, indptr), (self.count, n_cols))

    def grouped(self, keys: np.ndarray, cols: np.ndarray, caps: np.ndarray) -> None:
        """One `sum x <= cap[key]` row for every key that occurs, over the columns with that key."""
        if len(keys):
            present, inverse = np.unique(keys, return_inverse=True)
            self.block(inverse, cols, np.ones(len(cols)), np.full(len(present), -np.inf), caps[present])
