"""What an import must never do silently: keep the last of two rows, accept a wrong phone, blame
the wrong row, store the same form twice, skip the scan, or misread Chinese headers."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import func, select

from surveys import clients, providers
from surveys.access import SYSTEM
from surveys.client_import import import_clients
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.errors import ValidationFailed
from surveys.form_a1 import ITEMS
from surveys.models import AuditEntry, Client, ContractYear, Response
from surveys.paper_entry import enter_paper_form
from surveys.response_import import import_paper_forms
from tests.factories import FULL_MARKS, TODAY, make_client, make_provider, open_campaign
from tests.scans import pdf_scan, png_scan

HEADER = "name,department,manager,phone,key_unit,contract_year,contract_amount\n"
GOOD = "甲单位,保卫处,李,13812345678,是,2026,15000\n"
# Checks of shapes and messages do not depend on the back-end: these run on SQLite only.
SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def run_import(ctx: Context, pid: int, text: str, name: str = "c.csv") -> Any:
    """Return the summary of a client import of the text."""
    return run_write(ctx.engine, lambda s: import_clients(
        session=s, actor=SYSTEM, provider_id=pid, data=text.encode("utf-8"), filename=name))


def table_state(ctx: Context) -> tuple[Any, ...]:
    """Return every client, contract, response and audit entry count (what an import changes)."""
    with read_session(ctx.engine) as s:
        people = sorted((c.name, c.department, c.manager, c.phone, c.key_unit)
                        for c in s.exec(select(Client)).all())
        deals = sorted((d.client_id, d.year, str(d.amount)) for d in s.exec(select(ContractYear)))
        counts = tuple(s.exec(select(func.count()).select_from(t)).one()
                       for t in (Response, AuditEntry))
    return people, deals, counts


# --- issue 12 item 1: no last-row-wins ---------------------------------------------------------

@pytest.mark.parametrize(("body", "expected"), [
    pytest.param("甲单位,保卫处,李,13812345678,是,2026,99999\n", [(2, "contract_year"),
                                                             (3, "contract_year")],
                 id="same client and year, other amount"),
    pytest.param("甲单位,保卫处,李,13812345678,是,2026,15000\n", [(2, "contract_year"),
                                                             (3, "contract_year")],
                 id="same client and year repeated"),
    pytest.param("甲单位,后勤处,李,13812345678,是,2027,1\n", [(2, "department"), (3, "department")],
                 id="same client, other department"),
    pytest.param("甲单位,保卫处,李,13812345678,否,2027,1\n", [(2, "key_unit"), (3, "key_unit")],
                 id="same client, other key-unit flag"),
    pytest.param("乙单位,,,,否,,\n甲单位,保卫处,李,13812345678,是,2026,1\n",
                 [(2, "contract_year"), (4, "contract_year")], id="rows apart"),
])
def test_conflicting_rows_are_refused_naming_both(ctx: Context, body: str,
                                                   expected: list[tuple[int, str]]) -> None:
    pid = make_provider(ctx)
    before = table_state(ctx)
    with pytest.raises(ValidationFailed) as caught:
        run_import(ctx, pid, HEADER + GOOD + body)
    assert [(e.row, e.field) for e in caught.value.errors] == expected
    rows = {e.row for e in caught.value.errors}
    for error in caught.value.errors:  # each message names the other row too
        assert all(str(r) in error.zh and str(r) in error.en for r in rows)
    assert table_state(ctx) == before


@SQLITE_ONLY
def test_the_same_client_in_two_years_is_two_contracts(ctx: Context) -> None:
    pid = make_provider(ctx)
    summary = run_import(ctx, pid, HEADER + GOOD + "甲单位,保卫处,李,13812345678,是,2025,14000\n")
    assert (summary.created, summary.contracts) == (1, 2)


# --- issue 12 item 2: phone numbers, and the row that is wrong is the row named -----------------

GOOD_PHONES = ["13812345678", "138 1234 5678", "+86 138-1234-5678", "010-85123456",
               "(0755) 2345 678", "010-8512 3456 转 8021", "010-85123456-8021",
               "+86 10 8512 3456", "400-810-8888", "１３８１２３４５６７８", ""]
BAD_PHONES = ["010-8512abc", "电话abc!!", "138", "12812345678", "+1 415 555 0100", "110",
              "13812345678 / 13912345678", "010-1234"]


@pytest.mark.parametrize("phone", BAD_PHONES)
@SQLITE_ONLY
def test_a_bad_phone_names_exactly_its_row(ctx: Context, phone: str) -> None:
    pid = make_provider(ctx)
    text = (HEADER + GOOD + f"乙单位,后勤,王,\"{phone}\",否,2026,1\n"
            "丙单位,,,0755-23456789,否,2026,2\n丁单位,,,13912345678,否,,\n")
    with pytest.raises(ValidationFailed) as caught:
        run_import(ctx, pid, text)
    assert [(e.row, e.field) for e in caught.value.errors] == [(3, "phone")]
    error = caught.value.errors[0]
    assert "联系电话" in error.zh and "138 1234 5678" in error.zh and "Phone" in error.en
    assert table_state(ctx)[0] == []


@SQLITE_ONLY
def test_a_stray_quote_names_its_row_not_the_rows_after(ctx: Context) -> None:
    pid = make_provider(ctx)
    text = HEADER + GOOD + '乙单位,后勤,王,"010-8512,否,,\n丙单位,,,0755-23456789,否,,\n'
    with pytest.raises(ValidationFailed) as caught:
        run_import(ctx, pid, text)
    assert {e.row for e in caught.value.errors} == {3}


@pytest.mark.parametrize("phone", GOOD_PHONES)
@SQLITE_ONLY
def test_phones_people_write_are_accepted_as_typed(ctx: Context, phone: str) -> None:
    pid = make_provider(ctx)
    run_import(ctx, pid, HEADER + f"乙单位,后勤,王,\"{phone}\",否,,\n")
    with read_session(ctx.engine) as s:
        assert s.exec(select(Client.phone)).one() == phone.strip()


@pytest.mark.parametrize("where", ["create client", "edit client", "provider", "paper signer"])
@SQLITE_ONLY
def test_every_entry_path_checks_phones(ctx: Context, where: str) -> None:
    pid = make_provider(ctx)
    cid = make_client(ctx, pid, "甲", years={2026: 1})
    open_campaign(ctx, pid, 2026)
    calls = {
        "create client": lambda s: clients.create_client(session=s, actor=SYSTEM, provider_id=pid,
                                                         name="乙", phone="010-8512abc"),
        "edit client": lambda s: clients.update_client(session=s, actor=SYSTEM, client_id=cid,
                                                       fields={"phone": "电话abc!!"}),
        "provider": lambda s: providers.update_provider(session=s, actor=SYSTEM, provider_id=pid,
                                                        fields={"phone": "123"}),
        "paper signer": lambda s: enter_paper_form(
            session=s, actor=SYSTEM, signer=ctx.signer, provider_id=pid, year=2026,
            client_id=cid, raw={**{f"item{i.no}": i.max_score for i in ITEMS},
                                "evaluation_date": date(2026, 3, 1), "signer_name": "张三",
                                "signer_phone": "13x"}, scan=png_scan(), scan_name="s.png",
            today=TODAY),
    }
    before = table_state(ctx)
    with pytest.raises(ValidationFailed) as caught:
        run_write(ctx.engine, calls[where])
    assert [e.field for e in caught.value.errors] == [
        "signer_phone" if where == "paper signer" else "phone"]
    assert table_state(ctx) == before


# --- issue 12 item 3: re-importing changes nothing and says so --------------------------------

def test_reimporting_the_client_file_changes_nothing(ctx: Context) -> None:
    pid = make_provider(ctx)
    text = HEADER + GOOD + "甲单位,保卫处,李,13812345678,是,2025,14000\n乙单位,,,,否,,\n"
    first = run_import(ctx, pid, text)
    assert first.changed and (first.created, first.contracts) == (2, 2)
    before = table_state(ctx)
    again = run_import(ctx, pid, text)
    assert not again.changed
    assert (again.created, again.updated, again.unchanged, again.contracts,
            again.contracts_unchanged) == (0, 0, 2, 0, 2)
    assert table_state(ctx) == before  # not even an audit entry


PAPER = ("用户单位名称,评价日期,签字人," + ",".join(i.name_zh for i in ITEMS) +
         ",评价意见,扫描件,更正原因\n")


def paper_row(client: str, scores: list[int], scan: str = "a.pdf", reason: str = "",
              comment: str = "好") -> str:
    """Return one row of a paper-form CSV with Chinese headers."""
    return f"{client},2026-03-01,张三,{','.join(map(str, scores))},{comment},{scan},{reason}\n"


def paper_import(ctx: Context, pid: int, text: str, folder: Path, name: str = "p.csv") -> Any:
    """Return the summary of a paper-form import."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return run_write(ctx.engine, lambda s: import_paper_forms(
        session=s, actor=SYSTEM, signer=ctx.signer, provider_id=pid, year=2026, data=data,
        filename=name, today=TODAY, base_dir=folder))


