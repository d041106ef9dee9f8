"""One public base URL for the app, the CLI, QR cards and the evidence; dead or loopback warned."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from surveys.context import Context
from surveys.links import link_warnings, network_address, public_base_url, record_port
from surveys.settings import Settings, get_settings
from tests import factories
from tests.browser_support import free_port, wait_until_healthy
from tests.workspace_support import point_app_at, signed_in

ROOT = Path(__file__).resolve().parents[1]
DEAD = "no server answers"


def test_public_url_setting_wins_and_base_url_is_its_old_name() -> None:
    assert get_settings({"STAR_SURVEY_PUBLIC_URL": "https://a.cn/"}).base_url == "https://a.cn/"
    assert get_settings({"STAR_SURVEY_BASE_URL": "https://b.cn"}).base_url == "https://b.cn"
    assert get_settings({"STAR_SURVEY_PUBLIC_URL": "https://a.cn",
                         "STAR_SURVEY_BASE_URL": "https://b.cn"}).base_url == "https://a.cn"


def test_the_recorded_port_is_the_port_links_use(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert public_base_url(settings) == f"http://{network_address()}:8501"
    record_port(tmp_path, 8621)
    assert public_base_url(settings) == f"http://{network_address()}:8621"
    assert public_base_url(settings, running_port=8700) == f"http://{network_address()}:8700"
    assert public_base_url(Settings(data_dir=tmp_path, base_url="https://x.cn/")) == "https://x.cn"
    assert public_base_url(settings, override="https://y.cn/") == "https://y.cn"


def test_link_warnings_name_loopback_and_dead_ports() -> None:
    port = free_port()  # nothing listens there
    assert link_warnings(f"http://127.0.0.1:{port}") == ["loopback", "unreachable"]
    assert link_warnings(f"http://{network_address()}:{port}") == ["unreachable"]


@pytest.fixture
def served(cli_env: dict[str, str], tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Yield the environment of a real `star-survey serve --port P` (no base URL set)."""
    port = free_port()
    env = {**os.environ, **cli_env, "STAR_SURVEY_BASE_URL": ""}
    env.pop("STAR_SURVEY_PORT", None)
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "cli", "serve", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, process, tmp_path / "serve.log")
        yield {"env": env, "port": port, "process": process}
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        log.close()


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Return the finished `python -m cli ...` run."""
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False, timeout=120)


def test_cli_links_qr_and_export_use_the_port_serve_runs_on(
    ctx: Context, served: dict[str, Any], tmp_path: Path
) -> None:
    _ctx, provider, _client = factories.invited_client(ctx, "海淀区图书馆")
    factories.submit(ctx, provider, 2026, _client, 90)
    env, port = served["env"], served["port"]
    expected = f"http://{network_address()}:{port}/?t="
    done = _cli(env, "links", "--provider", str(provider), "--year", "2026", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["url"].startswith(expected)
    assert DEAD not in done.stderr
    done = _cli(env, "qr", "--provider", str(provider), "--year", "2026", "--out",
                str(tmp_path / "cards"), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["codes"][0]["url"].startswith(expected)
    out = tmp_path / "evidence.zip"
    done = _cli(env, "export", "--provider", str(provider), "--year", "2026", "--out", str(out))
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
    assert manifest["base_url"] == f"http://{network_address()}:{port}"

    os.killpg(served["process"].pid, signal.SIGTERM)
    served["process"].wait(timeout=20)
    done = _cli(env, "links", "--provider", str(provider), "--year", "2026")
    assert done.returncode == 0 and f":{port}/?t=" in done.stdout
    assert DEAD in done.stderr and "loopback" not in done.stderr


def test_cli_warns_about_a_loopback_public_url(ctx: Context, cli_env: dict[str, str]) -> None:
    _ctx, provider, _client = factories.invited_client(ctx)
    env = {**os.environ, **cli_env, "STAR_SURVEY_PUBLIC_URL": f"http://127.0.0.1:{free_port()}"}
    done = _cli(env, "links", "--provider", str(provider), "--year", "2026")
    assert done.returncode == 0
    assert "loopback" in done.stderr and DEAD in done.stderr


def test_campaigns_page_warns_when_links_point_at_a_dead_port(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ctx, provider, _client = factories.invited_client(ctx)
    point_app_at(monkeypatch, ctx)
    dead = f"http://{network_address()}:{free_port()}"
    monkeypatch.setenv("STAR_SURVEY_BASE_URL", dead)
    at = AppTest.from_file(str(ROOT / "pages" / "campaigns.py"), default_timeout=60)
    at = signed_in(at, ctx, "staff-a", "staff", provider).run()
    assert not at.exception
    warnings = "\n".join(str(w.value) for w in at.warning)
    assert dead in warnings and "没有服务" in warnings
