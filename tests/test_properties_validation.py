"""Property tests of validate_response: any input is accepted correctly or rejected clearly."""

from __future__ import annotations

import math
import unicodedata
from datetime import date, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.errors import ValidationFailed
from surveys.form_a1 import ITEMS
from surveys.validation import validate_response

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
# The standard's literal values (Table A.1 maxima; the columns' sizes), not the module's constants.
MAXIMA = {1: 10, 2: 5, 3: 15, 4: 5, 5: 10, 6: 10, 7: 15, 8: 15, 9: 15}
MAX_SIGNER_LEN, MAX_COMMENT_LEN = 100, 2000
good_score = {no: st.integers(0, top) for no, top in MAXIMA.items()}


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


def expected_date(value: Any) -> date | None:
    """Return the evaluation date a value must be read as (a date, or ' YYYY-MM-DD ' text)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def plain_text(value: Any) -> str | None:
    """Return the text a value must be stored as when it is plainly printable, else None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = unicodedata.normalize("NFC", value if isinstance(value, str) else str(value))
    if all(c == " " or unicodedata.category(c)[0] in "LNPS" for c in text):
        return text.strip(" ")
    return None  # control, format, separator or unassigned characters: may be refused


def expected_problems(raw: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Return (fields that must be refused, fields that may be refused) of a raw form."""
    must: set[str] = set()
    may: set[str] = set()
    for no, top in MAXIMA.items():
        if expected_score(raw.get(f"item{no}"), top) is None:
            must.add(f"item{no}")
    day = expected_date(raw.get("evaluation_date"))
    if day is None or not WINDOW[0] <= day <= TODAY:
        must.add("date")
    for field, limit, required in (("signer_name", MAX_SIGNER_LEN, True),
                                   ("comment", MAX_COMMENT_LEN, False)):
        text = plain_text(raw.get(field))
        if text is None:
            may.add(field)
        elif len(text) > limit or (required and not text):
            must.add(field)
    return must, may


def check(raw: dict[str, Any]) -> None:
    """Assert raw is accepted with exactly the right values, or refused for exactly its faults."""
    must, may = expected_problems(raw)
    try:
        valid = validate_response(raw, window=WINDOW, today=TODAY)
    except ValidationFailed as exc:
        assert exc.errors
        for error in exc.errors:
            assert error.field in FIELDS and error.zh and error.en
        named = {e.field for e in exc.errors}
        assert must <= named <= must | may, (raw, named, must, may)
        assert named, "refused without a reason"
        return
    assert not must, f"accepted although {sorted(must)} are wrong"
    for no, top in MAXIMA.items():
        assert valid.scores[no] == expected_score(raw.get(f"item{no}"), top)
    assert valid.total == sum(valid.scores.values()) <= 100
    assert valid.evaluation_date == expected_date(raw.get("evaluation_date"))
    assert WINDOW[0] <= valid.evaluation_date <= TODAY
    assert valid.signer_name and len(valid.signer_name) <= MAX_SIGNER_LEN
    assert len(valid.comment) <= MAX_COMMENT_LEN
    for field in ("signer_name", "comment"):
        text = plain_text(raw.get(field))
        if text is not None:
            assert getattr(valid, field) == text, field


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