@pytest.fixture
def campaign(ctx: Context, tmp_path: Path) -> tuple[Context, int, Path]:
    """Return the context, a provider with clients 甲 and 乙 invited, and a folder of scans."""
    pid = make_provider(ctx)
    make_client(ctx, pid, "甲", years={2026: 1})
    make_client(ctx, pid, "乙", years={2026: 1})
    open_campaign(ctx, pid, 2026)
    (tmp_path / "a.pdf").write_bytes(pdf_scan())
    (tmp_path / "b.png").write_bytes(png_scan())
    return ctx, pid, tmp_path


def test_reimporting_the_same_paper_file_stores_nothing(campaign: tuple[Context, int, Path]
                                                        ) -> None:
    ctx, pid, folder = campaign
    text = PAPER + paper_row("甲", FULL_MARKS) + paper_row("乙", FULL_MARKS, scan="b.png")
    first = paper_import(ctx, pid, text, folder)
    assert (first.stored, first.corrected, first.unchanged) == (2, 0, 0)
    before = table_state(ctx)
    again = paper_import(ctx, pid, text, folder)
    assert not again.changed and (again.stored, again.corrected, again.unchanged) == (0, 0, 2)
    assert table_state(ctx) == before


def test_a_changed_row_is_a_correction_that_needs_a_reason(campaign: tuple[Context, int, Path]
                                                            ) -> None:
    ctx, pid, folder = campaign
    paper_import(ctx, pid, PAPER + paper_row("甲", FULL_MARKS) + paper_row("乙", FULL_MARKS,
                                                                         scan="b.png"), folder)
    lower = [9, *FULL_MARKS[1:]]
    before = table_state(ctx)
    with pytest.raises(ValidationFailed) as caught:
        paper_import(ctx, pid, PAPER + paper_row("甲", FULL_MARKS) + paper_row("乙", lower,
                                                                             scan="b.png"), folder)
    assert [(e.row, e.field) for e in caught.value.errors] == [(3, "reason")]
    assert "更正原因" in caught.value.errors[0].zh
    assert table_state(ctx) == before
    done = paper_import(ctx, pid, PAPER + paper_row("甲", FULL_MARKS) + paper_row(
        "乙", lower, scan="b.png", reason="原表第 1 项录错"), folder)
    assert (done.stored, done.corrected, done.unchanged) == (0, 1, 1)
    with read_session(ctx.engine) as s:
        latest = s.exec(select(Response).order_by(Response.id.desc())).first()  # type: ignore
    assert latest is not None and latest.version == 2 and latest.item1 == 9


