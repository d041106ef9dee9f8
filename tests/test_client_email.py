"""A client's optional e-mail address: stored, validated at every entry (domain, import, CLI,
page), never lost by an import that leaves it blank."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from surveys import clients
from surveys.access import SYSTEM
from surveys.client_import import import_clients
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.errors import ValidationFailed
from surveys.models import AuditEntry, Client
from tests.factories import make_client, make_provider

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def stored(ctx: Context) -> dict[str, str | None]:
    """Return {client name: e-mail} of every client."""
    with read_session(ctx.engine) as s:
        return {c.name: c.email for c in s.exec(select(Client)).all()}


def audit_count(ctx: Context) -> int:
    """Return the number of audit entries."""
    with read_session(ctx.engine) as s:
        return len(s.exec(select(AuditEntry)).all())


def run_import(ctx: Context, pid: int, data: bytes, name: str = "c.csv") -> Any:
    """Return the summary of a client import."""
    return run_write(ctx.engine, lambda s: import_clients(
        session=s, actor=SYSTEM, provider_id=pid, data=data, filename=name))


def test_create_and_update_store_the_address_as_typed(ctx: Context) -> None:
    pid = make_provider(ctx)
    cid = run_write(ctx.engine, lambda s: clients.create_client(
        session=s, actor=SYSTEM, provider_id=pid, name="甲", email=" Li.Si@163.com ").id)
    assert stored(ctx) == {"甲": "Li.Si@163.com"}
    run_write(ctx.engine, lambda s: clients.update_client(
        session=s, actor=SYSTEM, client_id=cid, fields={"email": "wang@qq.com"}))
    assert stored(ctx) == {"甲": "wang@qq.com"}
    run_write(ctx.engine, lambda s: clients.update_client(
        session=s, actor=SYSTEM, client_id=cid, fields={"phone": "13912345678"}))
    assert stored(ctx) == {"甲": "wang@qq.com"}  # an edit without the field keeps it
    run_write(ctx.engine, lambda s: clients.update_client(
        session=s, actor=SYSTEM, client_id=cid, fields={"email": ""}))
    assert stored(ctx) == {"甲": None}
    make_client(ctx, pid, "乙")
    assert stored(ctx)["乙"] is None


def test_a_bad_address_is_refused_and_changes_nothing(ctx: Context) -> None:
    pid = make_provider(ctx)
    cid = make_client(ctx, pid, "甲")
    before = (stored(ctx), audit_count(ctx))
    for call in (lambda s: clients.create_client(session=s, actor=SYSTEM, provider_id=pid,
                                                 name="乙", email="yi@163"),
                 lambda s: clients.update_client(session=s, actor=SYSTEM, client_id=cid,
                                                 fields={"email": "jia at qq.com"})):
        with pytest.raises(ValidationFailed) as caught:
            run_write(ctx.engine, call)
        assert [e.field for e in caught.value.errors] == ["email"]
    assert (stored(ctx), audit_count(ctx)) == before


@SQLITE_ONLY
@pytest.mark.parametrize("header", ["email", "电子邮箱", "E-mail", "邮箱"])
def test_import_reads_the_address_under_chinese_or_english_headers(ctx: Context,
                                                                   header: str) -> None:
    pid = make_provider(ctx)
    body = f"用户单位名称,用户主管部门名称,主管负责人,联系电话,重点保卫单位,{header}\n" \
           "甲单位,保卫处,李,13812345678,是,li@163.com\n乙单位,后勤,王,,否,\n"
    assert run_import(ctx, pid, body.encode()).created == 2
    assert stored(ctx) == {"甲单位": "li@163.com", "乙单位": None}


@SQLITE_ONLY
def test_import_names_the_row_and_column_of_a_bad_address(ctx: Context) -> None:
    pid = make_provider(ctx)
    body = "name,department,manager,phone,key_unit,email\n甲,,,,否,jia@qq.com\n乙,,,,否,yi@qq\n"
    with pytest.raises(ValidationFailed) as caught:
        run_import(ctx, pid, body.encode())
    assert [(e.row, e.field) for e in caught.value.errors] == [(3, "email")]
    assert stored(ctx) == {}


@SQLITE_ONLY
def test_import_keeps_a_stored_address_when_the_file_has_none(ctx: Context) -> None:
    pid = make_provider(ctx)
    first = "name,department,manager,phone,key_unit,email\n甲,保卫处,李,,否,jia@qq.com\n"
    run_import(ctx, pid, first.encode())
    audits = audit_count(ctx)
    for body in ("name,department,manager,phone,key_unit\n甲,保卫处,李,,否\n",
                 "name,department,manager,phone,key_unit,email\n甲,保卫处,李,,否,\n",
                 first):
        summary = run_import(ctx, pid, body.encode())
        assert not summary.changed and summary.unchanged == 1
    assert stored(ctx) == {"甲": "jia@qq.com"} and audit_count(ctx) == audits
    changed = run_import(ctx, pid, first.replace("jia@qq.com", "jia@163.com").encode())
    assert changed.updated == 1 and stored(ctx) == {"甲": "jia@163.com"}


@SQLITE_ONLY
def test_two_rows_of_one_client_with_different_addresses_are_refused(ctx: Context) -> None:
    pid = make_provider(ctx)
    body = ("name,department,manager,phone,key_unit,email,contract_year,contract_amount\n"
            "甲,,,,否,a@qq.com,2025,1\n甲,,,,否,,2026,2\n甲,,,,否,b@qq.com,2024,3\n")
    with pytest.raises(ValidationFailed) as caught:
        run_import(ctx, pid, body.encode())
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, "email"), (3, "email"),
                                                               (4, "email")]
    run_import(ctx, pid, body.replace("b@qq.com", "a@qq.com").encode())
    assert stored(ctx) == {"甲": "a@qq.com"}


@SQLITE_ONLY
def test_the_template_has_the_email_column_and_imports(ctx: Context) -> None:
    from surveys.import_templates import client_template_xlsx

    pid = make_provider(ctx)
    book = load_workbook(io.BytesIO(client_template_xlsx()))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert "电子邮箱" in header
    row = {"用户单位名称": "丙单位", "重点保卫单位": "否", "电子邮箱": "bing@163.com"}
    sheet.append([row.get(str(h)) for h in header])
    out = io.BytesIO()
    book.save(out)
    run_import(ctx, pid, out.getvalue(), "c.xlsx")
    assert stored(ctx) == {"丙单位": "bing@163.com"}



@SQLITE_ONLY
def test_cli_client_commands_take_and_show_the_address(ctx: Context, cli: Any) -> None:
    pid = make_provider(ctx)
    code, out, err = cli("client", "add", "甲", "--provider", str(pid), "--email", "jia@qq.com",
                         "--json")
    assert code == 0, err
    cid = json.loads(out)["id"]
    code, out, _ = cli("client", "list", "--provider", str(pid), "--json")
    assert json.loads(out)[0]["email"] == "jia@qq.com"
    assert "jia@qq.com" in cli("client", "list", "--provider", str(pid))[1]
    assert cli("client", "email", "--client", str(cid), "jia@163.com")[0] == 0
    assert stored(ctx) == {"甲": "jia@163.com"}
    code, out, err = cli("client", "email", "--client", str(cid), "jia@163")
    assert code != 0 and "电子邮箱" in err
    assert stored(ctx) == {"甲": "jia@163.com"}
    code, _, err = cli("client", "add", "乙", "--provider", str(pid), "--email", "yi@")
    assert code != 0 and "电子邮箱" in err and set(stored(ctx)) == {"甲"}
    assert cli("client", "email", "--client", str(cid), "")[0] == 0
    assert stored(ctx) == {"甲": None}


@SQLITE_ONLY
def test_clients_page_adds_and_edits_the_address(ctx: Context,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from tests.workspace_support import point_app_at, signed_in, submit_form

    point_app_at(monkeypatch, ctx)
    pid = make_provider(ctx)
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "survey_app.py"),
                           default_timeout=60)
    signed_in(at, ctx, "staff-a", "staff", pid).run()
    at.switch_page("pages/clients.py")
    at.run()
    at.text_input(key="ws_client_new_name").input("海淀区图书馆")
    at.text_input(key="ws_client_new_email").input("hd@163")
    submit_form(at, "ws_client_add")
    at.run()
    assert not at.exception
    problems = at.dataframe[-1].value
    assert list(problems.iloc[:, 1]) == ["email"] and "电子邮箱" in problems.iloc[0, 2]
    assert at.error and stored(ctx) == {}
    at.text_input(key="ws_client_new_name").input("海淀区图书馆")
    at.text_input(key="ws_client_new_email").input("hd@163.com")
    submit_form(at, "ws_client_add")
    at.run()
    assert not at.exception and stored(ctx) == {"海淀区图书馆": "hd@163.com"}
    cid = next(iter(_ids(ctx)))
    assert at.text_input(key=f"ws_client_{cid}_email").value == "hd@163.com"
    at.text_input(key=f"ws_client_{cid}_email").input("")
    submit_form(at, f"ws_client_edit_{cid}")
    at.run()
    assert not at.exception and stored(ctx) == {"海淀区图书馆": None}


def _ids(ctx: Context) -> list[int]:
    """Return every client id."""
    with read_session(ctx.engine) as s:
        return [int(c.id or 0) for c in s.exec(select(Client)).all()]
