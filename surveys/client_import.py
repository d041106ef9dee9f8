"""Importing a client list (CSV/XLSX): all rows or none, every bad row and column named.

Two rows for one client must agree on its details, and one client's contract year may appear
in one row only: a conflict is refused naming every row involved, never resolved by the last
row. Importing a file whose every row matches what is stored changes nothing and says so.
An e-mail cell left blank (or no e-mail column) keeps the address stored; rows of one client
must not give two different addresses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

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
from surveys.emails import check_email
from surveys.errors import FieldError, ValidationFailed
from surveys.models import ContractYear
from surveys.providers import check_header, get_provider
from surveys.tabular import Column, cell_text, read_table

COLUMNS = (
    Column("name", "用户单位名称", "Client unit", True, ("用户单位", "单位名称", "client"),
           "必填；同一服务单位内名称唯一", "Required; unique within the provider"),
    Column("department", "用户主管部门名称", "Client's responsible department", True,
           ("主管部门名称", "主管部门", "responsible department")),
    Column("manager", "主管负责人", "Person in charge", True, ("负责人", "person in charge")),
    Column("phone", "联系电话", "Phone", True, ("电话", "phone number"),
           "手机号或带区号的固定电话，如 138 1234 5678、010-8512 3456 转 8021",
           "Mobile or landline with area code, e.g. 138 1234 5678, 010-8512 3456 ext. 8021"),
    Column("key_unit", "重点保卫单位", "Key-protection unit", True,
           ("重点单位", "是否重点单位", "是否重点保卫单位", "key unit"),
           "是 或 否", "yes or no"),
    Column("contract_year", "合同年度", "Contract year", False, ("合同年份", "年度", "year"),
           "可选；与合同金额一起填写，如 2026", "Optional; with the amount, e.g. 2026"),
    Column("contract_amount", "合同金额（元）", "Contract amount (CNY)", False,
           ("合同金额", "金额", "amount"), "可选；人民币元，最多两位小数",
           "Optional; CNY, at most two decimals"),
    Column("email", "电子邮箱", "E-mail", False,
           ("邮箱", "电子邮件", "邮箱地址", "e-mail address", "email address", "mail"),
           "可选；一个邮箱地址，如 zhangsan@163.com；留空则保留已登记的邮箱",
           "Optional; one address, e.g. zhangsan@163.com; blank keeps the address registered"),
)
LABELS = {column.key: column for column in COLUMNS}
REQUIRED = tuple(c.key for c in COLUMNS if c.required)
OPTIONAL = tuple(c.key for c in COLUMNS if not c.required)
HEADER_FIELDS = ("name", "department", "manager", "phone")
TRUE_WORDS = {"1", "true", "yes", "y", "是", "√", "x"}
FALSE_WORDS = {"", "0", "false", "no", "n", "否"}


@dataclass
class ClientRow:
    """One checked row of a client list."""

    row: int
    header: dict[str, str]
    key_unit: bool
    contract: tuple[int, Decimal] | None
    email: str | None = None


@dataclass
class ImportSummary:
    """What an import did (nothing at all when every row matched what is stored)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    contracts: int = 0
    contracts_unchanged: int = 0
    rows: int = 0
    names: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Return True when the import stored anything."""
        return bool(self.created or self.updated or self.contracts)


def parse_flag(value: Any, *, row: int, column: str) -> bool:
    """Return a yes/no cell as bool, or raise ValidationFailed."""
    text = cell_text(value).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValidationFailed([FieldError(column, f"「重点保卫单位」应为 是/否（收到 {text!r}）",
                                       f"'Key-protection unit' must be yes or no (got {text!r})",
                                       row=row)])


def _check_row(number: int, cells: dict[str, Any]) -> tuple[ClientRow | None, list[FieldError]]:
    """Return one row checked on its own, and its problems."""
    problems: list[FieldError] = []
    header: dict[str, str] | None = None
    flag, contract, email = False, None, None
    try:
        header = check_header({k: cell_text(cells.get(k)) for k in HEADER_FIELDS}, row=number)
    except ValidationFailed as exc:
        problems += exc.errors
    try:
        email = check_email(cell_text(cells.get("email")), row=number)
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
    if problems or header is None:
        return None, problems
    return ClientRow(number, header, flag, contract, email), []


def _rows_text(rows: list[int]) -> tuple[str, str]:
    """Return row numbers for a message in Chinese and English."""
    return "、".join(str(r) for r in rows), ", ".join(str(r) for r in rows)


def _conflicts(checked: list[ClientRow]) -> list[FieldError]:
    """Return an error on every row of a client whose rows disagree or repeat a contract year."""
    errors: list[FieldError] = []
    groups: dict[str, list[ClientRow]] = {}
    for item in checked:
        groups.setdefault(item.header["name"], []).append(item)
    for name, items in groups.items():
        first = items[0]
        differing = sorted({key for item in items[1:] for key in HEADER_FIELDS
                            if item.header[key] != first.header[key]}
                           | ({"key_unit"} if any(i.key_unit != first.key_unit for i in items)
                              else set())
                           | ({"email"} if len({i.email for i in items} - {None}) > 1
                              else set()))
        if differing:
            zh, en = _rows_text([i.row for i in items])
            what_zh = "、".join(LABELS[k].zh for k in differing)
            what_en = ", ".join(LABELS[k].en for k in differing)
            for item in items:
                errors.append(FieldError(
                    differing[0], f"「{name}」出现在第 {zh} 行，但各行的{what_zh}不一致；"
                    "请改为一致的内容", f"'{name}' appears in rows {en} with a different "
                    f"{what_en}; make the rows agree", row=item.row))
        years: dict[int, list[ClientRow]] = {}
        for item in items:
            if item.contract:
                years.setdefault(item.contract[0], []).append(item)
        for year, same in years.items():
            if len(same) > 1:
                zh, en = _rows_text([i.row for i in same])
                for item in same:
                    errors.append(FieldError(
                        "contract_year", f"「{name}」的 {year} 年合同出现在第 {zh} 行；每个年度只能有一行",
                        f"the {year} contract of '{name}' appears in rows {en}; one row per "
                        "year", row=item.row))
    return errors


def check_client_rows(rows: list[tuple[int, dict[str, Any]]]) -> list[ClientRow]:
    """Return the checked rows, or raise ValidationFailed with every bad row and column."""
    checked: list[ClientRow] = []
    errors: list[FieldError] = []
    for number, cells in rows:
        item, problems = _check_row(number, cells)
        errors += problems
        if item is not None:
            checked.append(item)
    errors += _conflicts(checked)
    if errors:
        raise ValidationFailed(sorted(errors, key=lambda e: e.row or 0))
    return checked


def _store_contract(session: Session, actor: Actor, client_id: int, contract: tuple[int, Decimal],
                    summary: ImportSummary) -> None:
    """Set a contract year unless it is stored with the same amount already."""
    year, amount = contract
    stored = session.exec(select(ContractYear).where(ContractYear.client_id == client_id,
                                                     ContractYear.year == year)).first()
    if stored is not None and Decimal(stored.amount) == amount:
        summary.contracts_unchanged += 1
        return
    set_contract(session=session, actor=actor, client_id=client_id, year=year, amount=amount)
    summary.contracts += 1


def import_clients(
    *, session: Session, actor: Actor, provider_id: int, data: bytes, filename: str
) -> ImportSummary:
    """Return the summary after importing a client list; on any bad row nothing is stored."""
    require_write(actor, provider_id)
    get_provider(session=session, actor=actor, provider_id=provider_id)
    rows = check_client_rows(read_table(data, filename, columns=COLUMNS))
    summary = ImportSummary(rows=len(rows))
    done: set[str] = set()
    emails = {item.header["name"]: item.email for item in rows if item.email is not None}
    for item in rows:
        name = item.header["name"]
        email = emails.get(name)
        client = find_client_by_name(session=session, actor=actor, provider_id=provider_id,
                                     name=name)
        if client is None:
            client = create_client(session=session, actor=actor, provider_id=provider_id,
                                   key_unit=item.key_unit, email=email, **item.header)
            summary.created += 1
            summary.names.append(client.name)
        elif name not in done:
            stored = {key: getattr(client, key) for key in HEADER_FIELDS}
            new_email = email is not None and email != client.email
            if stored != item.header or client.key_unit != item.key_unit or new_email:
                update_client(session=session, actor=actor, client_id=int(client.id or 0),
                              fields={**item.header, "key_unit": item.key_unit,
                                      **({"email": email} if email is not None else {})})
                summary.updated += 1
                summary.names.append(client.name)
            else:
                summary.unchanged += 1
        done.add(name)
        if item.contract:
            _store_contract(session, actor, int(client.id or 0), item.contract, summary)
    if summary.changed:
        record_change(session, actor, "client_import", "client", filename, provider_id, None,
                      {"file": filename, "rows": summary.rows, "created": summary.created,
                       "updated": summary.updated, "contracts": summary.contracts})
    return summary
