"""The same batch on a local Ray instance (started and shut down here) gives the local executor's results."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scenarios.batches import BatchResult, load_batch, run_batch


@pytest.fixture
def local_ray() -> Iterator[None]:
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


@pytest.mark.slow
def test_a_batch_on_ray_gives_the_local_executors_results(local_ray: None, small_text: str,
                                                         small_result: BatchResult) -> None:  # fmt: skip
    on_ray = run_batch(load_batch(small_text), executor="ray", workers=2)
    assert on_ray.body == small_result.body
    assert on_ray.timings["executor"] == "ray" and on_ray.timings["runs"] == small_result.timings["runs"]
