"""Scenario batches for planners (issue 13): one order book, a baseline and many what-ifs, each a re-allocation
run under the service's order-level policy, compared side by side.

`load_batch(text)` reads a batch (YAML or JSON, errors naming line and field); `run_batch(batch, ...)` runs
every scenario on the local process pool or on Ray and answers a `BatchResult`; `write_results(result, out)`
writes JSON, CSV and the self-contained HTML report. Pure: no Flask, no SQL.
"""

from scenarios.batches.errors import BatchError
from scenarios.batches.loader import load_batch, read_batch_file
from scenarios.batches.model import Batch, Modifier, Scenario, Settings
from scenarios.batches.runner import BatchResult, run_batch
from scenarios.batches.writers import write_results

__all__ = [
    "Batch",
    "BatchError",
    "BatchResult",
    "Modifier",
    "Scenario",
    "Settings",
    "load_batch",
    "read_batch_file",
    "run_batch",
    "write_results",
]
