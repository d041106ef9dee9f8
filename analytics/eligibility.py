"""Star eligibility under §5 (绩效表现) of T/BAX-2022: every criterion, required vs actual.

All readings of the standard's clauses live in this module (see docs/eligibility.md):

* ``units`` (§5.x.4.1 服务用户单位数量): distinct client units of the provider that hold a
  contract (``contract_year`` row) in the year. The client's active flag does not matter.
* ``contract_amount`` (维保合同金额): the sum of those contracts' amounts for the year, in CNY.
* ``continuity`` (保持连续服务 N 次以上): for each client with a contract in the year, the
  number of consecutive contract years ending in that year; the longest such run minus one,
  i.e. the number of renewals. A gap year breaks the run.
* ``key_unit_share`` (重点保卫单位占比, 5 years): key-protection units among the distinct
  units with a contract in the five years ending with the year (year-4 .. year), compared
  exactly as a fraction. No units served gives a share of 0.
* ``evaluation`` (用户评价): the arithmetic mean of the year's current response totals,
  compared unrounded (``analytics.stars``). No responses fails the criterion.

A level requires its own criteria only ("—" in the standard = no requirement, always met);
the eligible star is the highest level whose criteria all hold.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from analytics.queries import year_totals_sql
from analytics.stars import SCORE_THRESHOLDS, exact_mean
from surveys.access import Actor, require_read
from surveys.clock import BEIJING
from surveys.models import Client, ContractYear, KeyUnitChange

STARS = (1, 2, 3)
KEY_UNIT_WINDOW_YEARS = 5  # "units served within 5 years": the year and the four before it
Number = int | Fraction | Decimal


@dataclass(frozen=True)
class Criterion:
    """One §5 performance requirement: its key, clause and the minimum per star (None = '—')."""

    key: str
    clause_zh: str
    clause_en: str
    minimum: dict[int, Number | None]


CRITERIA: tuple[Criterion, ...] = (
    Criterion("units", "一年内服务用户单位数量", "client units served in the year",
              {1: 2, 2: 4, 3: 6}),
    Criterion("contract_amount", "当年维保合同总金额（元）", "contract total of the year (CNY)",
              {1: None, 2: 300_000, 3: 500_000}),
    Criterion("continuity", "保持连续服务次数", "continuous service (renewals)",
              {1: None, 2: 1, 3: 2}),
    Criterion("key_unit_share", "五年内重点保卫单位占比", "key-protection units within 5 years",
              {1: None, 2: Fraction(10, 100), 3: Fraction(15, 100)}),
    Criterion("evaluation", "用户评价平均分", "mean client evaluation score",
              {star: threshold for star, threshold in SCORE_THRESHOLDS}),
)


@dataclass(frozen=True)
class Facts:
    """What a provider achieved in a year, exactly (the 'actual' side of every criterion)."""

    units: int
    contract_amount: Decimal
    continuity: int
    key_units_5y: int
    units_5y: int
    mean: Fraction | None

    @property
    def key_unit_share(self) -> Fraction:
        """Return key units / units served within five years (0 when none were served)."""
        return Fraction(self.key_units_5y, self.units_5y) if self.units_5y else Fraction(0)

    def actual(self, key: str) -> Number | None:
        """Return the exact actual value compared for a criterion key."""
        values: dict[str, Number | None] = {
            "units": self.units, "contract_amount": self.contract_amount,
            "continuity": self.continuity, "key_unit_share": self.key_unit_share,
            "evaluation": self.mean,
        }
        return values[key]


@dataclass(frozen=True)
class Check:
    """One criterion at one star level: required (None = no requirement), actual, met."""

    star: int
    key: str
    required: Number | None
    actual: Number | None
    met: bool

    @property
    def gap(self) -> Fraction | None:
        """Return exactly how much the actual value lacks (None when met)."""
        if self.met or self.required is None:
            return None
        return Fraction(self.required) - Fraction(self.actual or 0)


@dataclass(frozen=True)
class Eligibility:
    """The eligible star (0-3) and every check behind it."""

    star: int
    checks: tuple[Check, ...]
    facts: Facts

    def checks_for(self, star: int) -> list[Check]:
        """Return the checks of one star level."""
        return [check for check in self.checks if check.star == star]

    @property
    def next_star(self) -> int | None:
        """Return the next level above the eligible one (None at three stars)."""
        return self.star + 1 if self.star < max(STARS) else None

    def missing_for_next(self) -> list[Check]:
        """Return the unmet checks of the next level (empty at three stars)."""
        if self.next_star is None:
            return []
        return [check for check in self.checks_for(self.next_star) if not check.met]

    def to_json(self) -> dict[str, Any]:
        """Return {'star', 'criteria': [{'star', 'key', 'required', 'actual', 'met'}]} for JSON."""
        return {"star": self.star, "criteria": [
            {"star": c.star, "key": c.key, "required": json_number(c.required),
             "actual": json_number(c.actual), "met": c.met} for c in self.checks]}


def json_number(value: Number | None) -> int | float | None:
    """Return a JSON-friendly number: ints stay ints, fractions and decimals become floats."""
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if value.denominator == 1:
        return int(value)
    return round(float(value), 4)


def is_met(required: Number | None, actual: Number | None) -> bool:
    """Return True when there is no requirement, or the actual value reaches it (bound included)."""
    if required is None:
        return True
    return actual is not None and actual >= required


def assess(facts: Facts) -> Eligibility:
    """Return the eligibility that the facts support: the highest level whose criteria all hold."""
    checks = tuple(
        Check(star, criterion.key, criterion.minimum[star], facts.actual(criterion.key),
              is_met(criterion.minimum[star], facts.actual(criterion.key)))
        for star in STARS for criterion in CRITERIA
    )
    eligible = [star for star in STARS
                if all(check.met for check in checks if check.star == star)]
    return Eligibility(star=max(eligible, default=0), checks=checks, facts=facts)


def renewals(contract_years: dict[int, set[int]], year: int) -> int:
    """Return the longest run of consecutive contract years ending in year, minus one (min 0)."""
    best = 0
    for years in contract_years.values():
        run = 0
        while year - run in years:
            run += 1
        best = max(best, run)
    return max(best - 1, 0)


Contract = tuple[int, int, Decimal]  # (client id, year, amount in CNY)
Trail = list[tuple[datetime, bool]]  # a client's key-unit flag as set, oldest first


@dataclass(frozen=True)
class EligibilityInputs:
    """Everything §5 needs besides the evaluation mean: contracts and key-unit trails."""

    year: int
    contracts: tuple[Contract, ...]  # the provider's contracts up to and including the year
    key_unit_trails: dict[int, Trail]  # client id -> flag changes, for clients in contracts


def year_end(year: int) -> datetime:
    """Return the last moment of a Beijing calendar year (aware)."""
    return datetime.combine(datetime(year, 12, 31).date(), time.max, tzinfo=BEIJING)


def key_unit_at_year_end(trail: Trail, year: int) -> bool:
    """Return the flag in force at the end of the year (the first flag when set only later)."""
    if not trail:
        return False
    end = year_end(year)
    in_force = [flag for moment, flag in trail if moment <= end]
    return in_force[-1] if in_force else trail[0][1]


def facts_from_inputs(inputs: EligibilityInputs, mean: Fraction | None) -> Facts:
    """Return the §5 facts of the year from the inputs and the evaluation mean."""
    year = inputs.year
    this_year = {cid for cid, y, _ in inputs.contracts if y == year}
    window = {cid for cid, y, _ in inputs.contracts
              if year - KEY_UNIT_WINDOW_YEARS + 1 <= y <= year}
    history: dict[int, set[int]] = defaultdict(set)
    for cid, contract_year, _amount in inputs.contracts:
        if contract_year <= year:
            history[cid].add(contract_year)
    key_units = {cid for cid in window
                 if key_unit_at_year_end(inputs.key_unit_trails.get(cid, []), year)}
    return Facts(
        units=len(this_year),
        contract_amount=sum((a for _, y, a in inputs.contracts if y == year), Decimal(0)),
        continuity=renewals(history, year),
        key_units_5y=len(key_units),
        units_5y=len(window),
        mean=mean,
    )


def gather_inputs(session: Session, provider_id: int, year: int) -> EligibilityInputs:
    """Return the provider's §5 inputs for the year (contracts up to it, their clients' trails)."""
    contract, client = ContractYear.__table__.c, Client.__table__.c  # type: ignore[attr-defined]
    rows = session.execute(
        select(contract.client_id, contract.year, contract.amount)
        .join(Client.__table__, client.id == contract.client_id)  # type: ignore[attr-defined]
        .where(client.provider_id == provider_id, contract.year <= year)
        .order_by(contract.client_id, contract.year)).all()
    contracts = tuple((int(cid), int(y), Decimal(amount)) for cid, y, amount in rows)
    trails: dict[int, Trail] = defaultdict(list)
    ids = sorted({cid for cid, _, _ in contracts})
    if ids:
        change = KeyUnitChange.__table__.c  # type: ignore[attr-defined]
        changes = session.execute(
            select(change.client_id, change.changed_at, change.key_unit)
            .where(change.client_id.in_(ids))
            .order_by(change.client_id, change.changed_at, change.id)).all()
        for cid, moment, flag in changes:
            aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite: naive UTC
            trails[int(cid)].append((aware, bool(flag)))
    return EligibilityInputs(year, contracts, {cid: trails.get(cid, []) for cid in ids})


def gather_facts(*, session: Session, actor: Actor, provider_id: int, year: int) -> Facts:
    """Return the provider's facts for the year: the mean aggregated in SQL, §5 inputs read."""
    require_read(actor, provider_id)
    totals = session.execute(year_totals_sql(provider_id, year)).mappings().one()
    return facts_from_inputs(gather_inputs(session, provider_id, year),
                             exact_mean(totals["total_sum"], int(totals["responses"])))


def provider_eligibility(
    *, session: Session, actor: Actor, provider_id: int, year: int
) -> Eligibility:
    """Return the provider's star eligibility for the year with every check."""
    return assess(gather_facts(session=session, actor=actor, provider_id=provider_id, year=year))
