"""CLI: revoke or reissue one client's link, or reissue every live link of a campaign."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

import typer

from cli.commands.common import ACTOR, JsonOption, complain, emit, public_base, read, write

if TYPE_CHECKING:
    from sqlmodel import Session

    from surveys.context import Context

link_app = typer.Typer(help="One client's form link: revoke or reissue (链接撤销/重新生成).",
                       no_args_is_help=True)

ClientOpt = typer.Option(None, "--client", help="Client id.")
YearOpt = typer.Option(..., "--year", help="Campaign year (YYYY).")
AllOpt = typer.Option(False, "--all", help="Reissue every live link of the campaign.")
YesOpt = typer.Option(False, "--yes", help="Confirm --all: every printed QR code stops working.")
ProviderOpt = typer.Option(None, "--provider", help="Provider id (with --all; default: the "
                           "only provider).")


def _refuse(message: str) -> NoReturn:
    """Print one line to stderr and exit 2: nothing was changed."""
    complain(f"错误 / error: {message}")
    raise typer.Exit(2)


def _only_provider() -> int:
    """Return the id of the installation's only provider, or refuse."""
    from surveys.providers import list_providers

    found = read(lambda c, s: [int(p.id or 0) for p in list_providers(session=s, actor=ACTOR)])
    if len(found) != 1:
        _refuse(f"请用 --provider 指定服务单位 / name the provider with --provider "
                f"({len(found)} providers)")
    return found[0]


@link_app.command("revoke")
def link_revoke(client: int | None = ClientOpt, year: int = YearOpt,
                as_json: bool = JsonOption) -> None:
    """Revoke a client's link: the form no longer opens with it (reissue to replace it)."""
    from surveys import invitations

    if client is None:
        _refuse("撤销链接须用 --client 指定一个用户单位 / revoke takes one --client ID")

    chosen = client

    def work(ctx: Context, s: Session) -> str:
        invitation, found = invitations.client_invitation(session=s, actor=ACTOR,
                                                           client_id=chosen, year=year)
        invitations.revoke_invitation(session=s, actor=ACTOR, invitation_id=int(invitation.id or 0))
        return found.name

    name = write(work)
    emit({"client_id": client, "client": name, "year": year, "revoked": True}, as_json,
         f"已撤销 / revoked: {name} (client {client}) {year} 的链接；旧链接不能再打开表单 / "
         "the old link no longer opens the form")


@link_app.command("reissue")
def link_reissue(client: int | None = ClientOpt, year: int = YearOpt, every: bool = AllOpt,
                 yes: bool = YesOpt, provider: int | None = ProviderOpt,
                 as_json: bool = JsonOption) -> None:
    """Give a client a new link (the old one stops working); --all --yes: the whole campaign."""
    from surveys import invitations
    from surveys.links import invitation_url

    if every:
        if client is not None:
            _refuse("--all 与 --client 不能同时使用 / use either --client or --all")
        if not yes:
            _refuse("--all 会使本次回访已打印的全部二维码失效；确认请加 --yes / --all voids every "
                    "printed QR code of the campaign; add --yes to confirm")
        pid = provider if provider is not None else _only_provider()
        done, kept = write(lambda ctx, s: invitations.reissue_campaign_links(
            session=s, actor=ACTOR, secret=ctx.link_secret, provider_id=pid, year=year))
        emit({"provider_id": pid, "year": year, "reissued": done, "revoked_kept": kept}, as_json,
             f"已重新生成 / reissued {done} 个链接 / links ({year}, provider {pid}); "
             f"{kept} 个已撤销的保持撤销 / revoked kept; 请重新打印二维码 / print the QR "
             "codes again (star-survey qr)")
        return
    if client is None:
        _refuse("请用 --client 指定用户单位，或用 --all --yes / name --client ID, or --all --yes")

    chosen = client

    def work(ctx: Context, s: Session) -> tuple[str, str]:
        invitation, found = invitations.client_invitation(session=s, actor=ACTOR,
                                                           client_id=chosen, year=year)
        token = invitations.reissue_invitation(session=s, actor=ACTOR, secret=ctx.link_secret,
                                               invitation_id=int(invitation.id or 0))
        return found.name, token

    name, token = write(work)
    url = invitation_url(public_base(), token)
    emit({"client_id": client, "client": name, "year": year, "url": url}, as_json,
         f"已重新生成 / reissued: {name} (client {client}) {year}: {url} "
         "（旧链接已失效 / the old link no longer works）")


def register(app: typer.Typer) -> None:
    """Add the link command group to the app."""
    app.add_typer(link_app, name="link")
