"""Per-line explanation: every candidate supply considered for a line, and why each unused one was not used.

Reasons are decided from the solved flow by exchange arguments: a candidate whose supply is left over, whose
lane has room and whose location could still be shipped from was not used because the line needed nothing
more from it (LATER_DELIVERY, LOWER_MARGIN, TIE_BREAK), or because the line ships complete. The rule is
applied to all arcs at once (numpy masks in the order of precedence); only the texts are built per arc, and
those are shared wherever they read the same.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from optimizers.candidates.candidate_set import CandidateSet
from optimizers.candidates.routes import MARGIN_SCALE
from optimizers.decision import Candidate, Lane
from optimizers.explain.reason_texts import (
    CODES,
    COMPLETE,
    LIMIT,
    NOTHING_ASKED,
    TIE,
    TIE_FULL,
    TIMEOUT,
    ReasonTexts,
)
from optimizers.explain.usage import Usage

SUMMARY_ABOVE_LINES = 500


@dataclass
class Facts:
    """Every arc's reason, computed once per decision."""

    code: np.ndarray  # per arc, an index into CODES
    latest: np.ndarray  # per line, the latest delivery (days after as_of) among its used arcs
    worst: np.ndarray  # per line, the lowest unit margin among its used arcs


def facts(cs: CandidateSet, x: np.ndarray, u: Usage, degraded: bool) -> Facts:
    """The reason code of every arc of a solved flow."""
    a, n_lines = cs.arcs, len(cs.line_qty)
    used = x > 0
    got = np.bincount(a.line, x, minlength=n_lines)
    line_used = np.bincount(a.line[used], minlength=n_lines) > 0
    line_on_time = np.bincount(a.line[used & a.on_time], minlength=n_lines) > 0
    latest = np.full(n_lines, np.iinfo(np.int64).min)
    np.maximum.at(latest, a.line[used], a.days[used])
    worst = np.full(n_lines, np.iinfo(np.int64).max)
    np.minimum.at(worst, a.line[used], a.margin[used])
    full = (got >= cs.line_qty)[a.line]
    lat, wst = latest[a.line], worst[a.line]
    exhausted = u.node_left[a.node] <= 0
    sole = u.node_sole_taker[a.node]
    conditions = [
        used,
        exhausted & ((sole == a.line) | (sole == -2)),  # no other line took any of it
        exhausted,
        (a.lane >= 0) & np.append(u.lane_full, False)[a.lane],
        u.shipments_full & ~u.origin_used[a.origin],
        full & ~line_used[a.line],
        full & ~a.on_time & line_on_time[a.line],
        full & (a.days > lat) & (a.margin <= wst),
        full & (a.margin < wst),
        full,
        cs.ship_complete[a.line],
        np.full(len(a), degraded),
    ]
    return Facts(np.select(conditions, range(len(conditions)), TIE), latest, worst)


def arc_candidates(cs: CandidateSet, f: Facts, u: Usage, x: np.ndarray, arcs: np.ndarray) -> list[Candidate]:
    """The candidate, with its reason and detail, of each arc listed."""
    a = cs.arcs
    texts = ReasonTexts(cs, u, f.latest, f.worst)
    nodes = [(nd.item, nd.location, nd.source, nd.available_date) for nd in cs.nodes]
    lanes: list[Lane | None] = [Lane(frm, to) for frm, to, _ in cs.lanes] + [None]  # lane -1 reads None
    dates = {d: cs.delivery_date(d) for d in np.unique(a.days[arcs]).tolist()}
    fixed = {code: texts.build((code,), -1, -1) for code in (LIMIT, NOTHING_ASKED, TIE_FULL, COMPLETE, TIMEOUT, TIE)}
    out = []
    for n, li, lane, o, days, on_time, margin, q, code in zip(
        a.node[arcs].tolist(),
        a.line[arcs].tolist(),
        a.lane[arcs].tolist(),
        a.origin[arcs].tolist(),
        a.days[arcs].tolist(),
        a.on_time[arcs].tolist(),
        a.margin[arcs].tolist(),
        x[arcs].tolist(),
        f.code[arcs].tolist(),
        strict=True,
    ):
        hit = fixed.get(code)
        reason, detail, others = hit if hit is not None else texts.of(code, lane, n, li, days, on_time, margin, q)
        item, location, source, available = nodes[n]
        delivery = dates[days]
        out.append(
            Candidate(
                item,
                location,
                source,
                available,
                lanes[lane],
                cs.origins[o],
                delivery,
                on_time,
                margin / MARGIN_SCALE,
                q,
                reason,
                detail,
                others,
            )
        )
    return out


def reason_counts(cs: CandidateSet, f: Facts, x: np.ndarray) -> list[Counter[str]]:
    """Per line, how many of its unused arcs got each reason (for summarised explanations)."""
    unused = x == 0
    pairs, counts = np.unique(cs.arcs.line[unused] * len(CODES) + f.code[unused], return_counts=True)
    out: list[Counter[str]] = [Counter() for _ in cs.line_qty]
    for pair, count in zip(pairs.tolist(), counts.tolist(), strict=True):
        out[pair // len(CODES)][CODES[pair % len(CODES)].value] += count
    return out


def summary_needed(n_lines: int) -> bool:
    """Explanations are summarised per line above this many lines; backorders never are."""
    return n_lines > SUMMARY_ABOVE_LINES
