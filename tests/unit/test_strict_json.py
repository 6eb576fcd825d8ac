"""Strict JSON reading: the cheap count of key tokens equals the regular expression's on any bytes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from decision_service.codec import strict_json


@given(st.text(alphabet='": \t\r\n{}[],a\\1', max_size=60).map(str.encode))
def test_the_key_token_count_matches_its_regular_expression(raw: bytes) -> None:
    assert strict_json._key_tokens(raw) == len(strict_json._KEY_TOKEN.findall(raw))
