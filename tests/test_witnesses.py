"""Clients as witnesses: a reproducible sample to call, and the receipt codes they read out."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select
from typer.testing import CliRunner

from analytics.witnesses import check_receipts, read_receipt_codes, sample_witnesses
from cli.main import app
from surveys.context import Context
from surveys.db import read_session
from surveys.models import Response
from surveys.records import receipt_code
from tests.bundle_cache import Built, real_bundle
from tests.bundle_tamper import manifest_of
from tests.evidence_support import seed_two_years
from tests.test_bundle_claims import make_bundle
from tests.test_bundle_verify import json_values, replace_somewhere

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


# A hostile manifest: whatever it holds, the witness functions name the malformed part and
# never raise. The real bundle's records: #1, #2 of 2025 (no content); #3 甲医院 (client 1)
# version 1, #4 乙中学 (client 2) version 1, #5 甲医院 version 2, all of 2026.
@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Return a real, valid bundle of seed_two_years' 2026 and its provider's signer."""
    return real_bundle("two_years", tmp_path_factory.mktemp("bundle"))


def third(m: dict[str, Any]) -> dict[str, Any]:
    """Return record #3 (甲医院's first version)."""
    record = m["records"][2]
    assert isinstance(record, dict)
    return record


HOSTILE: dict[str, tuple[Callable[[dict[str, Any]], Any], list[str]]] = {
    "records an int": (lambda m: m.__setitem__("records", 5),
                       ["manifest.json: 'records' is not a list"]),
    "records an object": (lambda m: m.__setitem__("records", {"a": 1}),
                          ["manifest.json: 'records' is not a list"]),
    "year text": (lambda m: m.__setitem__("year", "2026"),
                  ["manifest.json: 'year' is not an integer"]),
    "chain an int": (lambda m: m.__setitem__("chain", 5), ["manifest.json: 'chain' is not an object"]),
    "chain a list": (lambda m: m.__setitem__("chain", [1]),
                     ["manifest.json: 'chain' is not an object"]),
    "head hash a list": (lambda m: m["chain"].__setitem__("head_hash", ["a"]),
                         ["manifest.json: chain.head_hash is not text"]),
    "head hash a lone surrogate": (lambda m: m["chain"].__setitem__("head_hash", "\ud800"), []),
    "record a list": (lambda m: m["records"].__setitem__(2, [1]),
                      ["manifest.json: record #3 is not an object"]),
    "content a list": (lambda m: third(m).__setitem__("content", [1]),
                       ["manifest.json: record #3: content is not an object"]),
    "content withheld": (lambda m: third(m).pop("content"),
                         ["manifest.json: record #3: a form of the year without its content"]),
    "envelope text": (lambda m: third(m).__setitem__("envelope", "x"),
                      ["manifest.json: record #3: envelope is not an object"]),
    "envelope year text": (lambda m: third(m)["envelope"].__setitem__("year", "2026"),
                           ["manifest.json: record #3: envelope.year is not an integer"]),
    "record hash missing": (lambda m: third(m).pop("record_hash"),
                            ["manifest.json: record #3: record_hash is not text"]),
    "client id text": (lambda m: third(m)["content"].__setitem__("client_id", "x"),
                       ["manifest.json: record #3: content.client_id is not an integer"]),
    "client id a list": (lambda m: third(m)["content"].__setitem__("client_id", [1]),
                         ["manifest.json: record #3: content.client_id is not an integer"]),
    "client id null": (lambda m: third(m)["content"].__setitem__("client_id", None),
                       ["manifest.json: record #3: content.client_id is not an integer"]),
    "client id infinite": (lambda m: third(m)["content"].__setitem__("client_id", float("inf")),
                           ["manifest.json: record #3: content.client_id is not an integer"]),
    "client id NaN": (lambda m: third(m)["content"].__setitem__("client_id", float("nan")),
                      ["manifest.json: record #3: content.client_id is not an integer"]),
    "client id true": (lambda m: third(m)["content"].__setitem__("client_id", True),
                       ["manifest.json: record #3: content.client_id is not an integer"]),
    "version text": (lambda m: third(m)["content"].__setitem__("version", "v"),
                     ["manifest.json: record #3: content.version is not an integer"]),
    "version an object": (lambda m: third(m)["content"].__setitem__("version", {}),
                          ["manifest.json: record #3: content.version is not an integer"]),
    "header an int": (lambda m: third(m)["content"].__setitem__("header", 5),
                      ["manifest.json: record #3: content.header is not an object"]),
    "header client a list": (lambda m: third(m)["content"]["header"].__setitem__("client", [1]),
                             ["manifest.json: record #3: content.header.client is not an object"]),
    "client name a list": (lambda m: third(m)["content"]["header"]["client"].__setitem__(
        "name", ["甲"]), ["manifest.json: record #3: content.header.client.name is not text"]),
    "signer phone a number": (lambda m: third(m)["content"].__setitem__("signer_phone", 138),
                              ["manifest.json: record #3: content.signer_phone is not text"]),
    "invited an int": (lambda m: m.__setitem__("invited", 5),
                       ["manifest.json: 'invited' is not a list"]),
    "invited entry a list": (lambda m: m["invited"].__setitem__(1, [2]),
                             ["manifest.json: invited #2 is not an object"]),
    "invited client id text": (lambda m: m["invited"][1].__setitem__("client_id", "2"),
                               ["manifest.json: invited #2: client_id is not an integer"]),
    "invited name a number": (lambda m: m["invited"][1].__setitem__("name", 2),
                              ["manifest.json: invited #2: name is not text"]),
}
# What check_receipts alone reads ('invited'); what sample_witnesses alone reads ('chain').
RECEIPTS_ONLY = {name for name in HOSTILE if name.startswith("invited")}
SAMPLE_ONLY = {"chain an int", "chain a list", "head hash a list"}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_malformed_part_is_named_never_raised(real: Built, name: str) -> None:
    change, expected = HOSTILE[name]
    body = manifest_of(real.data)
    change(body)
    problems: list[str] = []
    picked = sample_witnesses(body, 5, "s", problems)
    assert problems == ([] if name in RECEIPTS_ONLY else expected)
    assert all(isinstance(w.name, str) and isinstance(w.client_id, int) for w in picked)
    problems = []
    check_receipts(body, [(2, "甲医院", "0123-4567-89AB-CDEF")], problems)
    assert problems == ([] if name in SAMPLE_ONLY else expected)


