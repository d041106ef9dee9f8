"""`star-survey report` carries the §5 eligibility, in JSON and in the text output."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cli.main import main
from surveys.context import Context
from tests.factories import make_client, make_provider, open_campaign, submit

YEAR = 2026


@pytest.fixture
def cli(cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Any:
    """Return a function that runs the CLI in-process and returns (exit code, stdout)."""
    for key, value in cli_env.items():
        monkeypatch.setenv(key, value)

    def run(*args: str) -> tuple[int, str]:
        with pytest.raises(SystemExit) as exited:
            main(list(args))
        return int(exited.value.code or 0), capsys.readouterr().out
    return run


def two_star_provider(ctx: Context) -> int:
    """Return a provider that meets two stars exactly and misses three on several counts."""
    pid = make_provider(ctx)
    years = {YEAR - 1: 1, YEAR: 75000}
    cids = [make_client(ctx, pid, f"用户{i}", key_unit=i == 0, years=years) for i in range(4)]
    for i in range(6):  # served in earlier years of the five-year window: 1 key unit of 10
        make_client(ctx, pid, f"旧户{i}", years={YEAR - 3: 1})
    open_campaign(ctx, pid, YEAR)
    for cid in cids:
        submit(ctx, pid, YEAR, cid, 90)
    return pid


def test_report_json_has_eligibility(ctx: Context, cli: Any) -> None:
    pid = two_star_provider(ctx)
    code, out = cli("report", "--provider", str(pid), "--year", str(YEAR), "--json")
    assert code == 0
    report = json.loads(out)
    assert report["mean_total"] == 90.0 and report["star_by_score"] == 2
    eligibility = report["eligibility"]
    assert eligibility["star"] == 2
    by = {(c["star"], c["key"]): c for c in eligibility["criteria"]}
    assert set(by) == {(s, k) for s in (1, 2, 3) for k in
                       ("units", "contract_amount", "continuity", "key_unit_share", "evaluation")}
    assert by[(2, "units")] == {"star": 2, "key": "units", "required": 4, "actual": 4, "met": True}
    assert by[(2, "contract_amount")] == {"star": 2, "key": "contract_amount",
                                          "required": 300000, "actual": 300000, "met": True}
    assert by[(2, "continuity")]["actual"] == 1 and by[(2, "continuity")]["met"]
    assert by[(2, "key_unit_share")] == {"star": 2, "key": "key_unit_share", "required": 0.1,
                                         "actual": 0.1, "met": True}
    assert by[(2, "evaluation")]["actual"] == 90
    assert not by[(3, "units")]["met"] and not by[(3, "contract_amount")]["met"]
    assert by[(1, "contract_amount")]["required"] is None and by[(1, "contract_amount")]["met"]


def test_report_text_lists_every_check(ctx: Context, cli: Any) -> None:
    pid = two_star_provider(ctx)
    code, out = cli("report", "--provider", str(pid), "--year", str(YEAR))
    assert code == 0
    assert "eligible star (§5): 2" in out
    assert "3* units: required 6, actual 4 -> NOT met" in out
    assert "1* continuity: required -, actual 1 -> met" in out


def test_report_without_anything_is_zero_stars(ctx: Context, cli: Any) -> None:
    pid = make_provider(ctx)
    code, out = cli("report", "--provider", str(pid), "--year", str(YEAR), "--json")
    eligibility = json.loads(out)["eligibility"]
    assert code == 0 and eligibility["star"] == 0
    evaluation = [c for c in eligibility["criteria"] if c["key"] == "evaluation"]
    assert all(c["actual"] is None and not c["met"] for c in evaluation)
