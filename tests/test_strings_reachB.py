"""Outreach UI strings: every status, choice and key the page and chart compose exists in both languages."""

from __future__ import annotations

import re
from pathlib import Path

from surveys.i18n import STRINGS
from surveys.mail_queue import STATUSES
from surveys.waves import CHANNELS, SELECTIONS

ROOT = Path(__file__).resolve().parents[1]


def test_composed_keys_exist() -> None:
    keys = ([f"outreach_status_{s}" for s in STATUSES] + [f"outreach_sel_{s}" for s in SELECTIONS]
            + [f"outreach_channel_{c}" for c in CHANNELS]
            + [f"outreach_state_{s}" for s in ("not_opened", "opened")]
            + [f"outreach_kind_{k}" for k in ("invitation", "reminder")]
            + [f"outreach_outcome_{o}" for o in ("sent", "failed")])
    assert [key for key in keys if key not in STRINGS] == []


def test_literal_keys_in_the_page_and_chart_exist() -> None:
    sources = [ROOT / "pages" / "outreach.py", ROOT / "pages" / "outreach_parts.py",
               ROOT / "analytics" / "outreach_chart.py"]
    used = {key for path in sources
            for key in re.findall(r"""\b(?:t|tr)\(["'](outreach_[a-z_]+)["']""", path.read_text())}
    used = {key for key in used if not key.endswith("_")}  # prefixes of composed keys
    assert used and sorted(used - STRINGS.keys()) == []
    for key in used:
        zh, en = STRINGS[key]
        assert zh and en and zh != en
