"""Above the summary threshold a line keeps its used candidates and counts the rest by reason: the same facts
as the full explanation, and backorders are still explained in full."""

from __future__ import annotations

from collections import Counter

import pytest

from optimizers.decision import ReasonCode
from optimizers.engine import decide
from optimizers.explain import lines as explain_lines
from optimizers.proof.validation import validate
from scenarios.generator import generate


def test_summary_counts_the_same_reasons_as_the_full_explanation(monkeypatch: pytest.MonkeyPatch) -> None:
    p = generate(seed=4, lines=60, locations=8)
    full = decide(p)
    monkeypatch.setattr(explain_lines, "SUMMARY_ABOVE_LINES", 50)
    brief = decide(p)
    assert validate(p, brief).ok and brief.objective == full.objective
    assert any(ln.backorder_qty for ln in brief.lines)
    for a, b in zip(full.lines, brief.lines, strict=True):
        assert a.explanation is not None and b.explanation is not None
        assert b.explanation.summarised and not a.explanation.summarised
        used = tuple(c for c in a.explanation.candidates if c.reason == ReasonCode.USED)
        assert b.explanation.candidates == used
        others = Counter(c.reason.value for c in a.explanation.candidates if c.reason != ReasonCode.USED)
        assert dict(b.explanation.reason_counts) == dict(others)
        assert b.explanation.backorder == a.explanation.backorder
