"""Property tests of validate_response: any input is accepted correctly or rejected clearly."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.errors import ValidationFailed
from surveys.form_a1 import ITEMS
from surveys.validation import MAX_COMMENT_LEN, MAX_SIGNER_LEN, validate_response

WINDOW = (date(2026, 1, 1), date(2026, 12, 31))
TODAY = date(2026, 11, 24)
FIELDS = {f"item{item.no}" for item in ITEMS} | {"date", "signer_name", "signer_title", "signer_phone",
                                                  "comment"}
PROFILE = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

anything = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.integers(),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.text(alphabet="0123456789 -+.", max_size=8),
    st.text(alphabet="0123456789", min_size=4000, max_size=6000),  # beyond int()'s digit limit
    st.sampled_from(["１０", "٣", "5.0", " 7 ", "1e1", "0x5", "NaN", "", "\x00", "10\n"]),
    st.dates(), st.datetimes(),
)
good_score = {item.no: st.integers(0, item.max_score) for item in ITEMS}


def expected_score(value: Any, maximum: int) -> int | None:
    """Return the score a value must be read as, or None when it must be rejected."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return None
        number = int(value)
    elif (isinstance(value, str) and value.strip().lstrip("-").isdigit() and value.isascii()
          and len(value.strip()) <= 20):
        number = int(value.strip())
    else:
        return None
    return number if 0 <= number <= maximum else None


def check(raw: dict[str, Any]) -> None:
    """Assert raw is either accepted with exactly the right values or rejected with clear errors."""
    try:
        valid = validate_response(raw, window=WINDOW, today=TODAY)
    except ValidationFailed as exc:
        assert exc.errors
        for error in exc.errors:
            assert error.field in FIELDS and error.zh and error.en
        return
    for item in ITEMS:
        assert valid.scores[item.no] == expected_score(raw.get(f"item{item.no}"), item.max_score)
    assert valid.total == sum(valid.scores.values()) <= 100
    assert WINDOW[0] <= valid.evaluation_date <= TODAY
    assert valid.signer_name and len(valid.signer_name) <= MAX_SIGNER_LEN
    assert len(valid.comment) <= MAX_COMMENT_LEN


@PROFILE
@given(st.fixed_dictionaries({f"item{item.no}": anything for item in ITEMS}),
       st.one_of(anything, st.dates(WINDOW[0], TODAY)), anything, anything)
def test_any_input_is_accepted_correctly_or_rejected_clearly(
    items: dict[str, Any], when: Any, signer: Any, comment: Any
) -> None:
    check({**items, "evaluation_date": when, "signer_name": signer, "comment": comment})


@PROFILE
@given(st.fixed_dictionaries({f"item{n}": s for n, s in good_score.items()}),
       st.dates(WINDOW[0], TODAY), st.text(min_size=1, max_size=MAX_SIGNER_LEN),
       st.sampled_from(["item1", "item5", "item9"]), anything)
def test_one_bad_item_among_good_ones_is_named(
    items: dict[str, int], when: date, signer: str, bad_field: str, bad: Any
) -> None:
    raw = {**items, "evaluation_date": when, "signer_name": signer + "x", bad_field: bad}
    item = ITEMS[int(bad_field[4:]) - 1]
    if expected_score(bad, item.max_score) is None:
        try:
            validate_response(raw, window=WINDOW, today=TODAY)
        except ValidationFailed as exc:
            assert bad_field in {e.field for e in exc.errors}
            assert any(item.name_zh in e.zh for e in exc.errors if e.field == bad_field)
        else:
            raise AssertionError(f"{bad!r} was accepted for {bad_field}")
    else:
        check(raw)


@PROFILE
@given(st.one_of(st.dates(), st.datetimes(), st.text(max_size=12),
                 st.dates().map(lambda d: f" {d.isoformat()} ")))
def test_dates_outside_the_window_or_in_the_future_are_rejected(when: Any) -> None:
    raw = {f"item{item.no}": item.max_score for item in ITEMS}
    raw.update(evaluation_date=when, signer_name="张三")
    day = when.date() if isinstance(when, datetime) else when
    try:
        valid = validate_response(raw, window=WINDOW, today=TODAY)
    except ValidationFailed as exc:
        assert [e.field for e in exc.errors] == ["date"]
        if isinstance(day, date):
            assert not WINDOW[0] <= day <= TODAY
        return
    assert WINDOW[0] <= valid.evaluation_date <= TODAY
