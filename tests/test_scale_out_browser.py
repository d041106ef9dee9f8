"""Two app servers on one PostgreSQL schema, forms submitted through both in a real browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from surveys.db import read_session
from surveys.models import Response
from tests.browser_support import free_port, require_browser, running_app
from tests.fault_support import chain_is_linear, verify_ok
from tests.form_driver import PHONE, fill_and_submit, install, server_env

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
FORMS = 3  # server A, B, A: each links onto the other's record


def test_two_servers_share_one_chain(pg_schema_url: str, tmp_path: Path, browser: Any) -> None:
    require_browser()
    installation = install(pg_schema_url, tmp_path, FORMS)
    ports = [free_port(), free_port()]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    envs = [server_env(installation, tmp_path / f"server{n}", base) for n, base in enumerate(bases)]
    with running_app(envs[0], ports[0]), running_app(envs[1], ports[1]):
        context = browser.new_context(**PHONE)
        page = context.new_page()
        for number, url in enumerate(installation.urls):
            base = bases[number % 2]  # alternate: as a balancer would spread the phones
            fill_and_submit(page, url.replace("http://survey.test", base), f"签字人{number}")
        context.close()

    with read_session(installation.ctx.engine) as session:
        stored = session.exec(select(Response)).all()
    assert len(stored) == FORMS and {r.origin for r in stored} == {"web"}
    assert len({r.key_id for r in stored}) == 1  # both servers signed with the shared key
    chain_is_linear(installation.ctx.engine, installation.provider_id)
    verify_ok(installation.ctx.engine, installation.ctx.signer)
    installation.ctx.engine.dispose()
