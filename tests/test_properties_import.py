"""Property tests of both importers: odd files are imported correctly or rejected, changing nothing."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from surveys.access import SYSTEM
from surveys.client_import import OPTIONAL as CLIENT_OPTIONAL
from surveys.client_import import REQUIRED as CLIENT_REQUIRED
from surveys.client_import import import_clients
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.errors import ValidationFailed
from surveys.form_a1 import ITEM_COLUMNS
from surveys.models import Client, ContractYear, Response
from surveys.response_import import OPTIONAL as PAPER_OPTIONAL
from surveys.response_import import REQUIRED as PAPER_REQUIRED
from surveys.response_import import import_paper_forms
from surveys.text import normalise
from tests.fault_support import TODAY, YEAR, seed_invitations, verify_ok
from tests.test_web_form import signature_png

SCAN = signature_png()  # a real PNG: the scan every paper row needs
PROFILE = settings(max_examples=60, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture,
                                          HealthCheck.too_slow])
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1")
cell = st.one_of(st.text(max_size=12), st.sampled_from(
    ["", " ", "是", "否", "yes", "1", "0", "2026", "2026.0", "1,000.50", "-1", "1e3", "NaN",
     "inf", "12.345", "２０２６", "\x00", "=1+1", "10", "7", "5", "2026-06-15", "张三"]))


def csv_bytes(header: list[str], rows: list[list[str]], encoding: str) -> bytes:
    """Return the CSV file of header and rows in an encoding (UTF-8 where it cannot encode)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    try:
        return buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:
        return buffer.getvalue().encode("utf-8")


def table(columns: tuple[str, ...]) -> st.SearchStrategy[tuple[list[str], list[list[str]]]]:
    """Return a strategy of (header, rows): known columns shuffled, some dropped, extras added."""
    header = st.lists(st.sampled_from([*columns, "extra", "备注", "", "NAME"]),
                      min_size=len(columns) - 2, max_size=len(columns) + 2)
    exact = st.permutations(list(columns))
    return st.one_of(exact, exact, header).flatmap(lambda h: st.tuples(
        st.just(list(h)), st.lists(st.lists(cell, min_size=len(h) - 1, max_size=len(h) + 1),
                                   max_size=4)))


def clients_snapshot(ctx: Context) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Return every client and contract as plain tuples."""
    with read_session(ctx.engine) as session:
        people = [(c.id, c.provider_id, c.name, c.department, c.manager, c.phone, c.key_unit)
                  for c in session.exec(select(Client).order_by(col(Client.id))).all()]
        deals = [(d.client_id, d.year, d.amount)
                 for d in session.exec(select(ContractYear).order_by(col(ContractYear.id))).all()]
    return people, deals


def assert_clear(exc: ValidationFailed) -> None:
    """Assert a rejection lists at least one error, each in Chinese and English."""
    assert exc.errors and all(e.field and e.zh and e.en for e in exc.errors)


@PROFILE
@given(table(CLIENT_REQUIRED + CLIENT_OPTIONAL), st.sampled_from(ENCODINGS))
def test_client_list_imports_correctly_or_changes_nothing(
    ctx: Context, sheet: tuple[list[str], list[list[str]]], encoding: str
) -> None:
    provider_id = _provider(ctx)
    header, rows = sheet
    before = clients_snapshot(ctx)
    try:
        summary = run_write(ctx.engine, lambda s: import_clients(
            session=s, actor=SYSTEM, provider_id=provider_id,
            data=csv_bytes(header, rows, encoding), filename="clients.csv"))
    except ValidationFailed as exc:
        assert_clear(exc)
        assert clients_snapshot(ctx) == before
        return
    people, _deals = clients_snapshot(ctx)
    names = {p[2] for p in people if p[1] == provider_id}
    assert set(summary.names) <= names and summary.rows >= 1
    position = {name.strip().lower(): i for i, name in enumerate(header)}
    for row in rows:
        if any(c.strip() for c in row):
            stored = normalise(row[position["name"]]) if position["name"] < len(row) else ""
            assert stored in names


_PROVIDERS: dict[str, tuple[int, list[int]]] = {}  # by database URL: unique to each test


def _provider(ctx: Context) -> int:
    """Return the provider of this test's database (made once, with three invited clients)."""
    key = ctx.settings.db_url
    if key not in _PROVIDERS:
        _PROVIDERS[key] = seed_invitations(ctx, 3)
    return _PROVIDERS[key][0]


