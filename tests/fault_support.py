"""Helpers for the fault, load and backup tests: seeding invitations, writing forms, checking."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from surveys import campaigns, clients, providers, responses
from surveys.access import SYSTEM
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.form_a1 import ITEMS
from surveys.keys import Signer
from surveys.models import Invitation, Response
from surveys.validation import ValidResponse, validate_response

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2026
TODAY = date(2026, 11, 24)
WINDOW = (date(YEAR, 1, 1), date(YEAR, 12, 31))


def seed_invitations(ctx: Context, count: int, name: str = "并发测试维保公司") -> tuple[int, list[int]]:
    """Return (provider id, invitation ids) of a provider with count invited clients."""
    def work(session: Session) -> tuple[int, list[int]]:
        provider = providers.create_provider(session=session, actor=SYSTEM, name=name)
        assert provider.id is not None
        for number in range(count):
            client = clients.create_client(session=session, actor=SYSTEM, provider_id=provider.id,
                                           name=f"用户单位{number:04d}", department="保卫处")
            clients.set_contract(session=session, actor=SYSTEM, client_id=int(client.id or 0),
                                 year=YEAR, amount="1000")
        campaign, _added = campaigns.open_campaign(session=session, actor=SYSTEM,
                                                   secret=ctx.link_secret,
                                                   provider_id=provider.id, year=YEAR)
        ids = session.exec(select(Invitation.id).where(Invitation.campaign_id == campaign.id)
                           .order_by(col(Invitation.id))).all()
        return provider.id, [int(i or 0) for i in ids]
    return run_write(ctx.engine, work)


def valid_form(number: int) -> ValidResponse:
    """Return a checked form whose scores depend on number."""
    raw: dict[str, Any] = {f"item{item.no}": item.max_score - (number + item.no) % 3
                           for item in ITEMS}
    raw.update(evaluation_date=date(YEAR, 6, 15), signer_name=f"签字人{number}")
    return validate_response(raw, window=WINDOW, today=TODAY)


def append(session: Session, signer: Signer, invitation_id: int, key: str,
           signature: bytes | None = b"\x89PNG-fault-test") -> Response:
    """Return the form stored for an invitation under a submission key (origin 'web')."""
    return responses.append_response(
        session=session, signer=signer, invitation_id=invitation_id, valid=valid_form(invitation_id),
        origin="web", attachments=responses.Attachments(signature_png=signature),
        submission_key=key)


def count_responses(engine: Engine) -> int:
    """Return how many response versions are stored."""
    with read_session(engine) as session:
        return int(session.exec(select(func.count()).select_from(Response)).one())


def stored_keys(engine: Engine) -> list[str]:
    """Return every stored submission key (with repeats, if there were any)."""
    with read_session(engine) as session:
        return [k for k in session.exec(select(Response.submission_key)).all() if k]


def verify_ok(engine: Engine, signer: Signer) -> None:
    """Assert that the hashes, signatures and per-provider chains of the database verify."""
    from surveys.verify import verify_database

    with read_session(engine) as session:
        result = verify_database(session, signer.public_key)
    assert result.ok, [p.message for p in result.problems]
    assert result.records == count_responses(engine)


def chain_is_linear(engine: Engine, provider_id: int) -> None:
    """Assert the provider's records have seq 1..n, each prev_hash naming the one before."""
    with read_session(engine) as session:
        rows = session.exec(select(Response.seq, Response.prev_hash, Response.record_hash)
                            .where(Response.provider_id == provider_id)
                            .order_by(col(Response.seq))).all()
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    for before, after in zip(rows, rows[1:], strict=False):
        assert after[1] == before[2]


def cli_env(ctx: Context) -> dict[str, str]:
    """Return the environment that points the CLI and writer processes at ctx's database."""
    return {**os.environ, "STAR_SURVEY_DB": ctx.settings.db_url,
            "STAR_SURVEY_DATA_DIR": str(ctx.settings.data_dir),
            "STAR_SURVEY_BASE_URL": ctx.settings.base_url or "", "PYTHONPATH": str(ROOT)}


def star_survey(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Return the finished `star-survey ARGS` run with the given environment."""
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def writer_command(tag: str, invitation_ids: list[int], *, batch: int = 1) -> list[str]:
    """Return the command that runs tests/fault_writer.py on the given invitations."""
    return [sys.executable, str(ROOT / "tests" / "fault_writer.py"), tag, str(batch),
            ",".join(str(i) for i in invitation_ids)]