def test_the_real_manifest_has_nothing_malformed(real: Built) -> None:
    body = manifest_of(real.data)
    problems: list[str] = []
    assert sorted(w.name for w in sample_witnesses(body, 5, "s", problems)) == ["乙中学", "甲医院"]
    codes = [r["record_hash"] for r in body["records"]]
    found = check_receipts(body, [(2, "甲医院", codes[4][:16]), (3, "2", codes[3][:16]),
                                  (4, "1", codes[2][:16])], problems)
    assert problems == []
    assert len(found) == 1 and found[0].startswith(
        "receipts line 4: client 1: superseded — the client's receipt names version 1 (total 84)")


def test_the_draw_is_random_seeded_with_the_text_and_a_lone_surrogate_seeds_too(
        real: Built) -> None:
    body = manifest_of(real.data)
    problems: list[str] = []
    for seed in ("评价组织-2027-03", "s\udcff"):  # \udcff: an argv byte that is not UTF-8
        text = f"star-survey/sample/1:{seed}:{body['chain']['head_hash']}"
        order = random.Random(text.encode("utf-8", "surrogatepass")).sample([1, 2], 2)
        assert [w.client_id for w in sample_witnesses(body, 2, seed, problems)] == order
    assert random.Random("star-survey/sample/1:a:b").random() == random.Random(
        b"star-survey/sample/1:a:b").random()  # the same draw as seeding with the text itself
    assert problems == []


@pytest.mark.parametrize("cell", ["²", "٣", "9" * 5000])
def test_a_client_cell_of_digits_that_are_no_id(real: Built, cell: str) -> None:
    problems: list[str] = []
    found = check_receipts(manifest_of(real.data), [(2, cell, "0123456789abcdef")], problems)
    assert found == [f"receipts line 2: client {cell}: missing — no form of this client is in "
                     "the bundle"]
    assert problems == []


def test_a_receipts_field_over_the_csv_limit_is_refused_naming_the_line() -> None:
    with pytest.raises(ValueError) as refused:
        read_receipt_codes(b"client,receipt\n\xe7\x94\xb2," + b"x" * 200_000 + b"\n")
    assert str(refused.value) == "line 2: field larger than field limit (131072)"


rows = st.lists(st.tuples(st.integers(2, 99), st.text(max_size=20), st.text(max_size=24)),
                max_size=4)
hostile_values = json_values | st.sampled_from(["\ud800", "甲\udfff乙", "2", 10**30, -1])


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.data(), rows)
def test_any_part_replaced_is_named_never_raised(real: Built, data: st.DataObject,
                                                 receipts: list[tuple[int, str, str]]) -> None:
    original = manifest_of(real.data)
    key = data.draw(st.sampled_from(sorted(original)))
    changed = {**original, key: replace_somewhere(original[key], data, hostile_values)}
    problems: list[str] = []
    picked = sample_witnesses(changed, data.draw(st.integers(-1, 6)), "s", problems)
    found = check_receipts(changed, receipts, problems)
    assert all(isinstance(p, str) and p.startswith("manifest.json: ") for p in problems)
    assert all(isinstance(p, str) and p.startswith("receipts line ") for p in found)
    for w in picked:
        assert isinstance(w.client_id, int) and not isinstance(w.client_id, bool)
        assert all(isinstance(v, str) for v in (w.name, w.manager, w.phone, w.signer,
                                                w.signer_phone))
