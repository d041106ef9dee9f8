"""CLI: reminder waves (`remind`) and sending what is queued (`send`) by e-mail (issue 14)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from cli.commands.common import (
    ACTOR,
    JsonOption,
    complain,
    context,
    emit,
    public_base,
    read,
    write,
    write_output,
)

STATES = ("not_opened", "opened", "unanswered")
CHANNELS = ("email", "print")


def _sent_summary(wave_id: int | None) -> dict[str, Any]:
    """Return a wave's counts by status and its clients (or {} for no wave)."""
    from surveys.send_log import wave_progress, wave_recipients

    if wave_id is None:
        return {}
    counts = read(lambda c, s: wave_progress(session=s, actor=ACTOR, wave_id=wave_id))
    rows = read(lambda c, s: wave_recipients(session=s, actor=ACTOR, wave_id=wave_id))
    return {"counts": counts, "clients": [
        {"client_id": r.client_id, "client": r.client, "address": r.address, "status": r.status,
         "attempts": r.attempts, "error": r.last_error} for r in rows]}


def _send_now(wave_id: int | None) -> dict[str, int]:
    """Return what one sending pass did (the due messages of a wave, or of every wave)."""
    from surveys.mail_queue import send_due

    ctx = context()

    def progress(report: Any) -> None:
        """Show the running count on stderr."""
        complain(f"  已发送 / sent {report.sent}, 失败 / failed {report.failed}, "
                 f"待重试 / to retry {report.retrying}")

    report = send_due(ctx, wave_id=wave_id, limit=100000, on_progress=progress)
    return {"sent": report.sent, "failed": report.failed, "retrying": report.retrying,
            "skipped": report.skipped}


def remind(provider: int = typer.Option(..., "--provider", help="Provider id."),
           year: int = typer.Option(..., "--year", help="Campaign year (YYYY)."),
           state: str = typer.Option(..., "--state", help="not_opened | opened | unanswered "
                                     "(both); clients that answered are never reminded."),
           channel: str = typer.Option("email", "--channel", help="email (send now) or print "
                                       "(list each client's contact and link)."),
           dry_run: bool = typer.Option(False, "--dry-run", help="Show whom the wave would "
                                        "reach; start nothing."),
           out: Path | None = typer.Option(None, "--out", help="With --channel print: write "
                                           "the wave's letters (PDF, one per client) here."),
           as_json: bool = JsonOption) -> None:
    """Start a reminder wave and send it (e-mail), or list it to print; --dry-run only shows."""
    if out is not None and (channel != "print" or dry_run):
        complain("错误 / error: --out 只用于 --channel print / --out goes with --channel print")
        raise typer.Exit(2)
    if state not in STATES or channel not in CHANNELS:
        complain(f"错误 / error: --state 应为 {'|'.join(STATES)}，--channel 应为 "
                 f"{'|'.join(CHANNELS)} / --state must be {'|'.join(STATES)}, --channel "
                 f"{'|'.join(CHANNELS)}")
        raise typer.Exit(2)
    from surveys.clock import beijing_today
    from surveys.letters import letters_pdf
    from surveys.mailer import parse_smtp_url
    from surveys.wave_preview import listed_clients, wave_letters
    from surveys.waves import create_wave, owed_answers

    chosen = read(lambda c, s: owed_answers(session=s, actor=ACTOR, provider_id=provider,
                                            year=year, selection=state))
    clients = [{"client_id": c.client_id, "client": c.client, "state": c.state,
                "email": c.email or "", "phone": c.phone} for c in chosen]
    if dry_run:
        lines = [f"{len(chosen)} 个用户单位将被提醒 / clients would be reached "
                 "（试运行，未发起提醒 / dry run: no wave started）"]
        lines += [f"  {c['client_id']}\t{c['client']}\t{c['state']}\t{c['email'] or '-'}"
                  for c in clients]
        emit({"dry_run": True, "state": state, "channel": channel, "clients": clients},
             as_json, "\n".join(lines))
        return
    ctx = context()
    if channel == "email":
        parse_smtp_url(ctx.settings.smtp_url, ctx.settings.smtp_from)  # e-mail off: say so first
    wave = write(lambda c, s: create_wave(session=s, actor=ACTOR, provider_id=provider,
                                          year=year, selection=state, channel=channel))
    result: dict[str, Any] = {"wave_id": wave.id, "kind": wave.kind, "state": state,
                              "channel": channel, "recipients": wave.recipients}
    if channel == "email":
        result["pass"] = _send_now(wave.id)
        result.update(_sent_summary(wave.id))
        lines = [f"提醒轮次 / wave {wave.id}: {wave.recipients} 个用户单位 / clients"]
        lines += [f"  {r['client']}\t{r['address'] or '-'}\t{r['status']}\t{r['error']}"
                  for r in result["clients"]]
    else:
        base = public_base()
        listed = read(lambda c, s: listed_clients(session=s, actor=ACTOR, secret=c.link_secret,
                                                  base_url=base, wave_id=int(wave.id or 0)))
        result["clients"] = [row.__dict__ for row in listed]
        lines = [f"提醒轮次 / wave {wave.id}: {wave.recipients} 个用户单位 / clients (print)"]
        lines += [f"  {r.client}\t{r.manager}\t{r.phone}\t{r.url}" for r in listed]
        if out is not None:
            letters = read(lambda c, s: wave_letters(session=s, actor=ACTOR, secret=c.link_secret,
                                                     base_url=base, wave_id=int(wave.id or 0)))
            write_output(out, letters_pdf(letters, today=beijing_today()))
            result["letters"] = {"out": str(out), "pages": len(letters)}
            lines.append(f"{len(letters)} 封信函已写入 / letters written to {out}")
    emit(result, as_json, "\n".join(lines))


def send(wave: int | None = typer.Option(None, "--wave", help="Only this wave (default: every "
                                         "message that is due)."),
         as_json: bool = JsonOption) -> None:
    """Send the queued e-mail that is due now (retries included) and print what happened."""
    result: dict[str, Any] = {"pass": _send_now(wave)}
    result.update(_sent_summary(wave))
    done = result["pass"]
    emit(result, as_json, f"已发送 / sent {done['sent']}, 失败 / failed {done['failed']}, "
         f"待重试 / to retry {done['retrying']}, 已跳过 / skipped {done['skipped']}")


def register(app: typer.Typer) -> None:
    """Add the remind and send commands to the app."""
    app.command("remind")(remind)
    app.command("send")(send)
