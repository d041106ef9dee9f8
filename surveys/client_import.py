"""Importing a client list (CSV/XLSX): all rows or none, every bad row and column named."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from surveys.access import Actor, require_write
from surveys.audit import record_change
from surveys.clients import (
    check_amount,
    check_year,
    create_client,
    find_client_by_name,
    set_contract,
    update_client,
)
from surveys.errors import FieldError, ValidationFailed
from surveys.providers import check_header, get_provider
from surveys.tabular import cell_text, read_table

REQUIRED = ("name", "department", "manager", "phone", "key_unit")
OPTIONAL = ("contract_year", "contract_amount")
TRUE_WORDS = {"1", "true", "yes", "y", "是", "√", "x"}
FALSE_WORDS = {"", "0", "false", "no", "n", "否"}


@dataclass
class ClientRow:
    """One checked row of a client list."""

    row: int
    header: dict[str, str]
    key_unit: bool
    contract: tuple[int, Decimal] | None


@dataclass
class ImportSummary:
    """What an import did."""

    created: int = 0
    updated: int = 0
    contracts: int = 0
    rows: int = 0
    names: list[str] = field(default_factory=list)


def parse_flag(value: Any, *, row: int, column: str) -> bool:
    """Return a yes/no cell as bool, or raise ValidationFailed."""
    text = cell_text(value).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValidationFailed([FieldError(column, f"应为 是/否（收到 {value!r}）",
                                       f"must be yes or no (got {value!r})", row=row)])


def check_client_rows(rows: list[tuple[int, dict[str, Any]]]) -> list[ClientRow]:
    """Return the checked rows, or raise ValidationFailed with every bad row and column."""
    checked, errors = [], []
    seen: dict[str, ClientRow] = {}
    for number, cells in rows:
        problems: list[FieldError] = []
        header = {k: cell_text(cells.get(k)) for k in ("name", "department", "manager", "phone")}
        flag, contract = False, None
        try:
            check_header(header, row=number)
        except ValidationFailed as exc:
            problems += exc.errors
        try:
            flag = parse_flag(cells.get("key_unit"), row=number, column="key_unit")
        except ValidationFailed as exc:
            problems += exc.errors
        year_text = cell_text(cells.get("contract_year"))
        amount_text = cell_text(cells.get("contract_amount"))
        if year_text or amount_text:
            try:
                year = check_year(year_text, row=number, field="contract_year")
                contract = (year, check_amount(amount_text, row=number, field="contract_amount"))
            except ValidationFailed as exc:
                problems += exc.errors
        if not problems:
            item = ClientRow(number, check_header(header, row=number), flag, contract)
            earlier = seen.get(item.header["name"])
            if earlier and (earlier.header != item.header or earlier.key_unit != flag):
                problems.append(FieldError("name", f"与第 {earlier.row} 行同名但信息不同",
                                           f"same name as row {earlier.row} with other details",
                                           row=number))
            seen.setdefault(item.header["name"], item)
            checked.append(item)
        errors += problems
    if errors:
        raise ValidationFailed(errors)
    return checked


def import_clients(
    *, session: Session, actor: Actor, provider_id: int, data: bytes, filename: str
) -> ImportSummary:
    """Return the summary after importing a client list; on any bad row nothing is stored."""
    require_write(actor, provider_id)
    get_provider(session=session, actor=actor, provider_id=provider_id)
    rows = check_client_rows(read_table(data, filename, required=REQUIRED, optional=OPTIONAL))
    summary = ImportSummary(rows=len(rows))
    for item in rows:
        client = find_client_by_name(session=session, actor=actor, provider_id=provider_id,
                                     name=item.header["name"])
        if client is None:
            client = create_client(session=session, actor=actor, provider_id=provider_id,
                                   key_unit=item.key_unit, **item.header)
            summary.created += 1
            summary.names.append(client.name)
        elif item.header["name"] not in summary.names:
            update_client(session=session, actor=actor, client_id=int(client.id or 0),
                          fields={**item.header, "key_unit": item.key_unit})
            summary.updated += 1
            summary.names.append(client.name)
        if item.contract:
            set_contract(session=session, actor=actor, client_id=int(client.id or 0),
                         year=item.contract[0], amount=item.contract[1])
            summary.contracts += 1
    record_change(session, actor, "client_import", "client", filename, provider_id, None,
                  {"file": filename, "rows": summary.rows, "created": summary.created,
                   "updated": summary.updated, "contracts": summary.contracts})
    return summary
