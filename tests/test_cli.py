"""The command line contract: names, keys, --json, errors on stderr with a non-zero exit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from surveys.clock import beijing_today
from surveys.form_a1 import ITEMS
from tests.scans import pdf_scan, png_scan

ROOT = Path(__file__).resolve().parents[1]



def ok_json(cli: Any, *args: str) -> Any:
    """Return the parsed JSON of a successful command."""
    code, out, err = cli(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_the_whole_contract(cli: Any, tmp_path: Path) -> None:
    year, today = beijing_today().year, beijing_today().isoformat()  # forms enter open campaigns
    assert ok_json(cli, "init")["revision"]
    pid = ok_json(cli, "provider", "add", "京安公司", "--department", "运维部", "--manager", "孙",
                  "--phone", "010-6688 1234")["id"]
    assert [p["name"] for p in ok_json(cli, "provider", "list")] == ["京安公司"]
    cid = ok_json(cli, "client", "add", "--provider", str(pid), "医院", "--key-unit")["id"]
    listed = ok_json(cli, "client", "list", "--provider", str(pid))
    assert listed[0]["id"] == cid and listed[0]["key_unit"] is True
    contract = ok_json(cli, "client", "contract", "--client", str(cid), "--year", str(year),
                       "--amount", "120000")
    assert contract == {"client_id": cid, "year": year, "amount": "120000.00"}
    csv = tmp_path / "clients.csv"
    csv.write_text("name,department,manager,phone,key_unit,contract_year,contract_amount\n"
                   f"学校,后勤,王,139 1234 5678,否,{year},90000\n", encoding="utf-8")
    assert ok_json(cli, "client", "import", "--provider", str(pid), str(csv))["created"] == 1
    opened = ok_json(cli, "campaign", "open", "--provider", str(pid), "--year", str(year),
                     "--closes", f"{year + 1}-01-31")
    assert opened["invitations_added"] == 2 and opened["closes"] == f"{year + 1}-01-31"
    assert ok_json(cli, "campaign", "open", "--provider", str(pid), "--year", str(year))[
        "invitations_added"] == 0
    links = ok_json(cli, "links", "--provider", str(pid), "--year", str(year), "--base-url",
                    "https://s.example.cn/")
    assert {row["client"] for row in links} == {"医院", "学校"}
    assert all(set(row) == {"client_id", "client", "url"} for row in links)
    assert all(row["url"].startswith("https://s.example.cn/?t=") for row in links)
    paper = tmp_path / "paper.csv"
    (tmp_path / "a.pdf").write_bytes(pdf_scan())
    (tmp_path / "b.png").write_bytes(png_scan())
    paper.write_text("用户单位名称,评价日期,签字人," + ",".join(i.name_zh for i in ITEMS) +
                     f",扫描件\n医院,{today},张三,10,5,15,5,10,10,15,15,15,a.pdf\n"
                     f"学校,{today},李四,8,4,12,4,8,8,12,12,12,b.png\n", encoding="utf-8")
    assert ok_json(cli, "response", "import", "--provider", str(pid), "--year", str(year),
                   str(paper)) == {"stored": 2, "corrected": 0, "unchanged": 0, "rows": 2,
                                   "changed": True}
    code, out, _ = cli("response", "import", "--provider", str(pid), "--year", str(year),
                       str(paper))
    assert code == 0 and "nothing changed" in out
    report = ok_json(cli, "report", "--provider", str(pid), "--year", str(year))
    assert (report["invited"], report["responses"], report["mean_total"]) == (2, 2, 90.0)
    assert (report["min_total"], report["max_total"], report["star_by_score"]) == (80, 100, 2)
    assert [i["no"] for i in report["items"]] == list(range(1, 10))
    assert report["items"][0] == {**report["items"][0], "name": "服务业务管理能力", "max": 10,
                                  "mean": 9.0}
    assert ok_json(cli, "campaign", "close", "--provider", str(pid), "--year", str(year))[
        "open"] is False


def test_report_without_responses_has_null_mean(cli: Any) -> None:
    pid = ok_json(cli, "provider", "add", "P")["id"]
    report = ok_json(cli, "report", "--provider", str(pid), "--year", "2026")
    assert report["mean_total"] is None and report["responses"] == 0
    assert report["star_by_score"] == 0


@pytest.mark.parametrize(("args", "message"), [
    (("client", "add", "--provider", "99", "X"), "provider 99"),
    (("client", "contract", "--client", "1", "--year", "2025", "--amount", "-1"), "amount"),
    (("campaign", "close", "--provider", "1", "--year", "2020"), "no campaign"),
    (("provider", "add", ""), "name"),
    (("client", "import", "--provider", "1", "/nonexistent.csv"), "cannot read"),
])
def test_errors_go_to_stderr_with_non_zero_exit(cli: Any, args: tuple[str, ...],
                                                message: str) -> None:
    pid = ok_json(cli, "provider", "add", "P")["id"]
    ok_json(cli, "client", "add", "--provider", str(pid), "C")
    code, out, err = cli(*args)
    assert code != 0 and out == "" and message in err


def test_a_rejected_import_names_rows_and_changes_nothing(cli: Any, tmp_path: Path) -> None:
    pid = ok_json(cli, "provider", "add", "P")["id"]
    bad = tmp_path / "bad.csv"
    bad.write_text("name,department,manager,phone,key_unit\n好,,,,是\n,,,,maybe\n",
                   encoding="utf-8")
    code, _, err = cli("client", "import", "--provider", str(pid), str(bad))
    assert code == 1 and "row 3, name" in err and "row 3, key_unit" in err
    assert ok_json(cli, "client", "list", "--provider", str(pid)) == []


def test_demo_fills_three_years(cli: Any) -> None:
    demo = ok_json(cli, "demo")
    assert demo["clients"] == 10 and demo["responses"] > 20
    code, _, err = cli("demo")
    assert code == 1 and "already exists" in err


def test_installed_entry_point_runs(cli_env: dict[str, str]) -> None:
    script = Path(sys.executable).parent / "star-survey"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "cli"]
    done = subprocess.run([*command, "provider", "list", "--json"], env={
        **__import__("os").environ, **cli_env}, capture_output=True, text=True, cwd=ROOT,
        check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
