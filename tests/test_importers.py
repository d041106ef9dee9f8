"""Client and paper-form imports: all rows or none, every bad row and column named."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import func, select

from surveys.access import SYSTEM
from surveys.client_import import import_clients
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.errors import ValidationFailed
from surveys.models import Client, ContractYear, Response
from surveys.response_import import import_paper_forms
from tests.factories import make_client, make_provider, open_campaign, xlsx
from tests.scans import pdf_scan, png_scan

HEADER = "name,department,manager,phone,key_unit,contract_year,contract_amount\n"



def counts(ctx: Context) -> tuple[int, int, int]:
    """Return the numbers of clients, contracts and responses."""
    with read_session(ctx.engine) as s:
        return tuple(s.exec(select(func.count()).select_from(t)).one()  # type: ignore[return-value]
                     for t in (Client, ContractYear, Response))


def run_client_import(ctx: Context, pid: int, data: bytes, name: str = "c.csv") -> Any:
    """Return the import summary."""
    return run_write(ctx.engine, lambda s: import_clients(session=s, actor=SYSTEM, provider_id=pid,
                                                          data=data, filename=name))


def test_client_csv_import_creates_clients_and_contracts(ctx: Context) -> None:
    pid = make_provider(ctx)
    data = (HEADER + "医院,保卫处,李,13812345678,是,2025,300000\n"
            "医院,保卫处,李,13812345678,是,2026,310000\n"
            "学校,后勤,王,010-85123456,否,,\n").encode("utf-8-sig")
    summary = run_client_import(ctx, pid, data)
    assert (summary.created, summary.contracts) == (2, 2)
    assert counts(ctx) == (2, 2, 0)


def test_client_xlsx_and_gbk_csv_import(ctx: Context) -> None:
    pid = make_provider(ctx)
    book = xlsx([HEADER.strip().split(","), ["银行", "", "", "", 1, 2026, 50000.5]])
    assert run_client_import(ctx, pid, book, "c.xlsx").created == 1
    gbk = (HEADER + "中学,,,,0,2026,1000\n").encode("gb18030")
    assert run_client_import(ctx, pid, gbk, "c.csv").created == 1
    assert counts(ctx)[:2] == (2, 2)


@pytest.mark.parametrize(("body", "expected"), [
    (",保卫处,李,13812345678,是,,\n", [(3, "name")]),
    ("甲,,,,maybe,,\n", [(3, "key_unit")]),
    ("甲,,,,否,20x6,100\n", [(3, "contract_year")]),
    ("甲,,,,否,2026,-5\n", [(3, "contract_amount")]),
    ("甲,,,,否,,\n乙,,,,否,2026,abc\n,,,,perhaps,,\n", [(4, "contract_amount"), (5, "name"),
                                                 (5, "key_unit")]),
    ("甲,a,,,否,,\n甲,b,,,否,,\n", [(3, "department"), (4, "department")]),
])
def test_bad_client_rows_reject_the_whole_file(ctx: Context, body: str,
                                               expected: list[tuple[int, str]]) -> None:
    pid = make_provider(ctx)
    make_client(ctx, pid, "已有")
    data = (HEADER + "好的单位,,,,否,2026,1\n" + body).encode()
    with pytest.raises(ValidationFailed) as caught:
        run_client_import(ctx, pid, data)
    # file row 1 is the header, row 2 the good row; the bad rows follow
    assert [(e.row, e.field) for e in caught.value.errors] == expected
    assert counts(ctx) == (1, 0, 0)


@pytest.mark.parametrize(("data", "name", "field"), [
    (b"name,department\n", "c.csv", "manager"),
    (HEADER.replace("phone", "fax").encode(), "c.csv", "phone"),
    (b"", "c.csv", "file"),
    (b"PK\x03\x04garbage", "c.xlsx", "file"),
    (b"a,b", "c.txt", "file"),
    (b"\xff\xfe\x00\x00\xc3(", "c.csv", "file"),
    (HEADER.replace("phone", "name").replace("\n", ",phone,\n").encode(), "c.csv", "name"),
])
def test_unreadable_or_misshaped_files_are_rejected(ctx: Context, data: bytes, name: str,
                                                    field: str) -> None:
    pid = make_provider(ctx)
    with pytest.raises(ValidationFailed) as caught:
        run_client_import(ctx, pid, data, name)
    assert field in [e.field for e in caught.value.errors]
    assert counts(ctx) == (0, 0, 0)


PAPER_HEADER = "client,date,signer,item1,item2,item3,item4,item5,item6,item7,item8,item9"


def paper_import(ctx: Context, pid: int, text: str, tmp_path: Path, name: str = "p.csv") -> Any:
    """Return the summary of a paper-form import."""
    return run_write(ctx.engine, lambda s: import_paper_forms(
        session=s, actor=SYSTEM, signer=ctx.signer, provider_id=pid, year=2026,
        data=text.encode(), filename=name, today=date(2026, 11, 24), base_dir=tmp_path))


def test_paper_forms_import_with_scan(ctx: Context, tmp_path: Path) -> None:
    pid = make_provider(ctx)
    cid = make_client(ctx, pid, "甲", years={2026: 1})
    make_client(ctx, pid, "乙", years={2026: 1})
    open_campaign(ctx, pid, 2026)
    (tmp_path / "scan.pdf").write_bytes(pdf_scan())
    (tmp_path / "scan2.png").write_bytes(png_scan())
    text = (PAPER_HEADER + ",scan,comment\n" + f"{cid},2026-03-01,张三,10,5,15,5,10,10,15,15,15,"
            "scan.pdf,很好\n乙,2026-03-02,李四,9,4,14,4,9,9,14,14,14,scan2.png,\n")
    assert paper_import(ctx, pid, text, tmp_path).stored == 2
    with read_session(ctx.engine) as s:
        stored = s.exec(select(Response).order_by(Response.id)).all()  # type: ignore[arg-type]
    assert [(r.total, r.origin, r.scan_name) for r in stored] == [(100, "import", "scan.pdf"),
                                                                  (91, "import", "scan2.png")]
    assert stored[0].scan == pdf_scan() and stored[0].comment == "很好"


@pytest.mark.parametrize(("row", "fields"), [
    ("甲,2026-03-01,张三,11,5,15,5,10,10,15,15,15", ["item1"]),
    ("甲,2026-03-01,,10,5,15,5,10,10,15,15,", ["item9", "signer"]),
    ("丁,2026-03-01,张三,10,5,15,5,10,10,15,15,15", ["client"]),
    ("甲,2027-03-01,张三,10,5,15,5,10,10,15,15,15", ["date"]),
    ("甲,2026-03-01,张三,10,5,15,5,10,10,15,15,15,missing.png", ["scan"]),
    ("甲,2026-03-01,张三,10,5,15,5,10,10,15,15,15,fake.png", ["scan"]),
])
def test_bad_paper_rows_reject_the_whole_file(ctx: Context, tmp_path: Path, row: str,
                                              fields: list[str]) -> None:
    pid = make_provider(ctx)
    make_client(ctx, pid, "甲", years={2026: 1})
    make_client(ctx, pid, "乙", years={2026: 1})
    open_campaign(ctx, pid, 2026)
    (tmp_path / "fake.png").write_bytes(b"not an image")
    (tmp_path / "s.png").write_bytes(png_scan())
    if not row.endswith(".png"):
        row += ",s.png"
    text = (PAPER_HEADER + ",scan\n乙,2026-03-02,李四,9,4,14,4,9,9,14,14,14,s.png\n" + row + "\n")
    with pytest.raises(ValidationFailed) as caught:
        paper_import(ctx, pid, text, tmp_path)
    assert [e.field for e in caught.value.errors] == fields
    assert all(e.row == 3 for e in caught.value.errors)
    assert counts(ctx)[2] == 0
