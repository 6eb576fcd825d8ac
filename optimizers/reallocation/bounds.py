"""The bounds of a batch's columns and rows as they stand, kept beside HiGHS's model.

Reading bounds from HiGHS copies them out one index set at a time: every arc's bounds of the plain 20,000-line
book's largest batch (120,000 columns) took 23 ms a read, in a slow spell, and the fill ratio's eligibility read
them twice a class (2026-12-05). Kept here, a read is an index into an array, and confining a level to its
optimal face changes only the columns whose bounds it moves (most were fixed by the levels before).

`BatchSolver` changes its model's bounds only through `Mirror` and tells it of every column and row it adds or
deletes; `Mirror` takes HiGHS's bounds once, at its first read, and until then has nothing to copy. `matches`
compares the two, so that tests check the copy on every solve.
"""

from __future__ import annotations

import highspy
import numpy as np


class Mirror:
    """Column and row bounds of one HiGHS model, updated with every change made to it."""

    def __init__(self, h: highspy.Highs) -> None:
        self.h = h
        self._cols: tuple[np.ndarray, np.ndarray] | None = None
        self._rows: tuple[np.ndarray, np.ndarray] | None = None

    def cols(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """These columns' lower and upper bounds (copies), in the order given."""
        lo, hi = self._all_cols()
        return lo[idx], hi[idx]

    def rows(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """These rows' lower and upper bounds (copies), in the order given."""
        lo, hi = self._all_rows()
        return lo[idx], hi[idx]

    def set_cols(self, idx: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        idx = np.ascontiguousarray(idx, np.int32)
        lo, hi = np.ascontiguousarray(lo, float), np.ascontiguousarray(hi, float)
        if len(idx):
            checked(self.h.changeColsBounds(len(idx), idx, lo, hi))
        if self._cols is not None:
            self._cols[0][idx], self._cols[1][idx] = lo, hi

    def set_rows(self, idx: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        idx = np.ascontiguousarray(idx, np.int32)
        lo, hi = np.ascontiguousarray(lo, float), np.ascontiguousarray(hi, float)
        if len(idx):
            h: object = self.h  # highspy has `changeRowsBounds` on `_Highs`, not in its stub
            checked(h.changeRowsBounds(len(idx), idx, lo, hi))  # type: ignore[attr-defined]
        if self._rows is not None:
            self._rows[0][idx], self._rows[1][idx] = lo, hi

    def added_cols(self, lo: np.ndarray, hi: np.ndarray) -> None:
        """Columns the model gained at its end, with these bounds."""
        if self._cols is not None:
            self._cols = (np.append(self._cols[0], lo), np.append(self._cols[1], hi))

    def added_rows(self, lo: np.ndarray, hi: np.ndarray) -> None:
        """Rows the model gained at its end, with these bounds."""
        if self._rows is not None:
            self._rows = (np.append(self._rows[0], lo), np.append(self._rows[1], hi))

    def deleted_cols(self, idx: np.ndarray) -> None:
        if self._cols is not None:
            self._cols = (np.delete(self._cols[0], idx), np.delete(self._cols[1], idx))

    def deleted_rows(self, idx: np.ndarray) -> None:
        if self._rows is not None:
            self._rows = (np.delete(self._rows[0], idx), np.delete(self._rows[1], idx))

    def matches(self) -> bool:
        """Whether the kept bounds are HiGHS's (those not read yet are)."""
        return all(
            np.array_equal(mine[k], theirs[k])
            for mine, theirs in ((self._cols, _read_cols(self.h)), (self._rows, _read_rows(self.h)))
            if mine is not None
            for k in (0, 1)
        )

    def _all_cols(self) -> tuple[np.ndarray, np.ndarray]:
        if self._cols is None:
            self._cols = _read_cols(self.h)
        return self._cols

    def _all_rows(self) -> tuple[np.ndarray, np.ndarray]:
        if self._rows is None:
            self._rows = _read_rows(self.h)
        return self._rows


def _read_cols(h: highspy.Highs) -> tuple[np.ndarray, np.ndarray]:
    n = h.getNumCol()
    if not n:
        return np.zeros(0), np.zeros(0)
    status, _, _, lo, hi, _ = h.getCols(n, np.arange(n, dtype=np.int32))
    checked(status)
    return np.array(lo, float), np.array(hi, float)


def _read_rows(h: highspy.Highs) -> tuple[np.ndarray, np.ndarray]:
    n = h.getNumRow()
    if not n:
        return np.zeros(0), np.zeros(0)
    status, _, lo, hi, _ = h.getRows(n, np.arange(n, dtype=np.int32))
    checked(status)
    return np.array(lo, float), np.array(hi, float)


class HighsRefused(RuntimeError):
    """HiGHS answered a read or a change of the model with an error (given an index set out of increasing order
    a read returns an error and zeros): nothing may be concluded from what it gave."""


def checked(status: highspy.HighsStatus) -> None:
    """Raise `HighsRefused` unless HiGHS answered with kOk."""
    if status != highspy.HighsStatus.kOk:
        raise HighsRefused(status)
