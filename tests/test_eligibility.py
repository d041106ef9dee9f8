"""Star eligibility under §5: boundary tables with hand-computed expectations, in SQL and pure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from analytics.eligibility import (
    CRITERIA,
    EligibilityInputs,
    Facts,
    assess,
    facts_from_inputs,
    gather_facts,
    key_unit_at_year_end,
    provider_eligibility,
    renewals,
)
from surveys.access import SYSTEM, Actor
from surveys.context import Context
from surveys.db import read_session
from surveys.errors import PermissionDenied
from tests.factories import make_client, make_provider, open_campaign, submit

YEAR = 2026
# Facts that meet every criterion of three stars; tests lower one figure at a time.
TOP = Facts(units=6, contract_amount=Decimal("500000"), continuity=2, key_units_5y=3,
            units_5y=20, mean=Fraction(95))


def facts(**changes: object) -> Facts:
    """Return TOP with some figures changed."""
    values = {**TOP.__dict__, **changes}
    return Facts(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("mean", "star"), [
    (Fraction(85 + 85 + 84, 3), 0),   # 84.67
    (Fraction(85), 1),
    (Fraction(90 + 90 + 89, 3), 1),   # 89.67
    (Fraction(90), 2),
    (Fraction(95 + 95 + 94, 3), 2),   # 94.67
    (Fraction(95), 3),
    (None, 0),                        # no responses
])
def test_evaluation_bounds_decide_the_star(mean: Fraction | None, star: int) -> None:
    assert assess(facts(mean=mean)).star == star


@pytest.mark.parametrize(("units", "star"), [(1, 0), (2, 1), (3, 1), (4, 2), (5, 2), (6, 3)])
def test_units_bounds(units: int, star: int) -> None:
    assert assess(facts(units=units)).star == star


@pytest.mark.parametrize(("amount", "star"), [
    ("299999", 1), ("299999.99", 1), ("300000", 2), ("499999.99", 2), ("500000", 3), ("0", 1),
])
def test_contract_amount_bounds(amount: str, star: int) -> None:
    assert assess(facts(contract_amount=Decimal(amount))).star == star


@pytest.mark.parametrize(("continuity", "star"), [(0, 1), (1, 2), (2, 3)])
def test_continuity_bounds(continuity: int, star: int) -> None:
    assert assess(facts(continuity=continuity)).star == star


@pytest.mark.parametrize(("key_units", "units", "star"), [
    (1, 11, 1),   # 9.09 %
    (1, 10, 2),   # exactly 10 %
    (2, 14, 2),   # 14.29 %
    (3, 20, 3),   # exactly 15 %
    (0, 0, 1),    # nobody served in five years: share 0
])
def test_key_unit_share_bounds(key_units: int, units: int, star: int) -> None:
    assert assess(facts(key_units_5y=key_units, units_5y=units)).star == star


def test_dash_levels_have_no_requirement() -> None:
    nothing = facts(contract_amount=Decimal(0), continuity=0, key_units_5y=0, units_5y=7,
                    units=2, mean=Fraction(85))
    result = assess(nothing)
    assert result.star == 1
    one_star = {c.key: (c.required, c.met) for c in result.checks_for(1)}
    assert one_star["contract_amount"] == (None, True)
    assert one_star["continuity"] == (None, True)
    assert one_star["key_unit_share"] == (None, True)


def test_a_level_requires_its_own_criteria() -> None:
    # Everything of three stars except one unit short: two stars, and the missing check named.
    result = assess(facts(units=5))
    assert result.star == 2
    missing = result.missing_for_next()
    assert [(c.key, c.required, c.actual, c.gap) for c in missing] == [("units", 6, 5, 1)]


def test_missing_for_next_gives_exact_gaps() -> None:
    result = assess(facts(units=3, contract_amount=Decimal("299999"), mean=Fraction(254, 3)))
    assert result.star == 0  # 84.67 fails even one star
    assert {c.key: c.gap for c in result.missing_for_next()} == {"evaluation": Fraction(1, 3)}
    assert assess(TOP).missing_for_next() == [] and assess(TOP).next_star is None


def test_criteria_table_is_the_standard() -> None:
    table = {c.key: c.minimum for c in CRITERIA}
    assert table == {
        "units": {1: 2, 2: 4, 3: 6},
        "contract_amount": {1: None, 2: 300_000, 3: 500_000},
        "continuity": {1: None, 2: 1, 3: 2},
        "key_unit_share": {1: None, 2: Fraction(1, 10), 3: Fraction(3, 20)},
        "evaluation": {1: 85, 2: 90, 3: 95},
    }


@pytest.mark.parametrize(("history", "expected"), [
    ({1: {2024, 2025, 2026}}, 2),
    ({1: {2023, 2024, 2026}}, 0),            # the gap year 2025 breaks the run
    ({1: {2022, 2023, 2024, 2025}}, 0),      # no contract in 2026: no run ends there
    ({1: {2025, 2026}, 2: {2020, 2021, 2022, 2023, 2024}}, 1),
    ({1: {2026}, 2: {2024, 2026}}, 0),
    ({}, 0),
])
def test_renewals_count_consecutive_years_ending_in_the_year(
        history: dict[int, set[int]], expected: int) -> None:
    assert renewals(history, 2026) == expected


def test_json_has_numbers_not_fractions() -> None:
    data = assess(facts(mean=Fraction(254, 3), key_units_5y=1, units_5y=3)).to_json()
    assert set(data) == {"star", "criteria"}
    assert len(data["criteria"]) == 15
    by = {(c["star"], c["key"]): c for c in data["criteria"]}
    assert by[(1, "evaluation")] == {"star": 1, "key": "evaluation", "required": 85,
                                     "actual": 84.6667, "met": False}
    assert by[(2, "key_unit_share")]["required"] == 0.1
    assert by[(3, "key_unit_share")]["actual"] == 0.3333
    assert by[(3, "contract_amount")]["actual"] == 500000
    assert all(type(c["actual"]) in (int, float) for c in data["criteria"])


# ---- the same figures gathered from a real database (SQLite and PostgreSQL) ----

def facts_of(ctx: Context, provider_id: int, year: int = YEAR) -> Facts:
    """Return the gathered facts of a provider-year."""
    with read_session(ctx.engine) as session:
        return gather_facts(session=session, actor=SYSTEM, provider_id=provider_id, year=year)


def test_contract_figures_from_the_database(ctx: Context) -> None:
    pid = make_provider(ctx)
    other = make_provider(ctx, "别家公司")
    make_client(ctx, pid, "甲医院", key_unit=True, years={2024: 1, 2025: 1, YEAR: 150000})
    make_client(ctx, pid, "乙中学", years={2023: 1, 2024: 1, YEAR: "149999.99"})
    make_client(ctx, pid, "丙银行", years={2022: 1})             # inside the five-year window
    make_client(ctx, pid, "丁旧户", key_unit=True, years={2021: 1})  # outside it
    make_client(ctx, other, "别家客户", key_unit=True, years={YEAR: 900000})
    got = facts_of(ctx, pid)
    assert got.units == 2
    assert got.contract_amount == Decimal("299999.99")
    assert got.continuity == 2      # 甲: 2024, 2025, 2026
    assert (got.key_units_5y, got.units_5y) == (1, 3)
    assert got.mean is None


@pytest.mark.parametrize(("totals", "evaluation_met"), [
    ([85, 85, 84], {1: False, 2: False, 3: False}),
    ([85, 85, 85], {1: True, 2: False, 3: False}),
    ([90, 90, 89], {1: True, 2: False, 3: False}),
    ([95, 95, 95], {1: True, 2: True, 3: True}),
])
def test_mean_of_stored_forms_compared_unrounded(
        ctx: Context, totals: list[int], evaluation_met: dict[int, bool]) -> None:
    pid = make_provider(ctx)
    cids = [make_client(ctx, pid, f"用户{i}", years={YEAR: 100000}) for i in range(3)]
    open_campaign(ctx, pid, YEAR)
    for cid, total in zip(cids, totals, strict=True):
        submit(ctx, pid, YEAR, cid, total)
    with read_session(ctx.engine) as session:
        result = provider_eligibility(session=session, actor=SYSTEM, provider_id=pid, year=YEAR)
    assert result.facts.mean == Fraction(sum(totals), 3)
    got = {c.star: c.met for c in result.checks if c.key == "evaluation"}
    assert got == evaluation_met


def test_a_corrected_form_counts_once_with_its_latest_version(ctx: Context) -> None:
    pid = make_provider(ctx)
    first = make_client(ctx, pid, "甲", years={YEAR: 200000})
    second = make_client(ctx, pid, "乙", years={YEAR: 100000})
    open_campaign(ctx, pid, YEAR)
    submit(ctx, pid, YEAR, first, 80)
    submit(ctx, pid, YEAR, first, 90)    # a correction: version 2 supersedes 80
    submit(ctx, pid, YEAR, second, 80)
    assert facts_of(ctx, pid).mean == Fraction(170, 2)
    with read_session(ctx.engine) as session:
        assert provider_eligibility(session=session, actor=SYSTEM, provider_id=pid,
                                    year=YEAR).star == 1


def test_staff_of_another_provider_may_not_read(ctx: Context) -> None:
    pid = make_provider(ctx)
    stranger = Actor(username="x", role="staff", provider_id=pid + 1)
    with read_session(ctx.engine) as session, pytest.raises(PermissionDenied):
        provider_eligibility(session=session, actor=stranger, provider_id=pid, year=YEAR)


# The key-unit flag counted is the one in force at the end of the assessed year (Beijing time).
B = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("trail", "year", "counted"), [
    ([], 2026, False),
    ([(datetime(2024, 3, 1, tzinfo=B), True)], 2026, True),
    ([(datetime(2024, 3, 1, tzinfo=B), False), (datetime(2026, 12, 31, 23, 59, tzinfo=B), True)],
     2026, True),
    ([(datetime(2024, 3, 1, tzinfo=B), False), (datetime(2027, 1, 1, 0, 0, tzinfo=B), True)],
     2026, False),
    ([(datetime(2024, 3, 1, tzinfo=B), True), (datetime(2026, 6, 1, tzinfo=B), False)], 2026,
     False),
    ([(datetime(2024, 3, 1, tzinfo=B), True), (datetime(2026, 6, 1, tzinfo=B), False)], 2025,
     True),
    ([(datetime(2028, 1, 5, tzinfo=B), True)], 2026, True),  # registered later: first flag
    ([(datetime(2024, 3, 1, tzinfo=B), False), (datetime(2026, 12, 31, 16, 30, tzinfo=UTC), True)],
     2026, False),  # 16:30 UTC on Dec 31 is 00:30 on Jan 1 in Beijing
])
def test_key_unit_flag_at_the_end_of_the_year(trail: list[tuple[datetime, bool]], year: int,
                                              counted: bool) -> None:
    assert key_unit_at_year_end(trail, year) is counted


def test_facts_from_inputs_reads_every_clause() -> None:
    flagged = [(datetime(2020, 1, 1, tzinfo=B), True)]
    inputs = EligibilityInputs(2026, (
        (1, 2024, Decimal("100000")), (1, 2025, Decimal("100000")), (1, 2026, Decimal("150000.50")),
        (2, 2026, Decimal("200000")), (3, 2022, Decimal("5")), (4, 2021, Decimal("7")),
        (5, 2027, Decimal("9")),
    ), {1: flagged, 3: flagged, 4: flagged})
    facts = facts_from_inputs(inputs, Fraction(181, 2))
    assert facts == Facts(units=2, contract_amount=Decimal("350000.50"), continuity=2,
                          key_units_5y=2, units_5y=3, mean=Fraction(181, 2))


def test_other_providers_contracts_never_count(ctx: Context) -> None:
    before = make_provider(ctx, "前一家公司")  # a lower id than the provider assessed
    pid = make_provider(ctx)
    after = make_provider(ctx, "后一家公司")   # and a higher one
    for other in (before, after):
        make_client(ctx, other, f"{other}号客户", key_unit=True,
                    years={2022: 1, 2023: 1, 2024: 1, 2025: 1, YEAR: 900000})
    own = make_client(ctx, pid, "甲医院", years={YEAR: 1000})
    got = facts_of(ctx, pid)
    assert (got.units, got.contract_amount, got.continuity, got.key_units_5y, got.units_5y) == (
        1, Decimal(1000), 0, 0, 1)
    from analytics.eligibility import gather_inputs
    with read_session(ctx.engine) as session:
        inputs = gather_inputs(session, pid, YEAR)
    assert inputs.contracts == ((own, YEAR, Decimal(1000)),)
    assert list(inputs.key_unit_trails) == [own]  # no trail of the others' key units
    assert [flag for _, flag in inputs.key_unit_trails[own]] == [False]


@pytest.mark.parametrize(("value", "expected"), [
    (None, None), (5, 5), (Decimal("300000"), 300000), (Decimal("300000.00"), 300000),
    (Decimal("299999.99"), 299999.99), (Fraction(6, 2), 3), (Fraction(1, 3), 0.3333),
    (Fraction(1, 2), 0.5),
])
def test_json_number(value: object, expected: object) -> None:
    from analytics.eligibility import json_number
    got = json_number(value)  # type: ignore[arg-type]
    assert got == expected and type(got) is type(expected)


def test_a_flag_set_at_the_last_moment_of_the_year_counts() -> None:
    from analytics.eligibility import year_end
    start = datetime(2026, 1, 5, tzinfo=UTC)
    end = year_end(YEAR)
    assert end == datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert key_unit_at_year_end([(start, False), (end, True)], YEAR) is True
    assert key_unit_at_year_end([(start, False), (end + timedelta(microseconds=1), True)],
                                YEAR) is False


def test_inputs_without_a_trail_or_a_contract_this_year() -> None:
    inputs = EligibilityInputs(YEAR, ((1, YEAR - 1, Decimal(5)),), {})
    got = facts_from_inputs(inputs, None)
    assert (got.units, got.key_units_5y, got.units_5y) == (0, 0, 1)
    assert got.contract_amount == Decimal(0) and type(got.contract_amount) is Decimal


def test_inputs_are_the_providers_contracts_in_order_up_to_the_year(ctx: Context) -> None:
    from analytics.eligibility import gather_inputs
    pid = make_provider(ctx)
    a = make_client(ctx, pid, "甲", years={2025: 1, YEAR: 2, YEAR + 1: 3})
    b = make_client(ctx, pid, "乙", years={YEAR: 5, 2024: 4})  # stored newest first
    with read_session(ctx.engine) as session:
        inputs = gather_inputs(session, pid, YEAR)
    assert inputs.contracts == ((a, 2025, Decimal(1)), (a, YEAR, Decimal(2)),
                                (b, 2024, Decimal(4)), (b, YEAR, Decimal(5)))


def test_staff_read_their_own_providers_facts(ctx: Context) -> None:
    pid = make_provider(ctx)
    make_client(ctx, pid, "甲", years={YEAR: 1})
    staff = Actor(username="wang", role="staff", provider_id=pid)
    with read_session(ctx.engine) as session:
        assert gather_facts(session=session, actor=staff, provider_id=pid, year=YEAR).units == 1


def test_criteria_labels_are_the_clauses() -> None:
    assert [(c.key, c.clause_zh, c.clause_en) for c in CRITERIA] == [
        ("units", "一年内服务用户单位数量", "client units served in the year"),
        ("contract_amount", "当年维保合同总金额（元）", "contract total of the year (CNY)"),
        ("continuity", "保持连续服务次数", "continuous service (renewals)"),
        ("key_unit_share", "五年内重点保卫单位占比", "key-protection units within 5 years"),
        ("evaluation", "用户评价平均分", "mean client evaluation score"),
    ]
