"""Builders of test data through the real domain functions."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import select

from surveys import campaigns, clients, invitations, providers, responses
from surveys.access import SYSTEM
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.form_a1 import ITEMS
from surveys.models import Client, Response
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


def invited_client(ctx: Context, name: str = "甲", amount: int = 1,
                   year: int = 2026) -> tuple[Context, int, int]:
    """Return the context, a new provider and a client invited to its open campaign of year."""
    provider = make_provider(ctx)
    client = make_client(ctx, provider, name, years={year: amount})
    open_campaign(ctx, provider, year)
    return ctx, provider, client


def xlsx(rows: list[list[Any]]) -> bytes:
    """Return an .xlsx file holding the rows on its first sheet."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
           signature: bytes | None = b"\x89PNG-test", reason: str | None = None,
           today: date | None = None) -> Response:
    """Return the stored paper-style response of a client with the given total.

    A correction (the client answered already) gets reason "更正笔误" unless one is given.
    """
    raw: dict[str, Any] = {f"item{i + 1}": v for i, v in enumerate(scores_for_total(total))}
    raw.update(evaluation_date=when or date(year, 6, 15), signer_name=signer)
    valid = validate_response(raw, window=(date(year, 1, 1), date(year + 1, 6, 30)),
                              today=TODAY if year <= TODAY.year else date(year + 1, 6, 30))
    day = today or min(valid.evaluation_date, date(year, 12, 31))  # entered when signed

    def work(s: Any) -> Response:
        answered = s.exec(select(Response).where(Response.provider_id == provider_id,
                                                 Response.year == year,
                                                 Response.client_id == client_id)).first()
        why = reason if reason is not None else ("更正笔误" if answered else "")
        return responses.submit_paper(
            session=s, actor=SYSTEM, signer=ctx.signer, provider_id=provider_id, year=year,
            client_id=client_id, valid=valid, today=day, reason=why,
            attachments=responses.Attachments(signature_png=signature))
    return run_write(ctx.engine, work)


def submit_web(ctx: Context, provider_id: int, client_id: int, total: int, *, year: int = 2026,
               when: date | None = None, today: date | None = None) -> Response:
    """Return the version the client stored through its own link (origin 'web')."""
    from surveys.demo import signature_png
    from surveys.web_form import submit_web_form

    day = today or TODAY
    with read_session(ctx.engine) as s:
        name = s.get(Client, client_id).name  # type: ignore[union-attr]
    token = next(str(row["url"]).split("?t=")[1] for row in links(ctx, provider_id, year)
                 if row["client"] == name)
    raw: dict[str, Any] = {f"item{i + 1}": v for i, v in enumerate(scores_for_total(total))}
    raw.update(evaluation_date=when or day, signer_name="赵六")
    return run_write(ctx.engine, lambda s: submit_web_form(
        session=s, signer=ctx.signer, token=token, raw=raw, header_edits={},
        attachments=responses.Attachments(signature_png=signature_png("赵六", 1)),
        submission_key=None, supersedes_id=None, today=day))  # type: ignore[arg-type]
