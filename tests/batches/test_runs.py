"""A batch runs every scenario as the API runs a re-allocation, reports failures beside the rest, compares each
with the baseline, and gives the same results whatever the number of workers."""

from __future__ import annotations

from scenarios.batches import BatchResult, load_batch, run_batch

NUMERIC = ("requested_units", "allocated_units", "fill_rate", "on_time_fill_rate", "backorder_units", "margin")


def by_name(result: BatchResult) -> dict[str, dict]:
    return {e["name"]: e for e in (result.body["baseline"], *result.body["scenarios"])}


def test_a_failing_scenario_is_reported_with_its_error_and_the_rest_complete(small_result: BatchResult) -> None:
    entries = by_name(small_result)
    failed = entries["unknown customer"]
    assert failed["state"] == "failed" and "customer" in failed["error"] and "C-NOPE" in failed["error"]
    assert small_result.body["failed"] == ["unknown customer"]
    assert all(e["state"] == "done" for name, e in entries.items() if name != "unknown customer")


def test_every_run_passes_the_run_validator_under_the_rules(small_result: BatchResult) -> None:
    for e in by_name(small_result).values():
        if e["state"] == "done":
            assert e["validation"] == {"checked": True, "errors": []}, e["name"]
            assert set(e["rules_versions"]) == {"credit", "pricing", "exception_severity"}


def test_deltas_are_the_scenario_minus_the_baseline_overall_and_by_tier(small_result: BatchResult) -> None:
    base = small_result.body["baseline"]["kpis"]
    for e in small_result.body["scenarios"]:
        if e["state"] != "done":
            continue
        for key in NUMERIC:
            assert abs(e["deltas"]["total"][key] - (e["kpis"][key] - base[key])) < 1e-9
        tier_margin = sum(d["margin"] for d in e["deltas"]["by_tier"].values())
        assert abs(tier_margin - e["deltas"]["total"]["margin"]) < 1e-6  # tiers partition the book


def test_a_zero_step_of_a_sweep_is_the_baseline_again(small_result: BatchResult) -> None:
    same = by_name(small_result)["demand R-0 percent=0"]
    assert same["sweep_value"] == 0 and same["kpis"] == small_result.body["baseline"]["kpis"]
    assert same["changes"]["orders_changed"] == 0 and same["input_hash"] == small_result.body["baseline"]["input_hash"]
    assert small_result.timings["runs"] == len(small_result.body["scenarios"])  # seven scenarios, six runs


def test_the_most_changed_orders_come_first_and_say_why(small_result: BatchResult) -> None:
    changes = by_name(small_result)["supplier slip"]["changes"]
    top = changes["top_orders"]
    assert changes["orders_changed"] >= len(top) > 0 and len(top) <= 5
    assert [o["units_moved"] for o in top] == sorted((o["units_moved"] for o in top), reverse=True)
    for order in top:
        for line in order["lines"]:
            assert line["why"], line
            if line["allocated"][1] < line["allocated"][0]:
                assert any("EXHAUSTED" in w or "LATE" in w or "units of" in w or "->" in w for w in line["why"])
    grown = by_name(small_result)["demand R-0 percent=25"]["changes"]["top_orders"]
    assert any("requested" in w for o in grown for ln in o["lines"] for w in ln["why"])


def test_a_batch_run_again_on_two_workers_gives_identical_results(small_text: str, small_result: BatchResult) -> None:
    again = run_batch(load_batch(small_text), workers=2)
    assert again.body == small_result.body
    assert again.timings["workers"] == 2 and set(again.timings["scenario_wall_ms"]) == set(by_name(small_result))


def test_scenarios_started_from_the_baselines_bases_prove_what_cold_runs_prove(
    small_text: str, small_result: BatchResult
) -> None:
    cold = run_batch(load_batch(small_text.replace("top_changes: 5}", "top_changes: 5, warm_start: false}")))
    assert small_result.body["settings"]["warm_start"] is True and cold.body["settings"]["warm_start"] is False
    warm_entries, cold_entries = by_name(small_result), by_name(cold)
    assert warm_entries.keys() == cold_entries.keys()
    for name, entry in warm_entries.items():
        assert entry["state"] == cold_entries[name]["state"]
        if entry["state"] == "done":
            assert entry["objective"] == cold_entries[name]["objective"], name
            assert entry["input_hash"] == cold_entries[name]["input_hash"]
            assert entry["validation"] == {"checked": True, "errors": []}
    assert small_result.timings["runs"] == cold.timings["runs"]
