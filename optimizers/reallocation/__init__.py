"""Re-allocation runs (`shared/spec/reallocation.md`): many orders sharing one network, solved exactly.

`run(problem, time_limit_ms=...)` answers a `ReallocationRun`; `parse(data)` reads the spec's JSON input
(a plain dict) into a `ReallocationProblem`, raising `InvalidRun(field, detail)`; `validate(problem, run)`
recomputes the run's feasibility, objective and KPIs without a solver.
"""

from optimizers.reallocation.errors import InvalidRun
from optimizers.reallocation.parse import parse
from optimizers.reallocation.problem import ReallocationProblem
from optimizers.reallocation.proof.validation import validate
from optimizers.reallocation.result import ReallocationRun
from optimizers.reallocation.solve import run

__all__ = ["InvalidRun", "ReallocationProblem", "ReallocationRun", "parse", "run", "validate"]
