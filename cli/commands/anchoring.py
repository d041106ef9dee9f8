"""CLI: timestamp the chain heads now (RFC 3161), at every configured TSA."""

from __future__ import annotations

import typer

from cli.commands.common import ACTOR, JsonOption, context, emit, read


def anchor(provider: int | None = typer.Option(None, "--provider",
                                               help="Provider id (default: every provider)."),
           as_json: bool = JsonOption) -> None:
    """Timestamp each chain head at every TSA of STAR_SURVEY_TSA_URL; exit 1 if any fails."""
    from surveys.anchoring import anchor_now
    from surveys.providers import get_provider, list_providers

    if provider is None:
        ids = read(lambda c, s: [p.id for p in list_providers(session=s, actor=ACTOR)])
    else:
        ids = [read(lambda c, s: get_provider(session=s, actor=ACTOR, provider_id=provider).id)]
    ctx = context()
    results = [anchor_now(engine=ctx.engine, settings=ctx.settings, provider_id=int(pid or 0))
               for pid in ids]
    data = [{"provider_id": r.provider_id, "ok": r.ok, "configured": r.configured,
             "head_seq": r.head_seq, "head_hash": r.head_hash, "covered_by": list(r.covered_by),
             "attempts": [{"tsa_url": a.tsa_url, "ok": a.ok, "gen_time": a.gen_time,
                           "error": a.error, "retry_at": a.retry_at} for a in r.attempts]}
            for r in results]
    emit(data, as_json, "\n".join(f"provider {r.provider_id}: {r.message()}" for r in results)
         or "没有服务单位 / no providers")
    if not ctx.settings.tsa_urls or any(not r.ok for r in results):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the anchor command to the app."""
    app.command()(anchor)
