"""Checking a bundle's claims against its signed records: §5 verdict, overrides, late forms."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction
from types import SimpleNamespace
from typing import Any, cast

from analytics.eligibility import assess, facts_from_inputs
from analytics.eligibility_json import inputs_from_json
from analytics.provenance import CampaignEvent, find_overrides, late_entries
from surveys.models import Response
from surveys.records import receipt_code

Year = dict[str, list[dict[str, Any]]]


def _obj(value: Any) -> dict[str, Any]:
    """Return value if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def check_eligibility(manifest: dict[str, Any], year: Year, problems: list[str]) -> int | None:
    """Recompute the §5 verdict from the bundle's inputs and signed forms; return the star."""
    block = _obj(manifest.get("eligibility"))
    try:
        inputs = inputs_from_json(block.get("inputs"))
    except ValueError as exc:
        problems.append(f"manifest.json: the §5 inputs cannot be read ({exc})")
        return None
    if inputs.year != manifest.get("year"):
        problems.append("manifest.json: the §5 inputs are not those of the bundle's year")
    totals = [int(r["view"]["total"]) for r in year["current"]]
    mean = Fraction(sum(totals), len(totals)) if totals else None
    result = assess(facts_from_inputs(inputs, mean)).to_json()
    claimed = _obj(block.get("result"))
    if claimed.get("star") != result["star"]:
        problems.append(f"eligibility: the bundle claims {claimed.get('star')} star(s) under §5, "
                        f"its own data give {result['star']}")
    stated = {(c.get("star"), c.get("key")): c for c in claimed.get("criteria") or []
              if isinstance(c, dict)}
    for check in result["criteria"]:
        shown = stated.get((check["star"], check["key"]))
        if shown != check:
            problems.append(f"eligibility: {check['key']} at {check['star']} star(s) is stated as "
                            f"{shown}, the bundle's data give {check}")
    return int(result["star"])


def _as_record(rid: int, view: dict[str, Any]) -> Response:
    """Return the attributes of a signed record the provenance rules read."""
    stored = datetime.fromisoformat(str(view["submitted_at"]).replace("Z", "+00:00"))
    return cast(Response, SimpleNamespace(
        id=rid, supersedes_id=view.get("supersedes_id"), origin=view.get("origin"),
        submitted_at=stored, seq=view.get("seq"), record_hash="", view=view))


def _events(manifest: dict[str, Any]) -> list[CampaignEvent]:
    """Return the campaign events the manifest states (the provider's audit log)."""
    events = []
    for raw in _obj(manifest.get("provenance")).get("campaign_events") or []:
        try:
            events.append(CampaignEvent(datetime.fromisoformat(raw["at"]), str(raw["action"]),
                                        str(raw["username"]), str(raw.get("reason", ""))))
        except (KeyError, TypeError, ValueError):
            continue
    return events


def check_provenance(manifest: dict[str, Any], year: Year, problems: list[str],
                     notes: list[str]) -> tuple[list[tuple[int, int]], list[int]]:
    """Recompute overrides and late forms from the signed records; return (overrides, late)."""
    try:
        records = [_as_record(int(r["response_id"]), r["view"])
                   for r in [*year["current"], *year["superseded"]]]
        closes = date.fromisoformat(str(_obj(manifest.get("campaign")).get("closes")))
    except (KeyError, TypeError, ValueError) as exc:
        problems.append(f"manifest.json: cannot recompute overrides and late forms ({exc})")
        return [], []
    overrides = [(int(o.web.id or 0), int(o.replacement.id or 0))
                 for o in find_overrides(records)]
    late = [int(r.id or 0) for r in late_entries(records, closes, _events(manifest))]
    stated = _obj(manifest.get("provenance"))
    claimed = sorted((o.get("web"), o.get("replacement")) for o in stated.get("overrides") or []
                     if isinstance(o, dict))
    if claimed != sorted(overrides):
        problems.append(f"manifest.json: the listed overrides {claimed} are not those the signed "
                        f"records show {sorted(overrides)}")
    if sorted(stated.get("late") or [], key=str) != sorted(late, key=str):
        problems.append(f"manifest.json: the listed late forms are not those the signed records "
                        f"show {late}")
    views = {int(r["response_id"]): r["view"] for r in [*year["current"], *year["superseded"]]}
    for web, new in overrides:
        notes.append(f"override: response {new} ({views[new].get('origin')}, entered by "
                     f"{views[new].get('entered_by') or '?'}) replaced the client's web response "
                     f"{web}; reason: {views[new].get('reason') or '—'}")
    for rid in late:
        notes.append(f"late: response {rid} was stored after the campaign closed "
                     f"({views[rid].get('submitted_at')})")
    return overrides, late


def check_override_pages(section: str, overrides: list[tuple[int, int]],
                         records: dict[int, dict[str, Any]], problems: list[str]) -> None:
    """Check that the PDF's pages before the forms list each override by its receipt codes."""
    for web, new in overrides:
        for rid in (web, new):
            code = receipt_code(str(records[rid]["record_hash"]))
            if code not in section:
                problems.append(f"evidence.pdf: the override section does not list response "
                                f"{rid} (receipt {code})")
