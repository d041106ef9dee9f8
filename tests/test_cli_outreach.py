"""star-survey remind / send: waves from the command line through a real SMTP server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cli.main import main
from surveys.context import Context
from tests.factories import submit
from tests.outreach_support import YEAR, open_link, outreach_campaign
from tests.smtp_support import SmtpServer, smtp_server  # noqa: F401

# The command line's shapes do not depend on the back-end: these run on SQLite only.
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def cli(cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Any:
    """Return a function that runs the CLI in-process: (exit code, stdout, stderr)."""
    for key, value in cli_env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("STAR_SURVEY_SMTP_URL", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exited:
            main(list(args))
        out, err = capsys.readouterr()
        return int(exited.value.code or 0), out, err
    return run


def test_remind_sends_and_a_second_wave_reaches_only_non_respondents(
        ctx: Context, cli: Any, smtp_server: SmtpServer,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    provider_id, ids = outreach_campaign(ctx)
    open_link(ctx, ids["乙银行"])
    args = ("remind", "--provider", str(provider_id), "--year", str(YEAR))
    code, out, err = cli(*args, "--state", "not_opened", "--dry-run", "--json")
    assert code == 0, err
    dry = json.loads(out)
    assert sorted(c["client"] for c in dry["clients"]) == sorted(["甲医院", "丙学校", "丁商场"])
    code, _out, err = cli(*args, "--state", "not_opened")
    assert code == 1 and "STAR_SURVEY_SMTP_URL" in err  # e-mail off: nothing started
    assert smtp_server.handler.received == []

    monkeypatch.setenv("STAR_SURVEY_SMTP_URL", smtp_server.url)
    code, out, err = cli(*args, "--state", "unanswered", "--json")
    assert code == 0, err
    first = json.loads(out)
    assert first["pass"]["sent"] == 3 and first["counts"] == {"sent": 3, "no_address": 1}
    assert sorted(r.rcpt_tos[0] for r in smtp_server.handler.received) == [
        "bing@client.test", "jia@client.test", "yi@client.test"]

    submit(ctx, provider_id, YEAR, ids["甲医院"], 92)
    smtp_server.handler.received.clear()
    code, out, err = cli(*args, "--state", "not_opened")
    assert code == 0, err
    assert [r.rcpt_tos for r in smtp_server.handler.received] == [["bing@client.test"]]
    assert "甲医院" not in out and "丙学校" in out
    code, out, err = cli("send", "--json")
    assert code == 0 and json.loads(out)["pass"]["sent"] == 0  # nothing is sent twice


def test_remind_print_lists_links_and_bad_choices_are_refused(ctx: Context, cli: Any,
                                                              tmp_path: Path) -> None:
    provider_id, ids = outreach_campaign(ctx)
    args = ("remind", "--provider", str(provider_id), "--year", str(YEAR))
    code, _out, err = cli(*args, "--state", "everyone")
    assert code == 2 and "--state" in err
    code, _out, err = cli(*args, "--state", "opened", "--channel", "print")
    assert code == 1 and "no client" in err  # nobody opened a link yet
    pdf = tmp_path / "letters.pdf"
    code, _out, err = cli(*args, "--state", "not_opened", "--out", str(pdf))
    assert code == 2 and "--out" in err and not pdf.exists()
    code, out, err = cli(*args, "--state", "not_opened", "--channel", "print", "--out", str(pdf),
                         "--json")
    assert code == 0, err
    result = json.loads(out)
    assert len(result["clients"]) == 4 and all("/?t=" in row["url"] for row in result["clients"])
    assert result["letters"]["pages"] == 4 and pdf.read_bytes().startswith(b"%PDF-")
