"""Where scenario runs happen: in this process, on a local process pool (the default) or on Ray.

Each scenario is `solve_scenario`: its modifiers applied to the base, then one run exactly as the API makes it
(`decision_service.runs.service`: the pricing and credit tables on every order, then the core), checked by the
solver-free validator. The base travels once per worker (a file the pool's initializer reads, Ray's object
store), not once per scenario. Locally, `workers` counts this process: it and `workers - 1` pool processes each
take the next scenario when free. With warm starts (the batch's default) the baseline runs first, here, while the pool's
processes start, and records its optimal bases (`optimizers.reallocation.warm`); every other scenario starts its
levels from them, and explains only the lines whose reasons the comparison with the baseline reads
(`FromBaseline`), which reach each worker once too. Outcomes are keyed by the scenario's index, and every
scenario starts from the same record, so a batch's results never depend on which worker answered first or how
many there were. A pool process that stops (killed, out of memory) never leaves the batch waiting: this process
takes what was not handed out, and what the pool had taken runs again alone (`_answer`).
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
import queue
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from optimizers.reallocation.result import LineExplanation, Reason, RunLineResult, RunOrderResult
from optimizers.reallocation.warm import Bases
from scenarios.batches.model import Scenario, Settings
from scenarios.batches.modifiers import apply
from scenarios.batches.reading import BaseRead, read_base, read_scenario
from scenarios.batches.results import ALLOC, ON_TIME, compared

Outcome = dict[str, Any]
PortsFactory = Callable[[], Any]
WHY_CHARS = 400


def default_ports() -> Any:
    """The service's default ports: the shipped rule tables."""
    from decision_service.orders.ports import Ports

    return Ports.default()


def _reason(r: Reason) -> str:
    takers = ", ".join(f"{t.order}#{t.line} x{t.qty}" for t in r.taken_by[:3])
    return f"{r.code} {r.detail}" + (f" (taken by {takers})" if takers else "")


def why(explanation: LineExplanation | None) -> str:
    """The run's explanation of a line in one line of text: reasons with who took the supply, counterfactual."""
    if explanation is None:
        return ""
    parts = [_reason(r) for r in explanation.reasons]
    if explanation.counterfactual:
        parts.append(explanation.counterfactual)
    text = "; ".join(parts)
    return text if len(text) <= WHY_CHARS else text[: WHY_CHARS - 1] + "…"


def _line_key(order: str, line: int) -> str:
    """How an outcome names a line: `order#line`."""
    return f"{order}#{line}"


def _on_time(line: RunLineResult) -> int:
    return sum(f.qty for f in line.fills if f.on_time)


def _line_facts(order: RunOrderResult, line: RunLineResult, price: float) -> list[Any]:
    """What the comparison with the baseline reads of a line, straight from the run (the API's body of a
    20,000-line run takes 0.4 s to build, and only these figures are kept)."""
    fills = line.fills
    return [line.requested_qty, line.allocated_qty, line.backorder_qty,
            _on_time(line), round(sum(f.qty * f.unit_margin for f in fills), 6),
            line.rejection, order.held, why(line.explanation), price]  # fmt: skip


