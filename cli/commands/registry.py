"""CLI: providers and clients."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.commands.common import ACTOR, JsonOption, emit, read, read_import_file, write, write_output

provider_app = typer.Typer(help="Providers (服务单位).", no_args_is_help=True)
client_app = typer.Typer(help="Client units (用户单位).", no_args_is_help=True)


@provider_app.command("add")
def provider_add(name: str, department: str = "", manager: str = "", phone: str = "",
                 as_json: bool = JsonOption) -> None:
    """Add a provider and print its id."""
    from surveys import providers

    new_id = write(lambda ctx, s: providers.create_provider(
        session=s, actor=ACTOR, name=name, department=department, manager=manager,
        phone=phone).id)
    emit({"id": new_id}, as_json, str(new_id))


@provider_app.command("list")
def provider_list(as_json: bool = JsonOption) -> None:
    """List providers."""
    from surveys import providers

    rows = read(lambda ctx, s: [p.model_dump(exclude={"created_at"})
                                for p in providers.list_providers(session=s, actor=ACTOR)])
    emit(rows, as_json, "\n".join(f"{r['id']}\t{r['name']}\t{r['manager']}\t{r['phone']}"
                                  for r in rows))


@client_app.command("add")
def client_add(name: str, provider: int = typer.Option(..., help="Provider id."),
               department: str = "", manager: str = "", phone: str = "",
               key_unit: bool = typer.Option(False, "--key-unit",
                                             help="A key-protection unit (重点保卫单位)."),
               email: str = typer.Option("", help="E-mail address (电子邮箱), optional."),
               as_json: bool = JsonOption) -> None:
    """Add a client unit to a provider and print its id."""
    from surveys import clients

    new_id = write(lambda ctx, s: clients.create_client(
        session=s, actor=ACTOR, provider_id=provider, name=name, department=department,
        manager=manager, phone=phone, key_unit=key_unit, email=email).id)
    emit({"id": new_id}, as_json, str(new_id))


@client_app.command("list")
def client_list(provider: int = typer.Option(..., help="Provider id."),
                as_json: bool = JsonOption) -> None:
    """List a provider's client units."""
    from surveys import clients

    rows = read(lambda ctx, s: [c.model_dump(exclude={"created_at"}) for c in
                                clients.list_clients(session=s, actor=ACTOR,
                                                     provider_id=provider)])
    emit(rows, as_json, "\n".join(
        f"{r['id']}\t{r['name']}\t{'重点' if r['key_unit'] else ''}\t{r['email'] or ''}"
        for r in rows))


@client_app.command("email")
def client_email(address: str = typer.Argument(..., help="The address; \"\" removes it."),
                 client: int = typer.Option(..., help="Client id."),
                 as_json: bool = JsonOption) -> None:
    """Set or remove a client's e-mail address (电子邮箱)."""
    from surveys import clients

    changed = write(lambda ctx, s: clients.update_client(session=s, actor=ACTOR,
                                                         client_id=client,
                                                         fields={"email": address}))
    emit({"id": changed.id, "email": changed.email}, as_json,
         f"client {changed.id}: {changed.email or '（无邮箱 / no e-mail）'}")


@client_app.command("contract")
def client_contract(client: int = typer.Option(..., help="Client id."),
                    year: int = typer.Option(..., help="Contract year."),
                    amount: str = typer.Option(..., help="Contract amount in CNY."),
                    as_json: bool = JsonOption) -> None:
    """Record that the provider served the client in a year under a contract of an amount."""
    from surveys import clients

    contract = write(lambda ctx, s: clients.set_contract(session=s, actor=ACTOR,
                                                         client_id=client, year=year,
                                                         amount=amount))
    emit({"client_id": contract.client_id, "year": contract.year,
          "amount": str(contract.amount)}, as_json,
         f"client {contract.client_id}, {contract.year}: {contract.amount} CNY")


@client_app.command("import")
def client_import_cmd(file: Path, provider: int = typer.Option(..., help="Provider id."),
                      as_json: bool = JsonOption) -> None:
    """Import clients from .csv or .xlsx (all rows or none)."""
    from surveys import client_import

    data = read_import_file(file)
    summary = write(lambda ctx, s: client_import.import_clients(
        session=s, actor=ACTOR, provider_id=provider, data=data, filename=file.name))
    text = (f"{summary.rows} rows: {summary.created} clients created, {summary.updated} updated, "
            f"{summary.unchanged} unchanged, {summary.contracts} contract years set"
            if summary.changed else f"没有任何更改：{summary.rows} 行与已登记的信息完全相同 / "
            f"nothing changed: all {summary.rows} rows match what is registered")
    emit({"created": summary.created, "updated": summary.updated, "unchanged": summary.unchanged,
          "contracts": summary.contracts, "contracts_unchanged": summary.contracts_unchanged,
          "rows": summary.rows, "changed": summary.changed}, as_json, text)


@client_app.command("template")
def client_template_cmd(out: Path = typer.Argument(..., help="The .xlsx to write."),
                        as_json: bool = JsonOption) -> None:
    """Write the client-list import template (.xlsx, notes and checks on every column)."""
    from surveys.import_templates import client_template_xlsx

    write_output(out, client_template_xlsx())
    emit({"file": str(out)}, as_json, f"导入模板已写入 / import template written: {out}")


def register(app: typer.Typer) -> None:
    """Add the provider and client commands to the app."""
    app.add_typer(provider_app, name="provider")
    app.add_typer(client_app, name="client")
