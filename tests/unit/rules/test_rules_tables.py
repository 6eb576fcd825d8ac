"""The shipped policy tables validate clean, pass their own cases, and every row is selected by a case."""

from datetime import date

import pytest

from rules.casetests import run_cases
from rules.errors import InputError
from rules.policies import classify_exception, evaluate_credit, evaluate_pricing
from rules.service import TABLES_DIR, RulesService
from rules.versions import TableRegistry, TableVersion

VERSIONS = [v for key in TableRegistry.load(TABLES_DIR).keys() for v in TableRegistry.load(TABLES_DIR).versions(key)]


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: f"{v.key}@{v.effective_from}")
def test_table_cases_pass_and_cover_every_row(version: TableVersion) -> None:
    report = run_cases(version.compiled)
    assert report.failures == ()
    assert report.untested_rows == ()
    assert version.findings == ()


@pytest.fixture(scope="module")
def service() -> RulesService:
    return RulesService(TABLES_DIR, today=lambda: date(2026, 9, 1))


def test_credit_helper_returns_action_owner_reason_and_version(service: RulesService) -> None:
    decision = evaluate_credit(service, exposure_ratio=1.1, days_overdue=0, tier="silver", order_value=2000)
    assert (decision.action, decision.owner_role, decision.rule_id) == ("hold", "credit_controller", "CR-08")
    assert decision.version == service.registry.in_force("credit", date(2026, 9, 1)).version


def test_credit_as_of_uses_last_quarters_rules(service: RulesService) -> None:
    inputs = {"exposure_ratio": 0.2, "days_overdue": 75, "tier": "gold", "order_value": 1000}
    assert evaluate_credit(service, **inputs, as_of=date(2026, 6, 30)).action == "review"
    assert evaluate_credit(service, **inputs).action == "hold"


def test_pricing_helper_names_the_approver(service: RulesService) -> None:
    decision = evaluate_pricing(service, price_variance_pct=-12, unit_margin_pct=20, channel="direct", tier="gold")
    assert (decision.decision, decision.approver_role) == ("needs_approval", "pricing_manager")
    reject = evaluate_pricing(service, price_variance_pct=0, unit_margin_pct=-1, channel="edi", tier="silver")
    assert (reject.decision, reject.approver_role) == ("reject", None)


def test_exception_classification(service: RulesService) -> None:
    c = classify_exception(
        service, exception_type="shortage", tier="silver", value_at_risk=100, days_late=2, contractual_penalty=True
    )
    assert (c.severity, c.owner_role, c.sla_hours, c.rule_id) == ("critical", "customer_service", 4, "EX-01")


def test_helpers_name_the_bad_field(service: RulesService) -> None:
    with pytest.raises(InputError) as info:
        classify_exception(
            service, exception_type="flood", tier="silver", value_at_risk=1, days_late=0, contractual_penalty=False
        )
    assert info.value.field == "exception_type"
