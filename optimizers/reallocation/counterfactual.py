"""The counterfactual of a line that lost units or is backordered, as a claim a re-solve can check, and its
sentences.

The claim: `extra` more units of `item` in stock at `location` on `as_of` would have given the line `target`
units, its cap (`qty`, or a `fill` line's confirmed units). The item and location are those of the line's best
arc (on time first, then the least tie-break cost); `on_time` says whether that location's route, from stock on
`as_of`, delivers by the order's requested date. `optimizers.reallocation.verify` checks it by re-solving.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optimizers.reallocation.candidates import RunCandidates
from optimizers.reallocation.result import WhatIf

BOUNDED = "no additional supply would change this line: its strategy or pricing bounds it"
UNREACHABLE = "no additional supply would change this line: no supply of a usable item reaches its region"


class Claim(NamedTuple):
    item: str
    location: str
    extra: int  # units of new stock at `location` on as_of
    target: int  # units the line would then get: its cap
    qty: int  # the line's requested units
    on_time: bool  # the route from `location` delivers by the requested date


def line_arcs(rc: RunCandidates, li: int) -> np.ndarray:
    """The line's arcs (arcs are sorted by line)."""
    lo, hi = np.searchsorted(rc.arc_line, [li, li + 1])
    return np.arange(lo, hi)


def claim(rc: RunCandidates, li: int, allocated: int) -> Claim | None:
    """The line's counterfactual claim; None when no supply could give it more (no arc, or at its cap)."""
    ref = rc.lines[li]
    arcs = line_arcs(rc, li)
    if not len(arcs) or allocated >= ref.cap:
        return None
    best = int(arcs[np.lexsort((rc.arc_tie[arcs], ~rc.arc_on_time[arcs]))[0]])
    node = rc.nodes[int(rc.arc_node[best])]
    route_days = int(rc.arc_days[best]) - (node.available_date - rc.problem.as_of).days
    on_time = rc.day(route_days) <= ref.order.requested_date
    return Claim(node.item, node.location, ref.cap - allocated, ref.cap, ref.line.qty, on_time)


def stated_what_if(c: Claim) -> WhatIf:
    return WhatIf(c.item, c.location, c.extra, c.target, c.on_time)


def policy_sentence(rc: RunCandidates, li: int) -> str:
    """Why no supply would help a line without a claim."""
    return BOUNDED if rc.lines[li].cap == 0 or len(line_arcs(rc, li)) else UNREACHABLE


def _supply(c: Claim) -> str:
    return f"{c.extra} more units of {c.item} in stock at {c.location}"


def _full(c: Claim) -> str:
    return "filled this line" if c.target == c.qty else f"given this line its {c.target} confirmed units"


def stated(c: Claim) -> str:
    """The claim as stated, before (or without) a re-solve."""
    return f"{_supply(c)} would have {_full(c)} ({'on time' if c.on_time else 'late'})"


def confirmed(c: Claim, allocated: int, least: int, least_on_time: int) -> str:
    """What a re-solve showed: every optimal allocation with the extra stock gives the line at least `least`
    units, `least_on_time` of them on time."""
    when = " on time" if least_on_time >= least else ""
    if least >= c.target:
        return f"{_supply(c)} would have {_full(c)}{when} (verified by re-solving)"
    return (
        f"{_supply(c)} would have given this line at least {least - allocated} more units{when}, "
        f"{least} of {c.qty} (verified by re-solving)"
    )


def refuted(c: Claim, least: int) -> str:
    """A re-solve found an optimal allocation with the extra stock that gives the line only `least` units, no
    more than it has."""
    return (
        f"{_supply(c)} would not be sure to reach this line: re-solved with them, some optimal allocation "
        f"gives it only {least} units"
    )
