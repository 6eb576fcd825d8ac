"""Warm starts across runs over one base: a scenario of a batch differs from its baseline by a few modifiers, so
the baseline's optimal basis at each level is a near-optimal start for the same level of the scenario.

`Bases` records, per linear level and per LP of a fill-ratio level (its eligibility rounds, its bound), the status
HiGHS gave each column and row at that LP's optimum, under a key that names the same column or row in another
run's model whatever its batches and numbering: an arc is its line (order id, line number), its supply node (item,
location, source, and its place among that pool's dates from that source, so that a delayed receipt is still the
same node) and its lane; a row is its kind and what it stands for (a line, a node, a lane, a protection, a line's
ship-from location, an order's limit, the n-th level held by a row in the batch of a given first line); the fill
ratio's columns and rows are named by their line, its t by the batch's first line. `start` gives a batch of
another run, before the same LP, the recorded status of each column and row it shares with the recorded run; a
column the record lacks starts at its lower bound (0) and a row with its slack basic. HiGHS needs as many basic
variables as rows, so the count is then made right (rows the record lacked leave the basis first, then the latest
rows), and it replaces what is singular in a basis by slacks itself.

A start changes how fast a level is solved, never what is proven: every level is still optimal given the ones
before, and the validator checks every run. Where a level has several optimal answers, the one HiGHS returns can
depend on where it started, so a warm-started run may break exact ties differently from a cold run of the same
input; its every objective level is the same.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Hashable
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import highspy
import numpy as np

from optimizers.reallocation import model as m
from optimizers.reallocation.candidates import RunCandidates

if TYPE_CHECKING:
    from optimizers.reallocation.lexicographic import BatchSolver

LOWER, BASIC, UPPER, ZERO = 0, 1, 2, 3  # HiGHS's basis statuses
# FRESH: a start clears HiGHS's solver state before it sets the recorded basis. Set on a solver that had solved
# the run's earlier levels, the same basis on the same LP took more dual simplex iterations than on a new
# instance: the plain 20,000-line book's `tier.none.on_time_units` from the record, demand +2% in a region, 21,534
# iterations and 1,278 ms against 13,030 and 561 ms (delay and price alike), and its `fill.units` too. Over every
# level started from the record in the bench's 8 scenarios, each also solved on a new instance from the same
# basis beside the run (2026-12-05): 24.2 s in HiGHS as the run solved them, 21.5 s on new instances; no level
# was slower on its new instance beyond the drift. The baseline's own levels, which go on from the last basis,
# took the same time either way. The bench's 8 scenarios, twice alternately with the code before (reference loop
# 34-38 ms, a slow spell): HiGHS 31.0 / 28.9 s -> 28.6 / 27.1 s, every objective the same. Those figures are from
# when unit levels went from the record to HiGHS's choice (mostly dual); since they go to primal simplex without
# bound perturbation (`lexicographic.PRIMAL_BOUND_PERTURBATION`) the clear reads within the drift (the 8 scenarios,
# twice alternately: HiGHS 17.3 / 16.9 s with it, 16.0 / 16.8 s without), and is kept: it makes a start's solve
# the same whatever the instance solved before. Clearing costs well under a millisecond; the basis it drops is
# replaced anyway, or set again when HiGHS refuses the record.
# By value (kLower, kBasic, kUpper, kZero, kNonbasic), as an object array: statuses are looked up by indexing it
# with a whole basis at once (a list comprehension over 130,000 statuses took 2.5 ms a start).
_STATUS = np.array(list(highspy.HighsBasisStatus.__members__.values()), dtype=object)
UNKNOWN = -1
# A start is used only when the record knows all but this share of the batch's columns. Measured on the plain
# 20,000-line book: on 2026-12-04 a location closed for a week left 3.1% of the columns unknown and its run took
# longer in HiGHS warm than cold (6.0 s against 5.2), so the share was 1%. Once a class's on-time units and units
# were one LP (2026-12-05), the bench batch's six location-out scenarios (6-9% of columns or rows unknown) took
# 4.51, 4.07, 4.57, 3.88, 5.36 and 4.76 s of HiGHS warm against 5.18, 5.57, 5.60, 5.17, 5.38 and 5.00 cold; every
# other modifier leaves none unknown.
MOST_UNKNOWN = 0.1
BATCH_LOOKUP = 64


class Bases:
    """Per level, the optimal basis of a recorded run, by column and row key."""

    def __init__(self) -> None:
        # Keys are integers (`_codes`) made of the ids these tables give lines, nodes, lanes, orders, locations
        # and protection rows; `col_ids` and `row_ids` number the codes of recorded columns and rows.
        self.names: dict[str, dict[Hashable, int]] = {kind: {} for kind in _ENTITIES}
        self.col_ids: dict[int, int] = {}
        self.row_ids: dict[int, int] = {}
        self.levels: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # name -> status per col id, per row id
        self.plan: tuple[str, ...] = ()  # the recorded run's levels, in order
        # Per fill-ratio level and batch (named by its first line), the best minimum the recorded run proved: the
        # first candidate a run over the same base tries (`optimizers.reallocation.ratio`).
        self.ratios: dict[tuple[str, Hashable], Fraction] = {}
        # Per linear level and batch, the simplex iterations the recorded run took to reach that level's optimum
        # from the last level's, where it did not start from a record itself: what going on from the run's own
        # basis costs, to weigh against a record a scenario has drifted from (`BatchSolver.level`).
        self.chained: dict[tuple[str, Hashable], int] = {}
        self.batch_of: dict[Hashable, Hashable] = {}  # each recorded line's batch key (`_recorded`)
        # The entity ids of the run last mapped (its candidates by a weak reference, so that a finished run's are
        # not kept alive), shared by its batches; not pickled.
        self._run: tuple[weakref.ref[RunCandidates], bool, dict[str, np.ndarray]] | None = None
        # `col_ids`' and `row_ids`' codes sorted, with their ids, as of the tables' lengths (`_known`); not pickled
        self._sorted: dict[int, tuple[int, np.ndarray, np.ndarray]] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_run": None, "_sorted": {}}

    def follows(self, plan: tuple[str, ...]) -> bool:
        """Whether a run with these levels may start from this record: the levels both have come in the same
        order. A run with fewer or more levels (fair share off or on: the fill-ratio levels) starts each level it
        shares from the record, though the record's was confined by levels the run lacks; a start only changes
        where the simplex begins. Measured on the plain 20,000-line book (2026-12-05): four scenarios turning fair
        share off took 3.09, 1.40, 2.98 and 1.42 s of HiGHS from the record against 3.27, 3.68, 4.02 and 3.71 s
        with none. Tiers in another order would start each class from another class's face: not used."""
        mine = set(self.plan)
        theirs = set(plan)
        return [name for name in plan if name in mine] == [name for name in self.plan if name in theirs]

    def keep(self, solver: BatchSolver, level: str) -> None:
        """Record the batch's basis as it is now, at `level`'s optimum (not for a batch with binaries)."""
        if _binaries(solver):
            return
        basis = solver.m.h.getBasis()
        col_at, row_at = self._ids(solver, grow=True)
        col_status, row_status = self.levels.get(level, (np.zeros(0, np.int8), np.zeros(0, np.int8)))
        col_status, row_status = _grown(col_status, len(self.col_ids)), _grown(row_status, len(self.row_ids))
        col_values, row_values = _statuses(basis.col_status, len(col_at)), _statuses(basis.row_status, len(row_at))
        col_status[col_at[col_at >= 0]] = col_values[col_at >= 0]
        row_status[row_at[row_at >= 0]] = row_values[row_at >= 0]
        self.levels[level] = (col_status, row_status)

    def keep_ratio(self, solver: BatchSolver, level: str, t: Fraction) -> None:
        """Record the batch's proven best minimum for the fill-ratio level `level`."""
        self.ratios[(level, self._recording(solver))] = t

    def keep_chained(self, solver: BatchSolver, level: str, iterations: int) -> None:
        """Record that the batch reached `level`'s optimum from the last level's in `iterations` iterations."""
        self.chained[(level, self._recording(solver))] = iterations

    def chained_cost(self, solver: BatchSolver, level: str) -> int | None:
        """The recorded run's iterations from its last level's optimum to `level`'s in the batch's recorded batch
        (`_recorded`), if it went on that way."""
        return self.chained.get((level, self._recorded(solver)))

    def ratio(self, solver: BatchSolver, level: str) -> Fraction | None:
        """The recorded run's best minimum for `level` in the batch's recorded batch (`_recorded`), if any."""
        return self.ratios.get((level, self._recorded(solver)))

    def _recording(self, solver: BatchSolver) -> Hashable:
        """The batch's key in this record (its first line), its lines noted as the batch's on first use."""
        key = _batch_key(solver)
        if (self, "recording") not in solver.warm_cache:
            solver.warm_cache[(self, "recording")] = key
            self.batch_of.update(dict.fromkeys(_line_keys(solver, solver.m.lines.tolist()), key))
        return key

    def _recorded(self, solver: BatchSolver) -> Hashable:
        """The recorded batch another run's batch stands for: the one its first line the record knows was in.
        (Not its own first line's: a scenario that drops a line from candidates, say a cost change that leaves
        it no margin, starts the batch at its next line.) Its first `BATCH_LOOKUP` lines are looked at."""
        if (self, "recorded") not in solver.warm_cache:
            lines = solver.m.lines[:BATCH_LOOKUP].tolist()
            found = (self.batch_of.get(key) for key in _line_keys(solver, lines))
            solver.warm_cache[(self, "recorded")] = next((key for key in found if key is not None), None)
        return solver.warm_cache[(self, "recorded")]

    def start(self, solver: BatchSolver, level: str) -> bool:
        """Give the batch the recorded basis of `level`, mapped onto its columns and rows; False (the batch keeps
        its own basis) when nothing was recorded for that level, the batch has binaries, the record lacks too
        many of the batch's columns, or HiGHS refuses the basis. The share of columns it lacks is left in
        `solver.start_lacks`."""
        if level not in self.levels or _binaries(solver):
            return False
        col_at, row_at = self._ids(solver, grow=False)
        col_status, row_status = self.levels[level]
        col, row = _lookup(col_status, col_at), _lookup(row_status, row_at)
        lacking = float((col == UNKNOWN).mean())
        if lacking > MOST_UNKNOWN:
            return False
        solver.start_lacks = lacking
        col[col == UNKNOWN] = LOWER
        unknown_rows = row == UNKNOWN
        row[unknown_rows] = BASIC
        _balance(solver, col, row, unknown_rows)
        basis = highspy.HighsBasis()
        basis.col_status = _STATUS[col].tolist()
        basis.row_status = _STATUS[row].tolist()
        basis.valid = True
        h = solver.m.h
        own = h.getBasis()
        h.clearSolver()  # see `FRESH`
        if h.setBasis(basis) == highspy.HighsStatus.kOk:
            return True
        h.setBasis(own)
        return False

    def _ids(self, solver: BatchSolver, *, grow: bool) -> tuple[np.ndarray, np.ndarray]:
        """The ids of the batch's columns and rows as the model stands: those the model was built with are looked
        up once, those added since (stability's, rows held, the fill ratio's) whenever they change."""
        cache = solver.warm_cache
        if (self, "built") not in cache:
            cache[(self, "built")] = self._numbered(solver, solver.m.col_tags, solver.m.row_tags, grow)
        built: tuple[np.ndarray, np.ndarray] = cache[(self, "built")]
        extra = solver.extra_version
        if cache.get((self, "extra")) is None or cache[(self, "extra")][0] != extra:
            more = self._numbered(solver, _tags(solver.extra_cols), _tags(solver.extra_rows), grow)
            cache[(self, "extra")] = (extra, *more)
        _, more_cols, more_rows = cache[(self, "extra")]
        return np.concatenate([built[0], more_cols]), np.concatenate([built[1], more_rows])

    def _numbered(
        self, solver: BatchSolver, cols: tuple[np.ndarray, np.ndarray], rows: tuple[np.ndarray, np.ndarray], grow: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        ids = self._entity_ids(solver, grow)
        anchor = int(ids["line"][solver.m.lines[0]]) if len(solver.m.lines) else -1
        col_codes = _codes(solver.rc, ids, *cols, anchor, COLUMN_CODES)
        row_codes = _codes(solver.rc, ids, *rows, anchor, ROW_CODES)
        if grow:
            return _ids(self.col_ids, col_codes, grow=True), _ids(self.row_ids, row_codes, grow=True)
        return self._known(COLUMN_CODES, col_codes), self._known(ROW_CODES, row_codes)

    def _known(self, which: int, codes: np.ndarray) -> np.ndarray:
        """Each code's id in `col_ids` or `row_ids` (`which`), UNKNOWN where the record has none: searched in the
        table's codes sorted once (the 120,000 columns of the 20,000-line book's big batch in a few ms, where a
        dict lookup per code took 25 ms a run, and the columns and rows added later as long again whenever they
        changed)."""
        table = self.col_ids if which == COLUMN_CODES else self.row_ids
        cached = self._sorted.get(which)
        if cached is None or cached[0] != len(table):
            keys = np.fromiter(table.keys(), np.int64, len(table))
            values = np.fromiter(table.values(), np.int64, len(table))
            order = np.argsort(keys)
            cached = self._sorted[which] = (len(table), keys[order], values[order])
        _, keys, values = cached
        if not len(keys):
            return np.full(len(codes), UNKNOWN, np.int64)
        at = np.minimum(np.searchsorted(keys, codes), len(keys) - 1)
        return np.where((keys[at] == codes) & (codes != -1), values[at], UNKNOWN)

    def _entity_ids(self, solver: BatchSolver, grow: bool) -> dict[str, np.ndarray]:
        """Per kind of entity, the id of each of the run's (index -> id, -1 when unknown); the same for every
        batch of a run, so computed once per run."""
        rc = solver.rc
        if self._run is not None and self._run[0]() is rc and self._run[1] == grow:
            return self._run[2]
        nodes = node_keys(rc)
        keys: dict[str, list[Hashable]] = {
            "line": [(ref.order.id, ref.line.line) for ref in rc.lines],
            "order": [ref.order.id for ref in rc.lines],  # by line: an order is named by its lines
            "node": list(nodes),
            "lane": [(a, b) for a, b, _ in rc.lanes],
            "location": list(rc.locations),
            "protection": [(tuple(nodes[n] for n in row.nodes), row.rank) for row in rc.protections],
        }
        ids = {kind: _ids(self.names[kind], keys[kind], grow=grow) for kind in _ENTITIES}
        self._run = (weakref.ref(rc), grow, ids)
        return ids


_ENTITIES = ("line", "order", "node", "lane", "location", "protection")

# A column's or row's code: its kind in the top bits, then the ids of what it stands for. Limits: 2^26 lines and
# orders, 2^20 nodes, 2^12 - 1 lanes, 2^12 locations, 2^20 rows held in a batch; past them codes could collide,
# which would only make a start worse (a start never changes what is proven).
_KIND = 58
COLUMN_CODES, ROW_CODES = 0, 1


def _codes(
    rc: RunCandidates, ids: dict[str, np.ndarray], kind: np.ndarray, entity: np.ndarray, anchor: int, which: int
) -> np.ndarray:
    """Each (kind, entity)'s code, -1 when the record has no id for a part of it."""
    out = np.full(len(kind), -1, np.int64)
    n_loc = len(rc.locations)
    lane_id = np.append(ids["lane"] + 1, 0)  # a direct arc's lane -1 is 0
    lane_id[:-1][ids["lane"] < 0] = -1
    for code in np.unique(kind).tolist():
        at = np.flatnonzero(kind == code)
        e = entity[at]
        parts: list[tuple[np.ndarray, int]]  # (id, bits it is shifted by)
        if which == COLUMN_CODES and code == m.ARC:
            parts = [(ids["line"][rc.arc_line[e]], 32), (ids["node"][rc.arc_node[e]], 12), (lane_id[rc.arc_lane[e]], 0)]
        elif (which == COLUMN_CODES and code in (m.SHIP_COMPLETE, m.KEPT, m.UNDER, m.OVER, m.ELIGIBLE)) or (
            which == ROW_CODES and code in (m.LINE, m.KEPT_ROW, m.STABILITY, m.ELIGIBLE_ROW, m.RATIO_ROW)
        ):
            parts = [(ids["line"][e], 0)]
        elif (which == COLUMN_CODES and code == m.CHOSEN) or (which == ROW_CODES and code == m.LINE_ORIGIN):
            owner = ids["order" if code == m.CHOSEN and which == COLUMN_CODES else "line"][e // n_loc]
            parts = [(owner, 12), (ids["location"][e % n_loc], 0)]
        elif which == ROW_CODES and code in (m.NODE, m.LANE, m.PROTECTION, m.ORDER_LIMIT):
            table = {m.NODE: "node", m.LANE: "lane", m.PROTECTION: "protection", m.ORDER_LIMIT: "order"}[code]
            parts = [(ids[table][e], 0)]
        elif which == ROW_CODES and code == m.HELD:
            parts = [(np.full(len(e), anchor, np.int64), 20), (e, 0)]
        elif which == COLUMN_CODES and code == m.RATIO:
            parts = [(np.full(len(e), anchor, np.int64), 0)]
        else:
            continue  # a kind given no key here: its columns or rows start as the record lacked them
        known = np.all([p >= 0 for p, _ in parts], axis=0)
        value = np.full(len(e), code << _KIND, np.int64)
        for p, shift in parts:
            value |= p.astype(np.int64) << shift
        out[at[known]] = value[known]
    return out


def _batch_key(solver: BatchSolver) -> Hashable:
    """A recorded batch by its first line (order id, line number)."""
    if not len(solver.m.lines):
        return None
    return _line_keys(solver, [int(solver.m.lines[0])])[0]


def _line_keys(solver: BatchSolver, lines: list[int]) -> list[Hashable]:
    refs = solver.rc.lines
    return [(refs[li].order.id, refs[li].line.line) for li in lines]


def _binaries(solver: BatchSolver) -> bool:
    """Does the batch have binaries (ship-complete lines, shipment limits)? Its levels mostly go to integer
    programs, where the LP's start matters little and another LP vertex changes the dive: generated 1,000-line
    books (50 items, 4 locations, seeds 1 and 2, six modifiers each, 2026-12-04) took 16.8 and 19.3 s warm
    against 15.9 and 18.5 cold."""
    return bool(solver.m.integer[len(solver.m.arcs) :].any())


def _balance(solver: BatchSolver, col: np.ndarray, row: np.ndarray, unknown_rows: np.ndarray) -> None:
    """Make the number of basic columns and rows the number of rows: promote slacks of the latest rows, or demote
    the slacks of rows the record lacked, then of the latest rows, then the latest basic columns."""
    excess = int((col == BASIC).sum() + (row == BASIC).sum()) - len(row)
    if excess < 0:
        nonbasic = np.flatnonzero(row != BASIC)[::-1][:-excess]
        row[nonbasic] = BASIC
        return
    if excess == 0:
        return
    basic_rows = np.flatnonzero(row == BASIC)
    order = np.concatenate([basic_rows[unknown_rows[basic_rows]], basic_rows[~unknown_rows[basic_rows]][::-1]])
    demote = order[:excess]
    if len(demote):
        lo, hi = solver.row_bounds(demote)
        row[demote] = np.where(np.isfinite(hi), UPPER, np.where(np.isfinite(lo), LOWER, ZERO))
    excess -= len(demote)
    if excess > 0:
        col[np.flatnonzero(col == BASIC)[::-1][:excess]] = LOWER  # every column's lower bound is 0


def _statuses(values: list[highspy.HighsBasisStatus], n: int) -> np.ndarray:
    # `.value` rather than int(): 10.5 against 18.6 ms for 120,000 statuses (the baseline records some 30 bases)
    return np.fromiter((v.value for v in values), np.int8, n)


def _grown(status: np.ndarray, n: int) -> np.ndarray:
    return np.concatenate([status, np.full(n - len(status), UNKNOWN, np.int8)]) if len(status) < n else status


def _lookup(status: np.ndarray, ids: np.ndarray) -> np.ndarray:
    out = np.full(len(ids), UNKNOWN, np.int8)
    found = (ids >= 0) & (ids < len(status))
    out[found] = status[ids[found]]
    return out


def _ids(table: dict[Any, int], keys: Any, *, grow: bool) -> np.ndarray:
    """Each key's id in `table` (new keys get the next, when `grow`); UNKNOWN for the code -1 (a key with an
    unknown part) and, unless growing, for keys the table lacks."""
    keys = keys.tolist() if isinstance(keys, np.ndarray) else keys
    if grow:
        return np.array([UNKNOWN if key == -1 else table.setdefault(key, len(table)) for key in keys], np.int64)
    return np.array([table.get(key, UNKNOWN) for key in keys], np.int64)


def _tags(extra: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    pairs = np.fromiter(itertools.chain.from_iterable(extra), np.int64, 2 * len(extra)).reshape(-1, 2)
    return pairs[:, 0], pairs[:, 1]


def node_keys(rc: RunCandidates) -> list[tuple[object, ...]]:
    """Each supply node by its pool, its source and its place among that pool's dates from that source, not the
    date itself: a supplier's delay moves its receipts' dates, and each is then still the same receipt."""
    seen: dict[tuple[str, str, str], int] = {}
    out: list[tuple[object, ...]] = []
    for node in rc.nodes:
        pool = (node.item, node.location, node.source)
        out.append((*pool, seen.get(pool, 0)))
        seen[pool] = seen.get(pool, 0) + 1
    return out