@PROFILE
@given(table(PAPER_REQUIRED + PAPER_OPTIONAL), st.sampled_from(ENCODINGS),
       st.lists(st.tuples(st.sampled_from(["用户单位0000", "用户单位0001", "用户单位0002", "无此单位"]),
                          st.lists(st.integers(-2, 12).map(str), min_size=9, max_size=9)),
                max_size=3))
def test_paper_forms_import_correctly_or_change_nothing(
    ctx: Context, tmp_path: Path, sheet: tuple[list[str], list[list[str]]], encoding: str,
    plausible: list[tuple[str, list[str]]],
) -> None:
    provider_id = _provider(ctx)
    header, rows = sheet
    if plausible:  # also try sheets close to valid, so acceptance is exercised
        (tmp_path / "scan.png").write_bytes(SCAN)
        header = ["client", "date", "signer", *ITEM_COLUMNS, "scan"]
        rows = [[client, "2026-06-15", "张三", *scores, "scan.png"] for client, scores in plausible]
    before = _responses(ctx)
    try:
        done = run_write(ctx.engine, lambda s: import_paper_forms(
            session=s, actor=SYSTEM, signer=ctx.signer, provider_id=provider_id, year=YEAR,
            data=csv_bytes(header, rows, encoding), filename="forms.csv", today=TODAY,
            base_dir=tmp_path))
    except ValidationFailed as exc:
        assert_clear(exc)
        assert _responses(ctx) == before
        return
    after = _responses(ctx)
    assert len(after) == len(before) + done.stored + done.corrected
    assert after[:len(before)] == before
    given_totals = {sum(int(v) for v in scores) for _, scores in plausible}
    for record in after[len(before):]:
        assert 0 <= record[1] <= 100  # Table A.1's total, a literal of the standard
        assert date(YEAR, 1, 1) <= record[2] <= TODAY
        if plausible:
            assert record[1] in given_totals and record[2] == date(YEAR, 6, 15)
    verify_ok(ctx.engine, ctx.signer)


def _responses(ctx: Context) -> list[tuple[Any, ...]]:
    """Return (id, total, evaluation date, record hash) of every stored version."""
    with read_session(ctx.engine) as session:
        return [(r.id, r.total, r.evaluation_date, r.record_hash)
                for r in session.exec(select(Response).order_by(col(Response.id))).all()]


def test_a_cell_with_a_nul_byte_is_rejected_not_a_crash(ctx: Context) -> None:
    provider_id = _provider(ctx)
    data = csv_bytes(list(CLIENT_REQUIRED), [["A\x00B", "", "", "", "否"]], "utf-8")
    before = clients_snapshot(ctx)
    try:
        run_write(ctx.engine, lambda s: import_clients(session=s, actor=SYSTEM,
                                                       provider_id=provider_id, data=data,
                                                       filename="c.csv"))
    except ValidationFailed as exc:
        assert_clear(exc)
        assert [(e.field, e.row) for e in exc.errors] == [("name", 2)]
    else:
        raise AssertionError("a NUL byte was accepted (PostgreSQL cannot store it)")
    assert clients_snapshot(ctx) == before


def test_item_columns_are_the_nine_items() -> None:
    assert ITEM_COLUMNS == ("item1", "item2", "item3", "item4", "item5", "item6", "item7",
                            "item8", "item9")
