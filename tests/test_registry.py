"""Providers, clients and contract years."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from surveys import clients, providers
from surveys.access import SYSTEM, Actor
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.errors import NotFound, PermissionDenied, ValidationFailed
from tests.factories import make_client, make_provider


def test_provider_and_client_round_trip(ctx: Context) -> None:
    pid = make_provider(ctx)
    cid = make_client(ctx, pid, "北京市第一人民医院", key_unit=True, years={2025: "300000.50"})
    with read_session(ctx.engine) as s:
        client = clients.get_client(session=s, actor=SYSTEM, client_id=cid)
        assert client.key_unit and client.provider_id == pid
        contracts = clients.list_contracts(session=s, actor=SYSTEM, provider_id=pid)
    assert [(c.year, c.amount) for c in contracts] == [(2025, Decimal("300000.50"))]


def test_setting_a_contract_again_replaces_its_amount(ctx: Context) -> None:
    pid = make_provider(ctx)
    cid = make_client(ctx, pid, "甲", years={2025: 100})
    run_write(ctx.engine, lambda s: clients.set_contract(session=s, actor=SYSTEM, client_id=cid,
                                                         year=2025, amount="250"))
    with read_session(ctx.engine) as s:
        amounts = [c.amount for c in clients.list_contracts(session=s, actor=SYSTEM,
                                                            provider_id=pid)]
    assert amounts == [Decimal("250.00")]


@pytest.mark.parametrize(("year", "amount", "field"), [
    (1999, 1, "year"), (2101, 1, "year"), ("20x5", 1, "year"), (2025, -1, "amount"),
    (2025, "abc", "amount"), (2025, "1.005", "amount"), (2025, "NaN", "amount"),
    (2025, "1e15", "amount"),
])
def test_bad_contracts_are_rejected_and_change_nothing(ctx: Context, year: Any, amount: Any,
                                                       field: str) -> None:
    pid = make_provider(ctx)
    cid = make_client(ctx, pid, "甲")
    with pytest.raises(ValidationFailed) as caught:
        run_write(ctx.engine, lambda s: clients.set_contract(session=s, actor=SYSTEM,
                                                             client_id=cid, year=year,
                                                             amount=amount))
    assert caught.value.errors[0].field == field
    with read_session(ctx.engine) as s:
        assert clients.list_contracts(session=s, actor=SYSTEM, provider_id=pid) == []


def test_client_names_are_unique_per_provider(ctx: Context) -> None:
    pid = make_provider(ctx)
    make_client(ctx, pid, "甲")
    with pytest.raises(ValidationFailed):
        make_client(ctx, pid, "甲")
    other = make_provider(ctx, "另一家公司")
    assert make_client(ctx, other, "甲")


def test_staff_cannot_touch_another_provider(ctx: Context) -> None:
    a, b = make_provider(ctx, "A"), make_provider(ctx, "B")
    cid = make_client(ctx, b, "乙")
    staff_a = Actor("a", "staff", a)
    with read_session(ctx.engine) as s, pytest.raises(PermissionDenied):
        clients.get_client(session=s, actor=staff_a, client_id=cid)
    with pytest.raises(PermissionDenied):
        run_write(ctx.engine, lambda s: clients.create_client(session=s, actor=staff_a,
                                                              provider_id=b, name="x"))
    with read_session(ctx.engine) as s:
        assert [p.name for p in providers.list_providers(session=s, actor=staff_a)] == ["A"]


def test_unknown_ids_raise_not_found(ctx: Context) -> None:
    with read_session(ctx.engine) as s:
        with pytest.raises(NotFound):
            providers.get_provider(session=s, actor=SYSTEM, provider_id=42)
        with pytest.raises(NotFound):
            clients.get_client(session=s, actor=SYSTEM, client_id=42)


def test_update_client_keeps_names_unique(ctx: Context) -> None:
    pid = make_provider(ctx)
    make_client(ctx, pid, "甲")
    cid = make_client(ctx, pid, "乙")
    with pytest.raises(ValidationFailed):
        run_write(ctx.engine, lambda s: clients.update_client(session=s, actor=SYSTEM,
                                                              client_id=cid,
                                                              fields={"name": "甲"}))
    client = run_write(ctx.engine, lambda s: clients.update_client(
        session=s, actor=SYSTEM, client_id=cid, fields={"phone": "0755-2345678", "active": False}))
    assert client.phone == "0755-2345678" and not client.active and client.name == "乙"
