"""Client units (用户单位) and their contract years."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlmodel import Session, col, select

from surveys.access import Actor, require_read, require_write
from surveys.audit import record_change, snapshot
from surveys.emails import check_email
from surveys.errors import FieldError, NotFound, ValidationFailed
from surveys.models import Client, ContractYear
from surveys.providers import check_header, get_provider

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_AMOUNT = Decimal("999999999999.99")


def check_year(value: Any, *, row: int | None = None, field: str = "year") -> int:
    """Return a year between 2000 and 2100, or raise ValidationFailed."""
    try:
        year = int(str(value).strip().removesuffix(".0"))
    except ValueError:
        year = -1
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed([FieldError(field, f"年份无效（收到 {value!r}）",
                                           f"invalid year (got {value!r})", row=row)])
    return year


def check_amount(value: Any, *, row: int | None = None, field: str = "amount") -> Decimal:
    """Return a non-negative amount in CNY with at most two decimals, or raise ValidationFailed."""
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        amount = Decimal("NaN")
    if (not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT
            or amount != amount.quantize(Decimal("0.01"))):
        raise ValidationFailed([FieldError(field, f"合同金额无效（收到 {value!r}）",
                                           f"invalid contract amount (got {value!r})", row=row)])
    return amount.quantize(Decimal("0.01"))


def check_client_fields(header: dict[str, str], email: Any, *, row: int | None = None
                        ) -> tuple[dict[str, str], str | None]:
    """Return the cleaned header fields and e-mail (None when empty), naming every bad field."""
    errors: list[FieldError] = []
    fields: dict[str, str] = {}
    address: str | None = None
    try:
        fields = check_header(header, row=row)
    except ValidationFailed as exc:
        errors += exc.errors
    try:
        address = check_email(email, row=row)
    except ValidationFailed as exc:
        errors += exc.errors
    if errors:
        raise ValidationFailed(errors)
    return fields, address


def create_client(
    *, session: Session, actor: Actor, provider_id: int, name: str, department: str = "",
    manager: str = "", phone: str = "", key_unit: bool = False, email: str | None = None,
) -> Client:
    """Return a new client unit of the provider; names are unique per provider."""
    require_write(actor, provider_id)
    get_provider(session=session, actor=actor, provider_id=provider_id)
    fields, address = check_client_fields({"name": name, "department": department,
                                           "manager": manager, "phone": phone}, email)
    if find_client_by_name(session=session, actor=actor, provider_id=provider_id,
                           name=fields["name"]):
        raise ValidationFailed([FieldError("name", f"用户单位「{fields['name']}」已存在",
                                           f"client '{fields['name']}' already exists")])
    client = Client(provider_id=provider_id, key_unit=key_unit, name=fields["name"],
                    department=fields["department"], manager=fields["manager"],
                    phone=fields["phone"], email=address)
    session.add(client)
    session.flush()
    record_change(session, actor, "client_create", "client", client.id, provider_id, None, client)
    return client


def find_client_by_name(
    *, session: Session, actor: Actor, provider_id: int, name: str
) -> Client | None:
    """Return the provider's client of that name, or None."""
    require_read(actor, provider_id)
    return session.exec(
        select(Client).where(Client.provider_id == provider_id, Client.name == name)
    ).first()


def get_client(*, session: Session, actor: Actor, client_id: int) -> Client:
    """Return the client, or raise NotFound (also when the actor may not read it)."""
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound(f"用户单位 {client_id} 不存在 / client {client_id} does not exist")
    require_read(actor, client.provider_id)
    return client


def list_clients(
    *, session: Session, actor: Actor, provider_id: int, include_inactive: bool = True
) -> list[Client]:
    """Return the provider's clients by name."""
    require_read(actor, provider_id)
    query = select(Client).where(Client.provider_id == provider_id)
    if not include_inactive:
        query = query.where(col(Client.active).is_(True))
    return list(session.exec(query.order_by(col(Client.name))).all())


def update_client(
    *, session: Session, actor: Actor, client_id: int, fields: dict[str, Any]
) -> Client:
    """Return the client with header fields, e-mail, key-unit flag or active flag changed.

    An empty e-mail removes the address; a client edit without the key keeps it.
    """
    client = get_client(session=session, actor=actor, client_id=client_id)
    require_write(actor, client.provider_id)
    header = {key: getattr(client, key) for key in ("name", "department", "manager", "phone")}
    header.update({k: v for k, v in fields.items() if k in header})
    header_fields, address = check_client_fields(header, fields.get("email", client.email))
    cleaned: dict[str, str | None] = {**header_fields, "email": address}
    before = snapshot(client)
    if header_fields["name"] != client.name:
        other = find_client_by_name(session=session, actor=actor,
                                    provider_id=client.provider_id, name=header_fields["name"])
        if other is not None:
            raise ValidationFailed([FieldError("name", f"用户单位「{cleaned['name']}」已存在",
                                               f"client '{cleaned['name']}' already exists")])
    for key, value in cleaned.items():
        setattr(client, key, value)
    for flag in ("key_unit", "active"):
        if flag in fields:
            setattr(client, flag, bool(fields[flag]))
    session.add(client)
    session.flush()
    if snapshot(client) != before:
        record_change(session, actor, "client_update", "client", client.id, client.provider_id,
                      before, client)
    return client


def set_contract(
    *, session: Session, actor: Actor, client_id: int, year: Any, amount: Any
) -> ContractYear:
    """Return the client's contract for the year, created or with its amount replaced."""
    client = get_client(session=session, actor=actor, client_id=client_id)
    require_write(actor, client.provider_id)
    year_value, amount_value = check_year(year), check_amount(amount)
    contract = session.exec(
        select(ContractYear).where(ContractYear.client_id == client_id,
                                   ContractYear.year == year_value)
    ).first()
    before = snapshot(contract)
    if contract is None:
        contract = ContractYear(client_id=client_id, year=year_value, amount=amount_value)
    else:
        contract.amount = amount_value
    session.add(contract)
    session.flush()
    record_change(session, actor, "contract_set", "contract_year", contract.id,
                  client.provider_id, before, contract)
    return contract


def list_contracts(*, session: Session, actor: Actor, provider_id: int) -> list[ContractYear]:
    """Return every contract year of the provider's clients, by client and year."""
    require_read(actor, provider_id)
    query = (
        select(ContractYear)
        .join(Client, col(Client.id) == ContractYear.client_id)
        .where(Client.provider_id == provider_id)
        .order_by(col(ContractYear.client_id), col(ContractYear.year))
    )
    return list(session.exec(query).all())
