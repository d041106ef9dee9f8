"""Helpers for anchoring tests: a provider with records, settings that name TSAs."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from surveys.access import SYSTEM
from surveys.clients import list_clients
from surveys.context import Context
from surveys.db import read_session
from surveys.models import Response
from surveys.settings import Settings
from tests.factories import make_client, make_provider, open_campaign, submit

YEAR = 2026


def with_tsa(ctx: Context, *urls: str, roots: Any = ()) -> Settings:
    """Return the context's settings with the given TSAs (and TSA root files)."""
    return replace(ctx.settings, tsa_urls=tuple(urls), tsa_roots=tuple(roots))


def provider_with_records(ctx: Context) -> int:
    """Return a provider with two clients and one stored record each (seq 1 and 2)."""
    pid = make_provider(ctx)
    for name in ("北京市第一医院", "北京市第二中学"):
        make_client(ctx, pid, name, years={YEAR: 10000})
    open_campaign(ctx, pid, YEAR)
    add_record(ctx, pid, 0)
    add_record(ctx, pid, 1)
    return pid


def add_record(ctx: Context, provider_id: int, index: int = 0, total: int = 90) -> Response:
    """Store one more record (a new version of a client's form) for the provider."""
    with read_session(ctx.engine) as s:
        client = list_clients(session=s, actor=SYSTEM, provider_id=provider_id)[index]
    return submit(ctx, provider_id, YEAR, int(client.id or 0), total)