def with_limit(base: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """The base with the batch's time limit per run (a policy modifier may change it again)."""
    return {**base, "policy": {**(base.get("policy") or {}), "time_limit_ms": settings.time_limit_ms}}


@dataclass(frozen=True)
class FromBaseline:
    """What the baseline, run first, gives every other scenario of a batch: its optimal bases to start each level
    from (`optimizers.reallocation.warm`), and its outcome (None when it failed).

    - A scenario explains only the lines whose reasons the comparison with the baseline reads (`results._why`):
      those that lost units against it, or kept them and moved on-time units. Each other line's reasons were work
      thrown away: a scenario of the plain 20,000-line book explained some 7,000 backordered lines, of which 4 to
      2,800 changed (2026-12-05), and its counterfactuals are now verified among those.
    - A scenario is compared with the baseline where it ran (`results.compared`), and hands back the comparison
      instead of its 20,000 lines' facts: the comparisons of a 50-scenario batch took 1.5-4 s, and reading the
      pool's outcomes (1 MB each) about as much, in the process that gathers them, which runs scenarios too."""

    bases: Bases
    baseline: Outcome | None

    @classmethod
    def of(cls, outcome: Outcome, bases: Bases) -> FromBaseline:
        return cls(bases, outcome if outcome["ok"] else None)

    def needs_why(self, order: str, line: RunLineResult) -> bool:
        """Whether the comparison with the baseline reads this short line's reasons."""
        if self.baseline is None:
            return True
        was = self.baseline["lines"].get(_line_key(order, line.line))
        if was is None:
            return False  # a new line (new orders): the comparison says so, and reads no reasons
        if line.allocated_qty != was[ALLOC]:
            return line.allocated_qty < was[ALLOC]  # a line that gained is told by the baseline's reasons
        return _on_time(line) != was[ON_TIME]


def solve_scenario(
    base: dict[str, Any],
    scenario: Scenario,
    settings: Settings,
    ports: Any,
    start: FromBaseline | None = None,
    keep: Bases | None = None,
) -> Outcome:
    """One scenario's run, summarised; a failure is an outcome with its error, never an exception. `start`: what
    the baseline gives it (bases to start each level from, the lines to explain); `keep`: where the baseline
    records its bases (`optimizers.reallocation.warm.Bases`). Python's cyclic collector waits until it is done
    (`collected_after`)."""
    with collected_after():
        outcome = _solved(base, scenario, settings, ports, start, keep)
        if outcome["ok"] and start is not None and start.baseline is not None:
            return compared(outcome, start.baseline, settings.top_changes)
        return outcome


def _solved(base: dict[str, Any], scenario: Scenario, settings: Settings, ports: Any, start: FromBaseline | None,
            keep: Bases | None) -> Outcome:  # fmt: skip
    from decision_service.codec.encode_run import kpis_body, plain
    from decision_service.runs.service import solve_run
    from optimizers.reallocation import validate

    began = time.perf_counter()
    try:
        data = apply(with_limit(base, settings), scenario.modifiers)
        reading = _base_read(base)
        problem, versions = read_scenario(data, ports, reading)
        if reading is None and not scenario.modifiers:  # the baseline's reading serves every other scenario's
            _remember(base, BaseRead.of(data, problem, versions))
        decided = solve_run(problem, versions, run_id=f"scenario:{scenario.name}", started=time.perf_counter(),
                            warm=None if start is None else start.bases, keep=keep,
                            explain=None if start is None else start.needs_why)  # fmt: skip
        run = decided.run
    except Exception as exc:  # noqa: BLE001 - a scenario that fails is reported, the batch goes on
        field = getattr(exc, "field", None)
        detail = getattr(exc, "detail", None) or getattr(exc, "message", None) or str(exc)
        error = f"{type(exc).__name__}: {field}: {detail}" if field else f"{type(exc).__name__}: {detail}"
        return _failed(error, (time.perf_counter() - began) * 1000)
    prices = {(o["id"], ln["line"]): ln["unit_price"] for o in data["orders"] for ln in o["lines"]}
    solver = plain(run.solver)
    return {
        "ok": True, "error": None, "status": run.status, "input_hash": run.input_hash,
        "solver": {k: solver[k] for k in ("engine", "status", "proven", "degraded", "first_unproven")},
        "objective": [{"level": lv.level, "value": lv.value} for lv in run.objective],
        "kpis": kpis_body(run.kpis), "rules_versions": dict(decided.rules_versions),
        "validation": validate(decided.problem, run) if settings.validate else None,
        "lines": {_line_key(o.id, ln.line): _line_facts(o, ln, prices[(o.id, ln.line)]) for o in run.orders
                  for ln in o.lines},
        "wall_ms": (time.perf_counter() - began) * 1000, "solver_ms": solver["solver_ms"],
    }  # fmt: skip


def _failed(error: str, wall_ms: float = 0.0) -> Outcome:
    """A scenario's outcome when it failed: `error` says why."""
    return {"ok": False, "error": error, "wall_ms": wall_ms}


# The base's reading in this process (`scenarios.batches.reading`), for the base object it was made of: one at a
# time, so that a server running batches one after another keeps only the last one's.
_READ: tuple[Any, BaseRead] | None = None


def _base_read(base: dict[str, Any]) -> BaseRead | None:
    held = _READ
    return held[1] if held is not None and held[0] is base else None


def _remember(base: dict[str, Any], reading: BaseRead) -> None:
    global _READ
    _READ = (base, reading)


def _forget(base: dict[str, Any]) -> None:
    global _READ
    if _base_read(base) is not None:
        _READ = None


@contextmanager
def collected_after() -> Iterator[None]:
    """Python's cyclic garbage collector paused for a scenario's run, then run once: a run of the plain
    20,000-line book makes some 500-800 young collections and 3-6 full ones, each full one walking every object of
    the base, the record and the run (0.27-0.36 s a scenario, 2026-12-05; 0.04-0.08 s for the one collection
    after). Memory is freed by reference counting meanwhile (the peak was the same). The pause is the process's:
    a server running a batch in a thread pauses the collector for its other requests too, a run at a time. A
    caller that had it off keeps it off.

    The collection after is of the youngest generation only: with the collector paused, everything the run made
    and kept is still young, and so is any cycle it left (6 objects a scenario), while a full collection walks
    the base, the record and every earlier result again: 76-133 ms a scenario of the 20,000-line book in a
    process that runs the baseline (not frozen, unlike a pool process's), against 2-55 ms (2026-12-05). Older
    generations are collected as the collector's thresholds say."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            gc.collect(0)


# -- the baseline first: it records its bases (`optimizers.reallocation.warm`) for every other scenario -----------
def _records(jobs: dict[int, Scenario], settings: Settings) -> bool:
    """Does the baseline (index 0) run first, here, recording the bases the other scenarios start from?"""
    return settings.warm_start and 0 in jobs and len(jobs) > 1


def _baseline(base: dict[str, Any], rest: dict[int, Scenario], settings: Settings,
              ports: Any) -> tuple[Outcome, FromBaseline]:  # fmt: skip
    """Run the baseline, taking it out of `rest`: its outcome, and what it gives the other scenarios."""
    keep = Bases()
    outcome = solve_scenario(base, rest.pop(0), settings, ports, keep=keep)
    return outcome, FromBaseline.of(outcome, keep)


def _ready() -> None:
    """Nothing: submitted once per worker so that the pool starts its processes while the baseline runs."""


def _start(pool: ProcessPoolExecutor, processes: int) -> None:
    try:
        for _ in range(processes):
            pool.submit(_ready)
    except RuntimeError:  # a process died starting (BrokenProcessPool): the scenarios run here (`_Shared`)
        pass


# -- the local process pool: each worker keeps the base and the ports it was started with --------------------------
_WORKER: dict[str, Any] = {}


def _init(base_file: str, settings: Settings, ports_factory: PortsFactory) -> None:
    base = pickle.loads(Path(base_file).read_bytes())
    _WORKER.update(base=base, settings=settings, ports=ports_factory(), bases_file=None, start=None)
    try:  # the base's reading, for the orders each scenario leaves alone; while the baseline runs elsewhere
        _remember(base, read_base(with_limit(base, settings), _WORKER["ports"]))
    except Exception:  # noqa: BLE001 - a base that cannot be read fails each scenario with its error, as before
        pass


def _pooled(scenario: Scenario, bases_file: str | None) -> Outcome:
    if _WORKER["bases_file"] != bases_file:  # read once per worker
        _WORKER["start"] = None if bases_file is None else pickle.loads(Path(bases_file).read_bytes())
        _WORKER["bases_file"] = bases_file
        gc.freeze()  # the base and the record live as long as the worker: no collection need walk them again
    return solve_scenario(_WORKER["base"], scenario, _WORKER["settings"], _WORKER["ports"], _WORKER["start"])


def run_local(base: dict[str, Any], jobs: dict[int, Scenario], settings: Settings, workers: int,
              ports_factory: PortsFactory) -> Iterator[tuple[int, Outcome]]:  # fmt: skip
    """Outcomes as they finish, from `workers` workers: this process and `workers - 1` fresh processes of a pool
    (spawned, not forked: the caller may be a threaded server), each taking the next scenario when it is free.
    With `settings.warm_start`, the baseline runs first here while the pool's processes start on the other cores
    (measured on the bench's 2,000-line batch: two pool processes starting beside the baseline doubled its time,
    0.7 to 1.5 s, and that is the batch's critical path), and every other scenario starts from what it gives
    (`FromBaseline`), which reaches each pool process once, through a file, as the base does (`_written`). The
    base's reading this process keeps (`_remember`) goes when the batch is done."""
    try:
        yield from _local(base, jobs, settings, workers, ports_factory)
    finally:
        _forget(base)


def _local(base: dict[str, Any], jobs: dict[int, Scenario], settings: Settings, workers: int,
           ports_factory: PortsFactory) -> Iterator[tuple[int, Outcome]]:  # fmt: skip
    rest, start = dict(jobs), None
    ports = ports_factory()
    if workers <= 1:
        if _records(jobs, settings):
            outcome, start = _baseline(base, rest, settings, ports)
            yield 0, outcome
        for index, scenario in rest.items():
            yield index, solve_scenario(base, scenario, settings, ports, start)
        return
    bases_file = None
    base_file = _written(base)
    with _pool(workers - 1, base_file, settings, ports_factory) as pool:
        try:
            if _records(jobs, settings):
                # Starting a process blocks until it has read the base, after its own start-up (0.4 s for a
                # 2,000-line book): a thread waits for that, so that the baseline starts at once.
                starting = threading.Thread(target=_start, args=(pool, workers - 1), daemon=True)
                starting.start()
                outcome, start = _baseline(base, rest, settings, ports)
                starting.join()
                bases_file = _written(start)
                yield 0, outcome
            here = _Shared(pool, workers - 1, rest, bases_file)
            yield from here.run(lambda scenario: solve_scenario(base, scenario, settings, ports, start),
                                partial(_alone, base_file=base_file, bases_file=bases_file, settings=settings,
                                        ports_factory=ports_factory))  # fmt: skip
        finally:
            for path in (base_file, bases_file):
                if path is not None:
                    Path(path).unlink(missing_ok=True)


def _pool(processes: int, base_file: str, settings: Settings, ports_factory: PortsFactory) -> ProcessPoolExecutor:
    """A pool of fresh processes (spawned, not forked: the caller may be a threaded server), each started by
    `_init` with the base in `base_file`."""
    return ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"), initializer=_init,
                               initargs=(base_file, settings, ports_factory))  # fmt: skip


def _written(value: Any) -> str:
    """A temporary file holding `value` pickled, for the pool's processes to read. The base goes to them this way
    and not as the initializer's arguments: those are written into each new process's start-up pipe, and CPython
    (3.11) keeps the pipe's read end open in this process until the write is done, so a process that died
    starting (killed, out of memory) left the write of a base larger than the pipe's buffer waiting forever, and
    the batch with it."""
    with tempfile.NamedTemporaryFile("wb", suffix=".pickle", delete=False) as out:
        out.write(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return out.name


class _Shared:
    """Scenarios shared between this process and a pool's processes, each taking the next when it is free. A pool
    process gets its next scenario from its last one's completion callback, so it never waits for this process to
    finish one of its own; this process takes one whenever it has handed over what finished meanwhile."""

    def __init__(self, pool: ProcessPoolExecutor, helpers: int, jobs: dict[int, Scenario],
                 bases_file: str | None) -> None:  # fmt: skip
        self.pool, self.bases_file, self.jobs = pool, bases_file, jobs
        self.todo = deque(jobs.items())
        self.lock = threading.Lock()
        self.finished: queue.Queue[tuple[int, Future[Outcome]]] = queue.Queue()
        self.submitted = 0  # counted under the lock with the scenario taken, so the count is never behind
        self.closed = False
        self.broken = False  # the pool refused a scenario (a process died): this process takes the rest
        # The first submissions may start the pool's processes, which blocks (`run_local`): not this thread.
        threading.Thread(target=self._submit_first, args=(helpers,), daemon=True).start()

    def _submit_first(self, helpers: int) -> None:
        for _ in range(helpers):
            self._submit_next()

    def _take(self, pooled: bool) -> tuple[int, Scenario] | None:
        with self.lock:
            if not self.todo or self.closed or (pooled and self.broken):
                return None
            self.submitted += pooled
            return self.todo.popleft()

    def _submit_next(self) -> None:
        item = self._take(pooled=True)
        if item is None:
            return
        index, scenario = item
        try:
            future = self.pool.submit(_pooled, scenario, self.bases_file)
        except RuntimeError:  # the pool is shut down or broken (a process died): this process takes it
            with self.lock:
                self.todo.appendleft(item)
                self.submitted -= 1
                self.broken = True
            return
        future.add_done_callback(lambda done: self._finished(index, done))

    def _finished(self, index: int, future: Future[Outcome]) -> None:
        """The pool's callback (on its own thread): hand the outcome over and, when the scenario was answered (a
        scenario's own failure is an outcome; an exception means the pool broke), give that process the next."""
        self.finished.put((index, future))
        if not future.cancelled() and future.exception() is None:
            self._submit_next()

    def run(
        self, here: Callable[[Scenario], Outcome], again: Callable[[Scenario], Outcome] | None = None
    ) -> Generator[tuple[int, Outcome], None, None]:
        """Outcomes as they finish, `here` answering whatever this process takes, and `again` any scenario whose pool
        process stopped (`_answer`)."""
        received = 0
        try:
            while (item := self._take(pooled=False)) is not None:
                yield item[0], here(item[1])
                while True:
                    try:
                        index, future = self.finished.get_nowait()
                    except queue.Empty:
                        break
                    received += 1
                    yield index, _answer(future, self.jobs[index], again)
            while received < self.submitted:
                index, future = self.finished.get()
                received += 1
                yield index, _answer(future, self.jobs[index], again)
        finally:
            with self.lock:
                self.closed = True


def _answer(future: Future[Outcome], scenario: Scenario | None = None,
            again: Callable[[Scenario], Outcome] | None = None) -> Outcome:  # fmt: skip
    """A pool process's outcome. When a process stops (killed, out of memory), the pool breaks: every scenario it
    had taken fails with `BrokenProcessPool`, and this process runs those not yet handed out. Which scenario, if
    any, stopped it is not known, so each it had taken is run `again` in a process of its own (`_alone`), and is
    reported failed with why, as a scenario's own failure is, only when it stops that one too: never here, where
    what stopped a process could stop the whole batch."""
    try:
        return future.result()
    except BrokenProcessPool:
        if again is not None and scenario is not None:
            return again(scenario)
        return _failed(_STOPPED)
    except Exception as exc:  # noqa: BLE001 - a scenario that fails is reported, the batch goes on
        return _failed(f"{type(exc).__name__}: {exc}")


_STOPPED = ("BrokenProcessPool: the worker process running this scenario stopped (killed, or out of memory), and "
            "again when it was run alone")  # fmt: skip


def _alone(scenario: Scenario, base_file: str, bases_file: str | None, settings: Settings,
           ports_factory: PortsFactory) -> Outcome:  # fmt: skip
    """A scenario run in a new pool process of its own, started as the batch's were; failed when it stops it."""
    with _pool(1, base_file, settings, ports_factory) as pool:
        try:
            return _answer(pool.submit(_pooled, scenario, bases_file))
        except RuntimeError:  # it stopped starting (BrokenProcessPool)
            return _failed(_STOPPED)


# -- Ray: the same function on a cluster (or a local Ray instance) ------------------------------------------------
def _on_ray(
    base: dict[str, Any],
    scenario: Scenario,
    settings: Settings,
    ports_factory: PortsFactory,
    start: FromBaseline | None,
) -> Outcome:
    if _WORKER.get("factory") is not ports_factory:  # Ray reuses its worker processes: read the rules once in each
        _WORKER.update(factory=ports_factory, ports=ports_factory())
    return solve_scenario(base, scenario, settings, _WORKER["ports"], start)


def run_ray(base: dict[str, Any], jobs: dict[int, Scenario], settings: Settings, workers: int,
            ports_factory: PortsFactory, address: str | None = None) -> Iterator[tuple[int, Outcome]]:  # fmt: skip
    """Outcomes as they finish on Ray: the cluster at `address`, the one this process already joined, or a local
    instance of `workers` CPUs started here (and left running for the caller to shut down). With
    `settings.warm_start`, the baseline runs first in this process, once Ray is up, and what it gives the other
    scenarios (`FromBaseline`) travels once through the object store."""
    import ray

    if not ray.is_initialized():
        ray.init(address=address, num_cpus=workers if address is None else None, include_dashboard=False,
                 log_to_driver=False)  # fmt: skip
    rest, start = dict(jobs), None
    base_ref = ray.put(base)
    if _records(jobs, settings):
        outcome, start = _baseline(base, rest, settings, ports_factory())
        yield 0, outcome
    start_ref = ray.put(start)
    remote = ray.remote(num_cpus=1)(_on_ray)
    pending = {remote.remote(base_ref, scenario, settings, ports_factory, start_ref): index
               for index, scenario in rest.items()}  # fmt: skip
    while pending:
        done, _ = ray.wait(list(pending), num_returns=1)
        for ref in done:
            yield pending.pop(ref), _from_ray(ray, ref)


def _from_ray(ray: Any, ref: Any) -> Outcome:
    """A Ray task's outcome. A scenario whose worker stopped (killed, out of memory) past Ray's own retries, each in
    a new worker, is reported failed with why, as a scenario's own failure is, and the batch goes on."""
    try:
        return ray.get(ref)  # type: ignore[no-any-return]
    except Exception as exc:  # noqa: BLE001 - a scenario that fails is reported, the batch goes on
        return _failed(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")


EXECUTORS = ("local", "ray")
