"""Verification of the stored records: hashes, signatures, the per-provider chain."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection
from typer.testing import CliRunner

from cli.main import app
from surveys.context import Context
from surveys.db import read_session
from surveys.keys import fingerprint
from surveys.models import Response
from surveys.record_check import check_record
from surveys.records import record_hash
from surveys.verify import verify_database
from tests.factories import make_client, make_provider, open_campaign, submit


def _seed(ctx: Context) -> tuple[int, list[Response]]:
    """Return a provider with five chained responses (one of them a correction)."""
    provider = make_provider(ctx)
    clients = [make_client(ctx, provider, f"用户单位{i}", years={2026: "1000"}) for i in range(4)]
    open_campaign(ctx, provider, 2026)
    stored = [submit(ctx, provider, 2026, client, 90 + i) for i, client in enumerate(clients)]
    stored.append(submit(ctx, provider, 2026, clients[0], 97))  # a correction: version 2
    return provider, stored


def _verify(ctx: Context) -> tuple[bool, list[str], list[str]]:
    """Return (ok, problem kinds, messages) of checking the whole database."""
    with read_session(ctx.engine) as session:
        result = verify_database(session, ctx.signer.public_key)
    return result.ok, [p.kind for p in result.problems], [p.message for p in result.problems]


def test_untouched_database_verifies(ctx: Context) -> None:
    provider, stored = _seed(ctx)
    with read_session(ctx.engine) as session:
        result = verify_database(session, ctx.signer.public_key)
    assert result.ok, result.problems
    assert result.records == 5 and result.providers == 1
    assert result.heads[provider] == stored[-1].record_hash
    assert [r.seq for r in stored] == [1, 2, 3, 4, 5]
    assert all(r.record_hash == record_hash(r) for r in stored)


def _flip_score(conn: Connection, rows: list[Response]) -> None:
    conn.execute(text("UPDATE response SET item1 = item1 - 1, total = total - 1 WHERE id = :i"),
                 {"i": rows[2].id})


def _delete(conn: Connection, rows: list[Response]) -> None:
    conn.execute(text("DELETE FROM response WHERE id = :i"), {"i": rows[1].id})


def _swap(conn: Connection, rows: list[Response]) -> None:
    a, b = rows[1], rows[2]
    conn.execute(text("UPDATE response SET seq = -1 WHERE id = :i"), {"i": a.id})
    conn.execute(text("UPDATE response SET seq = :s WHERE id = :i"), {"s": a.seq, "i": b.id})
    conn.execute(text("UPDATE response SET seq = :s WHERE id = :i"), {"s": b.seq, "i": a.id})


def _image_byte(conn: Connection, rows: list[Response]) -> None:
    conn.execute(text("UPDATE response SET signature_png = :b WHERE id = :i"),
                 {"b": b"\x89PNG-tesT", "i": rows[3].id})


def _forge_signature(conn: Connection, rows: list[Response]) -> None:
    other = rows[0].signature
    conn.execute(text("UPDATE response SET signature = :s WHERE id = :i"),
                 {"s": other, "i": rows[2].id})


TAMPERS: dict[str, tuple[Callable[[Connection, list[Response]], None], int, set[str], str]] = {
    # name: (tamper, index of the named record, expected kinds, text in a message)
    "score": (_flip_score, 2, {"hash_mismatch"}, "hash mismatch — stored content was altered"),
    "delete": (_delete, 1, {"seq_missing"}, "seq 2 missing (record deleted)"),
    "swap": (_swap, 1, {"hash_mismatch", "prev_hash_mismatch"},
             "prev_hash does not match"),
    "image": (_image_byte, 3, {"hash_mismatch"}, "hash mismatch"),
    "signature": (_forge_signature, 2, {"signature_invalid"}, "signature invalid"),
}


@pytest.mark.parametrize("name", list(TAMPERS))
def test_tampering_is_detected_and_named(ctx: Context, name: str) -> None:
    tamper, index, kinds, needle = TAMPERS[name]
    provider, stored = _seed(ctx)
    assert _verify(ctx)[0]
    with ctx.engine.connect() as conn:
        with conn.begin():
            tamper(conn, stored)
    ok, found, messages = _verify(ctx)
    assert not ok
    assert kinds <= set(found), (found, messages)
    assert any(needle in m for m in messages), messages
    named = stored[index]
    if name == "delete":
        assert any(f"provider {provider}: seq {named.seq}" in m for m in messages)
    else:
        assert any(f"response {named.id} (provider {provider}" in m for m in messages), messages


def test_deleted_record_breaks_the_next_link(ctx: Context) -> None:
    provider, stored = _seed(ctx)
    with ctx.engine.begin() as conn:
        _delete(conn, stored)
    _, kinds, messages = _verify(ctx)
    # seq 3's predecessor is gone: the gap is named once, nothing else is wrong.
    assert kinds == ["seq_missing"]
    assert messages == [f"provider {provider}: seq 2 missing (record deleted)"]


def test_other_key_fails_every_signature(ctx: Context) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    _seed(ctx)
    other = Ed25519PrivateKey.generate().public_key()
    with read_session(ctx.engine) as session:
        result = verify_database(session, other)
    assert not result.ok
    assert sum(p.kind == "signature_invalid" for p in result.problems) == 5
    assert result.key_fingerprint == fingerprint(other)


def test_check_record_good_tampered_unknown(ctx: Context) -> None:
    _, stored = _seed(ctx)
    good, corrected, altered = stored[1], stored[0], stored[2]
    with ctx.engine.begin() as conn:
        _flip_score(conn, stored)
    key = ctx.signer.public_key
    with read_session(ctx.engine) as session:
        found = check_record(session, good.record_hash, key)
        assert found is not None and found.ok and found.total == 91
        assert found.client_name == "用户单位1" and found.provider_name == "北京安防维保有限公司"
        assert not found.superseded
        old = check_record(session, corrected.record_hash, key)
        assert old is not None and old.ok and old.superseded
        bad = check_record(session, altered.record_hash, key)
        assert bad is not None and not bad.intact and bad.signature_ok
        assert check_record(session, "0" * 64, key) is None
        assert check_record(session, "not-a-hash", key) is None


def test_cli_verify_database(ctx: Context, cli_env: dict[str, str]) -> None:
    provider, stored = _seed(ctx)
    runner = CliRunner()
    good = runner.invoke(app, ["verify"], env=cli_env)
    assert good.exit_code == 0, good.output
    assert "5 records" in good.output and "OK" in good.output
    with ctx.engine.begin() as conn:
        _flip_score(conn, stored)
    bad = runner.invoke(app, ["verify"], env=cli_env)
    assert bad.exit_code != 0
    assert f"response {stored[2].id} (provider {provider}, seq 3): hash mismatch" in bad.output


@pytest.mark.parametrize(("column", "value", "kind"), [
    ("header_json", "{not json", "malformed"),
    ("header_json", "[1, 2]", "hash_mismatch"),  # readable, but not what was signed
    ("record_format", "star-survey/record/9", "malformed"),
    ("submitted_at", None, "malformed"),
])
def test_a_malformed_record_is_named_and_the_rest_still_checked(
        ctx: Context, column: str, value: str | None, kind: str) -> None:
    _provider, stored = _seed(ctx)
    with ctx.engine.begin() as conn:
        if column == "submitted_at" and ctx.engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE response ALTER COLUMN submitted_at DROP NOT NULL"))
        elif column == "submitted_at":
            pytest.skip("SQLite keeps the NOT NULL constraint; the type confusion case covers it")
        conn.execute(text(f"UPDATE response SET {column} = :v WHERE id = :i"),  # noqa: S608
                     {"v": value, "i": stored[1].id})
        conn.execute(text("UPDATE response SET item1 = item1 - 1 WHERE id = :i"),
                     {"i": stored[3].id})
    ok, kinds, messages = _verify(ctx)
    assert not ok
    assert kinds[0] == kind and f"response {stored[1].id} " in messages[0]
    assert kinds[-1] == "hash_mismatch" and f"response {stored[3].id} " in messages[-1]
    done = CliRunner().invoke(app, ["verify"], env={"STAR_SURVEY_DB": ctx.settings.db_url,
                                                   "STAR_SURVEY_DATA_DIR": str(ctx.settings.data_dir)})
    assert done.exit_code == 1 and "Traceback" not in done.output
    assert messages[0] in done.output


def test_a_type_confused_score_on_sqlite_is_named(ctx: Context) -> None:
    if ctx.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL refuses text in an integer column")
    _provider, stored = _seed(ctx)
    with ctx.engine.begin() as conn:
        conn.execute(text("UPDATE response SET item2 = 'x' WHERE id = :i"), {"i": stored[0].id})
    ok, kinds, messages = _verify(ctx)
    assert not ok and kinds[0] in ("malformed", "hash_mismatch")
    assert f"response {stored[0].id} " in messages[0]


@pytest.mark.parametrize(("index", "problems"), [
    (0, [("seq_missing", "provider {p}: seq 1 missing (record deleted)", None, 1)]),
    (3, [("seq_missing", "provider {p}: seq 4 missing (record deleted)", None, 4)]),
    (4, []),  # the last record: the chain cannot see it; the head moves back (anchors, receipts)
])
def test_deleting_the_first_last_but_one_and_last_record(
        ctx: Context, index: int, problems: list[tuple[str, str, int | None, int]]) -> None:
    provider = make_provider(ctx)
    clients = [make_client(ctx, provider, f"单位{i}", years={2026: "1000"}) for i in range(5)]
    open_campaign(ctx, provider, 2026)
    # five clients, one form each: no record is referenced by a correction
    stored = [submit(ctx, provider, 2026, client, 90 + i) for i, client in enumerate(clients)]
    with ctx.engine.begin() as conn:
        conn.execute(text("DELETE FROM response WHERE id = :i"), {"i": stored[index].id})
    with read_session(ctx.engine) as session:
        result = verify_database(session, ctx.signer.public_key, anchors=False)
    assert [(p.kind, p.provider_id, p.message, p.response_id, p.seq) for p in result.problems] \
        == [(k, provider, m.format(p=provider), r, s) for k, m, r, s in problems]
    assert result.records == 4
    assert result.heads[provider] == stored[3 if index == 4 else 4].record_hash
    assert ("OK" in result.summary()) is (not problems)


def test_an_unreadable_row_is_named_with_its_error_and_keeps_its_link(ctx: Context) -> None:
    provider, stored = _seed(ctx)
    with ctx.engine.begin() as conn:
        conn.execute(text("UPDATE response SET header_json = '{not json' WHERE id = :i"),
                     {"i": stored[1].id})
    with read_session(ctx.engine) as session:
        result = verify_database(session, ctx.signer.public_key, anchors=False)
    assert [(p.kind, p.provider_id, p.message, p.response_id, p.seq)
            for p in result.problems] == [(
                "malformed", provider,
                f"response {stored[1].id} (provider {provider}, seq 2): unreadable record "
                "(JSONDecodeError: Expecting property name enclosed in double quotes: line 1 "
                "column 2 (char 1)) — stored content was altered", stored[1].id, 2)]


def test_providers_are_checked_in_order_and_one_can_be_chosen(ctx: Context) -> None:
    first, stored = _seed(ctx)
    second = make_provider(ctx, "第二家公司")
    clients = [make_client(ctx, second, f"二{i}", years={2026: "1000"}) for i in range(2)]
    open_campaign(ctx, second, 2026)
    other = [submit(ctx, second, 2026, client, 90) for client in clients]
    with ctx.engine.begin() as conn:  # one altered record in each provider's chain
        for row in (other[1], stored[3]):
            conn.execute(text("UPDATE response SET total = total - 1 WHERE id = :i"),
                         {"i": row.id})
    with read_session(ctx.engine) as session:
        both = verify_database(session, ctx.signer.public_key, anchors=False)
        only = verify_database(session, ctx.signer.public_key, provider_id=second,
                               anchors=False)
    assert [(p.provider_id, p.response_id) for p in both.problems] == [
        (first, stored[3].id), (second, other[1].id)]
    assert (both.records, both.providers) == (7, 2)
    assert both.heads == {first: stored[-1].record_hash, second: other[-1].record_hash}
    assert [(p.provider_id, p.response_id) for p in only.problems] == [(second, other[1].id)]
    assert (only.records, only.providers, only.heads) == (2, 1, {second: other[-1].record_hash})
