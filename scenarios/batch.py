"""A planner's scenario batch: one order, several what-ifs, decided side by side.

`python -m scenarios.batch --preset small --seed 1` decides the base order and each standard what-if
(supplier slip, demand spike, the busiest warehouse closed, a regional shortage) and prints what each does to
on-time units, units, margin and backorders. Each what-if is decided by the order-level service, exactly as
`POST /v1/allocations` decides it: pricing, credit and exception rules included.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from decision_service.orders.ports import Ports
from decision_service.orders.request import OrderRequest
from decision_service.orders.service import decide_order
from optimizers.problem import AllocationProblem
from scenarios.generator import PRESETS, preset
from scenarios.whatifs import WhatIf, demand_spike, standard_whatifs, supplier_slip


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    """What one what-if's decision reached."""

    name: str
    status: str
    demand: int
    on_time_units: int
    units: int
    margin: float
    backorder_units: int
    backordered_lines: int
    held: bool
    rejected_lines: int
    solver_status: str
    wall_ms: float


def run_scenario(name: str, request: OrderRequest, ports: Ports) -> ScenarioResult:
    """Decide `request` (without explanations: a batch compares outcomes) and summarise it."""
    problem = request.problem
    decided = decide_order(request, ports, explain=False)
    d = decided.allocation
    return ScenarioResult(
        name=name,
        status=str(d.status),
        demand=sum(x.qty for x in problem.order.lines),
        on_time_units=d.objective.on_time_units,
        units=d.objective.units,
        margin=d.objective.margin,
        backorder_units=sum(x.backorder_qty for x in d.lines),
        backordered_lines=sum(1 for x in d.lines if x.backorder_qty),
        held=decided.held,
        rejected_lines=len(decided.rejections),
        solver_status=str(d.solver.status),
        wall_ms=d.solver.wall_ms,
    )


def run_batch(base: AllocationProblem, whatifs: dict[str, WhatIf], ports: Ports | None = None) -> list[ScenarioResult]:
    """Each what-if applied to `base` and decided under the shipped rules (or `ports`), in the order given."""
    ports = ports or Ports.default()
    return [run_scenario(name, OrderRequest(whatif(base)), ports) for name, whatif in whatifs.items()]


def format_table(results: list[ScenarioResult]) -> str:
    """A fixed-width comparison, each figure followed by its change against the first row."""
    head = f"{'scenario':<24}{'status':<12}{'demand':>8}{'on-time':>14}{'units':>14}{'margin':>20}"
    head += f"{'backorder':>16}{'lines bo':>9}  held  solver      ms"
    rows = [head, "-" * len(head)]
    base = results[0]
    for r in results:
        rows.append(
            f"{r.name:<24}{r.status:<12}{r.demand:>8}"
            f"{r.on_time_units:>7} {r.on_time_units - base.on_time_units:>+6}"
            f"{r.units:>7} {r.units - base.units:>+6}"
            f"{r.margin:>11.2f} {r.margin - base.margin:>+8.2f}"
            f"{r.backorder_units:>9} {r.backorder_units - base.backorder_units:>+6}"
            f"{r.backordered_lines:>9}  {'yes' if r.held else 'no':<6}{r.solver_status:<9}{r.wall_ms:>6.1f}"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> list[ScenarioResult]:
    """CLI entry point: print the comparison table for a preset and seed."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", choices=sorted(PRESETS), default="small")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--slip-days", type=int, default=14, help="an extra supplier slip of this many days")
    parser.add_argument("--spike", type=float, default=2.0, help="an extra demand spike by this factor")
    args = parser.parse_args(argv)
    base = preset(args.preset, args.seed)
    whatifs = standard_whatifs(base)
    whatifs[f"supplier_slip_+{args.slip_days}d"] = lambda p: supplier_slip(p, args.slip_days)
    whatifs[f"demand_spike_x{args.spike:g}"] = lambda p: demand_spike(p, args.spike)
    print(
        f"order {base.order.id}: {len(base.order.lines)} lines for {base.order.customer} in {base.order.ship_to_region}"
    )
    results = run_batch(base, whatifs)
    print(format_table(results))
    return results


if __name__ == "__main__":
    main()
