"""Builders of test data through the real domain functions."""

from __future__ import annotations

from datetime import date
from typing import Any

from surveys import campaigns, clients, invitations, providers, responses
from surveys.access import SYSTEM
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.form_a1 import ITEMS
from surveys.models import Response
from surveys.validation import validate_response

FULL_MARKS = [item.max_score for item in ITEMS]
TODAY = date(2026, 11, 24)


def scores_for_total(total: int) -> list[int]:
    """Return nine valid item scores that add up to total (taking points off the last items)."""
    scores, missing = list(FULL_MARKS), 100 - total
    for index in reversed(range(9)):
        take = min(missing, scores[index])
        scores[index] -= take
        missing -= take
    assert missing == 0 and sum(scores) == total
    return scores


def make_provider(ctx: Context, name: str = "北京安防维保有限公司") -> int:
    """Return the id of a new provider."""
    return run_write(ctx.engine, lambda s: providers.create_provider(
        session=s, actor=SYSTEM, name=name, department="运维部", manager="王经理",
        phone="010-12345678").id)


def make_client(ctx: Context, provider_id: int, name: str, *, key_unit: bool = False,
                years: dict[int, Any] | None = None) -> int:
    """Return the id of a new client with contracts {year: amount}."""
    def work(s: Any) -> int:
        client = clients.create_client(session=s, actor=SYSTEM, provider_id=provider_id,
                                       name=name, department="保卫处", manager="李处长",
                                       phone="13800000000", key_unit=key_unit)
        for year, amount in (years or {}).items():
            clients.set_contract(session=s, actor=SYSTEM, client_id=client.id, year=year,
                                 amount=amount)
        return int(client.id)
    return run_write(ctx.engine, work)


def open_campaign(ctx: Context, provider_id: int, year: int) -> int:
    """Return the number of invitations created by opening the year's campaign."""
    return run_write(ctx.engine, lambda s: campaigns.open_campaign(
        session=s, actor=SYSTEM, secret=ctx.link_secret, provider_id=provider_id,
        year=year)[1])


def links(ctx: Context, provider_id: int, year: int) -> list[dict[str, Any]]:
    """Return the campaign's links."""
    with read_session(ctx.engine) as s:
        return invitations.list_links(session=s, actor=SYSTEM, secret=ctx.link_secret,
                                      provider_id=provider_id, year=year,
                                      base_url="http://survey.test")


def submit(ctx: Context, provider_id: int, year: int, client_id: int, total: int, *,
           when: date | None = None, signer: str = "张三",
           signature: bytes | None = b"\x89PNG-test") -> Response:
    """Return the stored paper-style response of a client with the given total."""
    raw: dict[str, Any] = {f"item{i + 1}": v for i, v in enumerate(scores_for_total(total))}
    raw.update(evaluation_date=when or date(year, 6, 15), signer_name=signer)
    valid = validate_response(raw, window=(date(year, 1, 1), date(year + 1, 6, 30)),
                              today=TODAY if year <= TODAY.year else date(year + 1, 6, 30))
    return run_write(ctx.engine, lambda s: responses.submit_paper(
        session=s, actor=SYSTEM, signer=ctx.signer, provider_id=provider_id, year=year,
        client_id=client_id, valid=valid,
        attachments=responses.Attachments(signature_png=signature)))
