"""Hostile text through client names and comments: stored literally, shown inert everywhere."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from pages.ws import literal
from surveys import client_import, clients, responses
from surveys.access import SYSTEM
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.errors import ValidationFailed
from surveys.models import Client, Response
from surveys.validation import validate_response
from tests import factories
from tests.workspace_support import point_app_at, signed_in

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = [
    pytest.param("<b>bold</b><img src=x onerror=alert(1)>", id="html"),
    pytest.param("<script>alert('x')</script>", id="script"),
    pytest.param("'; DROP TABLE client; --", id="sql"),
    pytest.param('=HYPERLINK("http://evil.test","click me")', id="formula"),
    pytest.param("+cmd|' /C calc'!A0", id="dde"),
    pytest.param("**bold** [link](javascript:alert(1)) :red[x] $x^2$ \\", id="markdown"),
    pytest.param("🏢👍 安防 👨\u200d👩\u200d👧\u3000办", id="emoji-zwj"),
    pytest.param("http://evil.test www.evil.test bob@evil.test", id="bare-urls"),
    pytest.param("长" * 200, id="longest-allowed"),
]


@pytest.mark.parametrize("text", HOSTILE)
def test_client_name_and_comment_are_stored_literally(ctx: Context, text: str) -> None:
    provider = factories.make_provider(ctx)
    client_id = factories.make_client(ctx, provider, text, years={2026: 1000})
    factories.open_campaign(ctx, provider, 2026)
    raw = {f"item{i + 1}": v for i, v in enumerate(factories.scores_for_total(95))}
    valid = validate_response({**raw, "evaluation_date": date(2026, 3, 1), "signer_name": text[:100],
                               "comment": text}, window=(date(2026, 1, 1), date(2026, 12, 31)),
                              today=factories.TODAY)
    run_write(ctx.engine, lambda s: responses.submit_paper(
        session=s, actor=SYSTEM, signer=ctx.signer, provider_id=provider, year=2026,
        client_id=client_id, valid=valid, attachments=responses.Attachments()))
    with read_session(ctx.engine) as session:
        assert session.get(Client, client_id).name == text  # type: ignore[union-attr]
        stored = session.exec(select(Response)).one()
        assert stored.comment == text and stored.signer_name == text[:100]
        assert len(session.exec(select(Client)).all()) == 1  # no table was dropped


def test_formula_from_a_spreadsheet_import_stays_text(ctx: Context) -> None:
    provider = factories.make_provider(ctx)
    formula = '=HYPERLINK("http://evil.test","x")'
    csv = ('name,department,manager,phone,key_unit\n"' + formula.replace('"', '""') +
           '",@SUM(1),-2+3,+86 138 0000 0000,否\n').encode()
    run_write(ctx.engine, lambda s: client_import.import_clients(
        session=s, actor=SYSTEM, provider_id=provider, data=csv, filename="c.csv"))
    with read_session(ctx.engine) as session:
        client = session.exec(select(Client)).one()
    assert (client.name, client.department, client.manager, client.phone) == (
        formula, "@SUM(1)", "-2+3", "+86 138 0000 0000")


@pytest.mark.parametrize(("name", "field"), [("", "name"), ("   ", "name"), ("长" * 201, "name")])
def test_empty_and_too_long_names_are_refused_by_field(ctx: Context, name: str, field: str) -> None:
    provider = factories.make_provider(ctx)
    with pytest.raises(ValidationFailed) as caught:
        run_write(ctx.engine, lambda s: clients.create_client(
            session=s, actor=SYSTEM, provider_id=provider, name=name))
    assert [e.field for e in caught.value.errors] == [field]


def test_empty_comment_is_stored_empty(ctx: Context) -> None:
    provider = factories.make_provider(ctx)
    client = factories.make_client(ctx, provider, "甲", years={2026: 1})
    factories.open_campaign(ctx, provider, 2026)
    assert factories.submit(ctx, provider, 2026, client, 90).comment == ""


@pytest.mark.parametrize("text", HOSTILE)
def test_literal_escapes_every_markdown_and_html_character(text: str) -> None:
    escaped = literal(text)
    for char in "<>*[]()`$:_#|!":
        assert f"\\{char}" in escaped or char not in text
    assert escaped.replace("\\", "").replace("\u2060", "") == text.replace("\\", "")


def test_workspace_pages_show_hostile_names_only_inside_tables(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_app_at(monkeypatch, ctx)
    provider = factories.make_provider(ctx, "<i>公司</i>")
    names = [p.values[0] for p in HOSTILE]
    for name in names:
        factories.make_client(ctx, provider, name, years={2026: 1})
    factories.open_campaign(ctx, provider, 2026)
    for page, table in (("clients", 0), ("campaigns", 1)):
        at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60)
        signed_in(at, ctx, "clerk", "staff", provider).run()
        assert not at.exception
        shown = at.dataframe[table].value
        column = 1 if page == "clients" else 0
        assert sorted(shown.iloc[:, column]) == sorted(names)
        assert not at.get("html")
        rendered = [str(m.value) for m in (*at.markdown, *at.caption, *at.info, *at.error)]
        assert not any(name in text for name in names for text in rendered)
