"""The paper entry page as staff use it: a fresh form per client, states, replacing needs a reason."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image
from sqlmodel import col, select
from streamlit.testing.v1 import AppTest

from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.invitations import mark_opened
from surveys.models import Invitation, Response
from tests import factories
from tests.test_workspace_pages import app, page
from tests.workspace_support import point_app_at, signed_in, submit_form

YEAR = 2026


def _png() -> bytes:
    """Return a small PNG standing in for a scanned paper form."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def scene(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> tuple[Context, int, dict[str, int]]:
    """Return the context, a provider and its four clients, one in each state."""
    point_app_at(monkeypatch, ctx)
    provider = factories.make_provider(ctx)
    names = ("甲-未打开", "乙-已打开", "丙-网上", "丁-纸质")
    ids = {name: factories.make_client(ctx, provider, name, years={YEAR: 1}) for name in names}
    factories.open_campaign(ctx, provider, YEAR)
    with read_session(ctx.engine) as session:
        opened = session.exec(select(Invitation.id).where(
            Invitation.client_id == ids["乙-已打开"])).one()
    run_write(ctx.engine, lambda s: mark_opened(session=s, invitation_id=opened))
    factories.submit_web(ctx, provider, ids["丙-网上"], 88, year=YEAR,
                         today=date(YEAR, 6, 20), when=date(YEAR, 6, 20))
    factories.submit(ctx, provider, YEAR, ids["丁-纸质"], 90)
    return ctx, provider, ids


def paper_page(ctx: Context, provider: int, lang: str = "zh") -> AppTest:
    """Return the paper page signed in as the provider's staff."""
    at = signed_in(app(), ctx, "clerk", "staff", provider)
    at.session_state["lang"] = lang
    return page(at, "pages/paper.py")


def choose(at: AppTest, client: str) -> AppTest:
    """Return the page after choosing a client by its name in the client selector."""
    box = at.selectbox(key="ws_paper_client")
    box.select_index(next(i for i, o in enumerate(box.options) if o.startswith(client)))
    return at.run()


def entry_form(at: AppTest) -> str:
    """Return the id of the form on the page (the paper entry form)."""
    return next(b.proto.form_id for b in at.button if b.proto.form_id)


def fill(at: AppTest, total: int, signer: str) -> None:
    """Type nine scores, a date and the signer into the entry form (found by label, not key)."""
    for box, score in zip(at.number_input, factories.scores_for_total(total), strict=True):
        box.set_value(score)
    at.date_input[0].set_value(date(YEAR, 6, 1))
    next(box for box in at.text_input if box.label == "签字人姓名").input(signer)


def stored(ctx: Context, client: int) -> list[Response]:
    """Return the client's stored versions, oldest first."""
    with read_session(ctx.engine) as session:
        return list(session.exec(select(Response).where(Response.client_id == client)
                                 .order_by(col(Response.version))).all())


def test_changing_client_gives_an_empty_form(scene: tuple[Context, int, dict[str, int]]) -> None:
    ctx, provider, ids = scene
    at = choose(paper_page(ctx, provider), "甲-未打开")
    fill(at, 77, "上一家的签字人")
    submit_form(at, entry_form(at))  # refused: no scan; the values are now committed
    at.run()
    assert not at.exception and at.error
    assert [box.value for box in at.number_input][0] is not None
    at = choose(at, "乙-已打开")
    assert not at.exception
    assert [box.value for box in at.number_input] == [None] * 9
    assert all(box.value == "" for box in at.text_input)
    assert at.date_input[0].value is None


def test_client_list_shows_each_clients_state(scene: tuple[Context, int, dict[str, int]]) -> None:
    ctx, provider, ids = scene
    at = paper_page(ctx, provider)
    assert not at.exception
    table = at.dataframe[0].value
    states = dict(zip(table.iloc[:, 0], table.iloc[:, 1], strict=True))
    assert states == {"甲-未打开": "未打开", "乙-已打开": "已打开", "丙-网上": "网上已答",
                      "丁-纸质": "纸质已录"}
    options = at.selectbox(key="ws_paper_client").options
    assert "丙-网上 · 网上已答" in options and "甲-未打开 · 未打开" in options


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_replacing_an_answer_says_so_and_needs_a_reason(
    scene: tuple[Context, int, dict[str, int]], lang: str
) -> None:
    ctx, provider, ids = scene
    client = ids["丙-网上"]
    at = choose(paper_page(ctx, provider, lang), "丙-网上")
    warning = at.warning[0].value
    assert ("第 2 版" in warning and "原版本永久保留" in warning) if lang == "zh" else (
        "version 2" in warning and "kept" in warning)
    submit = next(b for b in at.button if b.proto.form_id)
    assert ("第 2 版" in submit.label) if lang == "zh" else ("version 2" in submit.label)
    for box, score in zip(at.number_input, factories.scores_for_total(95), strict=True):
        box.set_value(score)
    at.date_input[0].set_value(date(YEAR, 6, 1))
    at.text_input[0].input("周杰")
    at.file_uploader[0].upload("scan.png", _png(), "image/png")
    submit.click()
    at.run()
    assert not at.exception
    fields = set(at.dataframe[-1].value.iloc[:, 1])
    assert fields == {"更正原因" if lang == "zh" else "Correction reason"}
    assert [v.version for v in stored(ctx, client)] == [1]
    at.text_area[-1].input("用户单位来电更正第 3 项")
    submit_form(at, entry_form(at))
    at.run()
    assert not at.exception and at.success
    versions = stored(ctx, client)
    assert [(v.version, v.origin, v.total) for v in versions] == [(1, "web", 88), (2, "paper", 95)]
    assert versions[1].reason == "用户单位来电更正第 3 项"
    assert [box.value for box in at.number_input] == [None] * 9  # a fresh form after storing


def test_a_form_stored_meanwhile_is_not_replaced_unseen(
    scene: tuple[Context, int, dict[str, int]]
) -> None:
    ctx, provider, ids = scene
    client = ids["丁-纸质"]
    at = choose(paper_page(ctx, provider), "丁-纸质")
    fill(at, 70, "王五")
    at.file_uploader[0].upload("scan.png", _png(), "image/png")
    at.text_area[-1].input("纸质表录错了")
    factories.submit(ctx, provider, YEAR, client, 60, reason="同事先改了")  # meanwhile: v2
    submit_form(at, entry_form(at))
    at.run()
    assert not at.exception and not at.success
    errors = [str(e.value) for e in at.error]
    assert any("第 2 版" in e for e in errors) and not any("version" in e for e in errors), errors
    assert [(v.version, v.total) for v in stored(ctx, client)] == [(1, 90), (2, 60)]


def test_paper_page_offers_the_import_template_and_states_the_scan_rule(
    scene: tuple[Context, int, dict[str, int]]
) -> None:
    ctx, provider, _ids = scene
    at = paper_page(ctx, provider)
    labels = [b.label for b in at.get("download_button")]  # type: ignore[attr-defined]
    assert any("模板" in label for label in labels)
    assert any("扫描件必填" in str(c.value) for c in at.caption)
