"""The §5 inputs of a star verdict as the evidence bundle carries them (JSON), and back."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from analytics.eligibility import EligibilityInputs


def inputs_to_json(inputs: EligibilityInputs, names: dict[int, str]) -> dict[str, Any]:
    """Return the inputs as the bundle carries them (amounts as exact decimal text)."""
    return {
        "year": inputs.year,
        "contracts": [{"client_id": cid, "client": names.get(cid, ""), "year": y,
                       "amount": f"{amount:.2f}"} for cid, y, amount in inputs.contracts],
        "key_units": [{"client_id": cid, "changes": [
            {"changed_at": moment.isoformat(), "key_unit": flag} for moment, flag in trail]}
            for cid, trail in sorted(inputs.key_unit_trails.items())],
    }


def inputs_from_json(data: Any) -> EligibilityInputs:
    """Return the inputs a bundle carries, or raise ValueError when they are malformed."""
    try:
        contracts = tuple((_int(c["client_id"]), _int(c["year"]), Decimal(str(c["amount"])))
                          for c in data["contracts"])
        trails = {_int(k["client_id"]): [(datetime.fromisoformat(ch["changed_at"]),
                                          _bool(ch["key_unit"])) for ch in k["changes"]]
                  for k in data["key_units"]}
        if any(m.tzinfo is None for trail in trails.values() for m, _ in trail):
            raise ValueError("a key-unit change without a time zone")
        return EligibilityInputs(_int(data["year"]), contracts, trails)
    except (KeyError, TypeError, ArithmeticError, AttributeError) as exc:
        raise ValueError(f"malformed eligibility inputs: {type(exc).__name__}: {exc}") from exc


def _int(value: Any) -> int:
    """Return value if it is a JSON integer, else raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"not an integer: {value!r}")
    return value


def _bool(value: Any) -> bool:
    """Return value if it is a JSON boolean, else raise ValueError."""
    if not isinstance(value, bool):
        raise ValueError(f"not a boolean: {value!r}")
    return value