@SQLITE_ONLY
def test_one_client_twice_in_a_paper_file_names_both_rows(campaign: tuple[Context, int, Path]
                                                          ) -> None:
    ctx, pid, folder = campaign
    with pytest.raises(ValidationFailed) as caught:
        paper_import(ctx, pid, PAPER + paper_row("甲", FULL_MARKS) + paper_row("乙", FULL_MARKS)
                     + paper_row("甲", FULL_MARKS), folder)
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, "client"), (4, "client")]


# --- issue 12 item 6: the scan is required as on the paper page; Chinese headers --------------

@SQLITE_ONLY
def test_every_paper_row_needs_its_scan_like_the_page(campaign: tuple[Context, int, Path]) -> None:
    ctx, pid, folder = campaign
    with pytest.raises(ValidationFailed) as caught:
        paper_import(ctx, pid, PAPER + paper_row("甲", FULL_MARKS, scan=""), folder)
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, "scan")]
    no_column = PAPER.replace(",扫描件", "").replace("更正原因", "评价意见2")
    with pytest.raises(ValidationFailed) as caught:
        paper_import(ctx, pid, no_column, folder)
    assert "scan" in [e.field for e in caught.value.errors]


@SQLITE_ONLY
def test_chinese_client_headers_and_an_xlsx(ctx: Context) -> None:
    pid = make_provider(ctx)
    text = ("用户单位名称,用户主管部门名称,主管负责人,联系电话,重点保卫单位,合同年度,合同金额（元）\n"
            "北京市第一医院,保卫处,李处长,010-85123456,是,2026,\"150,000.50\"\n")
    assert run_import(ctx, pid, text).created == 1
    with read_session(ctx.engine) as s:
        client = s.exec(select(Client)).one()
        amount = s.exec(select(ContractYear.amount)).one()
    assert (client.name, client.department, client.phone, client.key_unit) == (
        "北京市第一医院", "保卫处", "010-85123456", True)
    assert str(amount) == "150000.50"


