"""The CLI side of imports and stored text: templates to fill in, and listings that never pass a
terminal escape sequence (or a bidi override) from the database to the terminal."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from cli.main import main
from surveys.context import Context
from tests.factories import make_client, make_provider, open_campaign


@pytest.fixture
def run(cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Any:
    """Return a function that runs the CLI in-process: (exit code, stdout, stderr)."""
    for key, value in cli_env.items():
        monkeypatch.setenv(key, value)

    def call(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exited:
            main(list(args))
        out, err = capsys.readouterr()
        return int(exited.value.code or 0), out, err
    return call


HOSTILE = "甲\x1b]0;pwned\x07\x1b[2J\x9b31m\u202e乙\x7f"
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\x7f")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # a template needs no database
@pytest.mark.parametrize(("command", "headers"), [
    ("client", ["用户单位名称", "用户主管部门名称", "主管负责人", "联系电话", "重点保卫单位"]),
    ("response", ["用户单位名称", "评价日期", "签字人"]),
])
def test_templates_are_written_with_notes_and_checks(run: Any, tmp_path: Path, command: str,
                                                     headers: list[str]) -> None:
    out = tmp_path / f"{command}.xlsx"
    code, stdout, err = run(command, "template", str(out))
    assert code == 0, err
    assert str(out) in stdout
    sheet = load_workbook(io.BytesIO(out.read_bytes())).worksheets[0]
    assert [c.value for c in sheet[1]][:len(headers)] == headers
    assert all(c.comment is not None for c in sheet[1])
    assert sheet.data_validations.dataValidation


@pytest.fixture
def hostile_names(ctx: Context) -> int:
    """Return a provider whose stored names hold escape sequences (from before the text rule)."""
    provider = make_provider(ctx)
    make_client(ctx, provider, "甲单位", years={2026: 1})
    open_campaign(ctx, provider, 2026)
    with ctx.engine.begin() as conn:
        conn.execute(text("UPDATE client SET name = :n, manager = :n"), {"n": HOSTILE})
        conn.execute(text("UPDATE provider SET name = :n"), {"n": HOSTILE})
    return provider


@pytest.mark.parametrize("args", [
    ("provider", "list"), ("client", "list", "--provider", "{p}"),
    ("links", "--provider", "{p}", "--year", "2026", "--base-url", "https://s.example.cn"),
])
@pytest.mark.parametrize("as_json", [False, True])
def test_listings_show_stored_escape_sequences_inert(run: Any, hostile_names: int,
                                                     args: tuple[str, ...], as_json: bool) -> None:
    argv = [a.format(p=hostile_names) for a in args] + (["--json"] if as_json else [])
    code, out, err = run(*argv)
    assert code == 0, err
    assert not any(char in out + err for char in RAW)
    if as_json:
        rows = json.loads(out)
        names = [row.get("client") or row.get("name") for row in rows]
        assert HOSTILE in names  # JSON keeps the data, escaped
    else:
        assert "\\x1b]0;pwned\\x07" in out and "\\u202e" in out
