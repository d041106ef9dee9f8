"""Clients as witnesses: a reproducible sample to call, and the receipt codes they read out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import col, select
from typer.testing import CliRunner

from cli.main import app
from surveys.context import Context
from surveys.db import read_session
from surveys.models import Response
from surveys.records import receipt_code
from tests.evidence_support import seed_two_years
from tests.test_bundle_claims import make_bundle

runner = CliRunner()


@pytest.fixture
def bundle_file(ctx: Context, tmp_path: Path) -> tuple[Path, dict[str, list[Response]]]:
    """Return a 2026 bundle on disk and the year's versions by client name, oldest first."""
    provider, _ = seed_two_years(ctx)
    path = tmp_path / "evidence-2026.zip"
    path.write_bytes(make_bundle(ctx, provider, 2026))
    with read_session(ctx.engine) as s:
        rows = s.exec(select(Response).where(Response.year == 2026)
                      .order_by(col(Response.id))).all()
    versions: dict[str, list[Response]] = {}
    for r in rows:
        versions.setdefault(json.loads(r.header_json)["client"]["name"], []).append(r)
    return path, versions


def run(*args: str) -> tuple[int, str]:
    """Return the exit code and output of a CLI command."""
    done = runner.invoke(app, list(args))
    return done.exit_code, done.output


def test_the_sample_is_reproducible_and_names_whom_to_call(
        bundle_file: tuple[Path, dict[str, list[Response]]]) -> None:
    path, _ = bundle_file
    code, first = run("sample", str(path), "--n", "2", "--seed", "评价组织-2027-03", "--json")
    assert code == 0, first
    picked = json.loads(first)
    assert {w["name"] for w in picked} == {"甲医院", "乙中学"}  # the two who answered
    assert all(w["phone"] and w["manager"] for w in picked)
    assert run("sample", str(path), "--n", "2", "--seed", "评价组织-2027-03", "--json")[1] == first
    one = {json.loads(run("sample", str(path), "--n", "1", "--seed", s, "--json")[1])[0]["name"]
           for s in map(str, range(12))}
    assert one == {"甲医院", "乙中学"}  # other seeds pick other clients


def test_codes_read_out_by_clients_name_each_difference(
        bundle_file: tuple[Path, dict[str, list[Response]]], tmp_path: Path) -> None:
    path, versions = bundle_file
    web, staff = versions["甲医院"]
    paper = versions["乙中学"][0]
    codes = tmp_path / "codes.csv"
    codes.write_text("用户单位,回执码\n"
                     f"乙中学,{receipt_code(paper.record_hash).lower()}\n", encoding="utf-8-sig")
    code, out = run("verify", str(path), "--receipts", str(codes))
    assert code == 0, out
    codes.write_text("client,receipt\n"
                     f"甲医院,{receipt_code(web.record_hash)}\n"
                     f"乙中学,0123-4567-89AB-CDEF\n"
                     f"丙图书馆,{receipt_code(paper.record_hash)}\n"
                     "丁银行,not-a-code\n", encoding="utf-8")
    code, out = run("verify", str(path), "--receipts", str(codes))
    assert code == 1
    assert "client 甲医院: superseded — the client's receipt names version 1 (total 84)" in out
    assert "用户电话要求按纸质表更正" in out and f"total {staff.total}" in out
    assert "client 乙中学: altered — no version in the bundle has this receipt code" in out
    assert "client 丙图书馆: missing — no form of this client is in the bundle" in out
    assert "client 丁银行: 'not-a-code' is not a receipt code" in out


def test_a_published_key_that_differs_fails_the_check(
        bundle_file: tuple[Path, dict[str, list[Response]]]) -> None:
    path, _ = bundle_file
    code, out = run("verify", str(path), "--expect-key", "ab" * 32)
    assert code == 1 and "not the published" in out