@SQLITE_ONLY
def test_the_templates_import_once_filled_in(campaign: tuple[Context, int, Path]) -> None:
    from surveys.import_templates import client_template_xlsx, response_template_xlsx

    ctx, pid, folder = campaign
    book = load_workbook(io.BytesIO(client_template_xlsx()))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["用户单位名称", "用户主管部门名称", "主管负责人", "联系电话", "重点保卫单位"]
    assert all(c.comment is not None and c.comment.text for c in sheet[1])
    kinds = {(v.type, str(v.sqref).split(":")[0]) for v in sheet.data_validations.dataValidation}
    assert {("list", "E2"), ("whole", "F2"), ("decimal", "G2")} <= kinds
    sheet.append(["丙单位", "后勤", "王", "13912345678", "否", 2026, 800])
    out = io.BytesIO()
    book.save(out)
    run_write(ctx.engine, lambda s: import_clients(session=s, actor=SYSTEM, provider_id=pid,
                                                   data=out.getvalue(), filename="c.xlsx"))
    book = load_workbook(io.BytesIO(response_template_xlsx()))
    sheet = book.worksheets[0]
    scores = {str(v.sqref): (v.formula1, v.formula2) for v in sheet.data_validations.dataValidation
              if v.type == "whole"}
    assert [scores[k] for k in sorted(scores)] == [("0", str(i.max_score)) for i in ITEMS]
    assert any(v.type == "date" for v in sheet.data_validations.dataValidation)
    row = {"用户单位名称": "甲", "评价日期": date(2026, 3, 1), "签字人": "张三", "扫描件": "a.pdf",
           **{i.name_zh: i.max_score for i in ITEMS}}
    sheet.append([row.get(str(c.value)) for c in sheet[1]])
    out = io.BytesIO()
    book.save(out)
    done = run_write(ctx.engine, lambda s: import_paper_forms(
        session=s, actor=SYSTEM, signer=ctx.signer, provider_id=pid, year=2026,
        data=out.getvalue(), filename="p.xlsx", today=TODAY, base_dir=folder))
    assert done.stored == 1
