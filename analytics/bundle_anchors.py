"""A bundle's RFC 3161 tokens checked against its chain, as `verify` does for the database."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime, timedelta
from typing import Any

from surveys.anchor_queries import Anchor
from surveys.verify_anchors import ChainRecord, check_anchors, describe

NOT_ANCHORED = ("timestamps: none — the records are NOT independently anchored; their stored "
                "times are the provider's word only")


def _anchors(manifest: dict[str, Any], problems: list[str]) -> list[Anchor]:
    """Return the manifest's anchors, naming any entry that cannot be read."""
    found: list[Anchor] = []
    listed = manifest.get("anchors", [])
    if not isinstance(listed, list):
        problems.append("manifest.json: 'anchors' is not a list")
        return found
    for index, raw in enumerate(listed):
        try:
            found.append(Anchor(
                int(manifest["provider_id"]), int(raw["head_seq"]), str(raw["head_hash"]),
                str(raw["tsa_url"]), base64.b64decode(raw["token"], validate=True),
                datetime.fromisoformat(raw["gen_time"]), datetime.fromisoformat(raw["gen_time"])))
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:
            problems.append(f"manifest.json: anchor #{index + 1} cannot be read ({exc})")
    return found


def _stored(view: dict[str, Any]) -> datetime:
    """Return a signed record's submitted_at (the epoch when it cannot be read)."""
    try:
        return datetime.fromisoformat(str(view["submitted_at"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return datetime(1970, 1, 1, tzinfo=UTC)


def check_bundle_anchors(manifest: dict[str, Any], records: dict[int, dict[str, Any]], *,
                         max_delay: timedelta, trusted_roots: list[bytes] | None,
                         problems: list[str], notes: list[str]) -> None:
    """Check the tokens; name the year's records anchored late or not at all, note the rest."""
    anchors = _anchors(manifest, problems)
    if not anchors:
        notes.append(NOT_ANCHORED)
        return
    chain = [ChainRecord(int(r["view"]["seq"]), str(r["record_hash"]), _stored(r["view"]),
                         f"response {rid} (seq {r['view']['seq']})")
             for rid, r in sorted(records.items())]
    try:
        made = datetime.fromisoformat(str(manifest.get("generated_at")))
    except ValueError:
        made = None
    first, found = check_anchors(chain, anchors, trusted_roots=trusted_roots,
                                 max_delay=max_delay, now=made, expect_anchors=True)
    year = manifest.get("year")
    in_year = {int(r["view"]["seq"]) for r in records.values() if r["view"].get("year") == year}
    for problem in found:
        if problem.kind in ("anchor_invalid", "anchor_mismatch") or problem.seq in in_year:
            problems.append(problem.message)
    for seq in sorted(in_year):
        notes.append(f"seq {seq}: {describe(first.get(seq))}")
