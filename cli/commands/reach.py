"""CLI: what reaches every client: messages to send or paste, invitation letters (issue 14)."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.commands.common import ACTOR, JsonOption, complain, emit, public_base, read, write_output

MESSAGE_SUFFIXES = (".csv", ".xlsx", ".txt")
BaseUrlOption = typer.Option(None, "--base-url", help="Public base URL (default: "
                             "STAR_SURVEY_PUBLIC_URL, else the served port).")


def _base_url(option: str | None) -> str:
    """Return the public base URL, warning when phones could not open it."""
    return public_base(option)


def messages(provider: int = typer.Option(..., "--provider", help="Provider id."),
             year: int = typer.Option(..., "--year", help="Campaign year (YYYY)."),
             out: Path = typer.Option(..., "--out", help="messages.csv / .xlsx (bulk-SMS "
                                      "layout 姓名,手机号码,短信内容) or .txt (every text)."),
             reminder: bool = typer.Option(False, "--reminder", help="Reminder text; clients "
                                           "who have answered are left out."),
             base_url: str | None = BaseUrlOption, as_json: bool = JsonOption) -> None:
    """Write each invited client's short message (link, deadline, contact) to send or paste."""
    suffix = out.suffix.lower()
    if suffix not in MESSAGE_SUFFIXES:
        complain(f"错误 / error: --out 应为 .csv、.xlsx 或 .txt 文件 / must end in .csv, .xlsx "
                 f"or .txt (got {out.name})")
        raise typer.Exit(2)
    from surveys.messages import campaign_messages, export_messages, sms_rows

    base = _base_url(base_url)
    found = read(lambda c, s: campaign_messages(session=s, actor=ACTOR, secret=c.link_secret,
                                                provider_id=provider, year=year, base_url=base,
                                                reminder=reminder))
    write_output(out, export_messages(found, suffix))
    rows, left_out = sms_rows(found)
    written = len(found) if suffix == ".txt" else len(rows)
    lines = [f"{written} 条消息已写入 / messages written to {out}"]
    if left_out and suffix != ".txt":
        lines.append(f"{len(left_out)} 个用户单位没有手机号，未列入短信文件（请用微信、信函或邮件）/ "
                     "without a mobile number, not in the SMS file:")
        lines += [f"  {m.client_id}\t{m.client}\t{m.phone}" for m in left_out]
    emit({"out": str(out), "rows": written, "messages": len(found),
          "without_mobile": [{"client_id": m.client_id, "client": m.client, "phone": m.phone}
                             for m in left_out]}, as_json, "\n".join(lines))


def letters(provider: int = typer.Option(..., "--provider", help="Provider id."),
            year: int = typer.Option(..., "--year", help="Campaign year (YYYY)."),
            out: Path = typer.Option(..., "--out", help="The PDF to write (letters.pdf)."),
            base_url: str | None = BaseUrlOption, as_json: bool = JsonOption) -> None:
    """Write one A4 invitation letter per invited client (QR code, link, deadline, contact)."""
    from surveys.clock import beijing_today
    from surveys.letters import campaign_letters, letters_pdf

    base = _base_url(base_url)
    found = read(lambda c, s: campaign_letters(session=s, actor=ACTOR, secret=c.link_secret,
                                               provider_id=provider, year=year, base_url=base))
    write_output(out, letters_pdf(found, today=beijing_today()))
    emit({"out": str(out), "letters": len(found)}, as_json,
         f"{len(found)} 封邀请函已写入 / letters written to {out}")


def register(app: typer.Typer) -> None:
    """Add the messages and letters commands to the app."""
    app.command("messages")(messages)
    app.command("letters")(letters)
