"""AppTests of the workspace: set-up, login, expiry, registry, campaigns, paper forms, audit."""

from __future__ import annotations

import io
import time
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from pages.auth import SETUP_BANNER
from surveys.access import SYSTEM
from surveys.audit import list_audit
from surveys.context import Context
from surveys.db import read_session
from surveys.models import Client, Response, UserAccount
from tests import factories
from tests.workspace_support import (
    TEST_PASSWORD,
    ensure_user,
    login_through_form,
    point_app_at,
    signed_in,
    submit_form,
)

APP = str(Path(__file__).resolve().parents[1] / "survey_app.py")


def app() -> AppTest:
    """Return a fresh AppTest of the whole app."""
    return AppTest.from_file(APP, default_timeout=60)


def page(at: AppTest, path: str) -> AppTest:
    """Return the AppTest after running it and switching to a workspace page."""
    at.run()
    at.switch_page(path)
    return at.run()


def texts(at: AppTest) -> str:
    """Return the visible messages (titles, info, errors, successes, warnings) as one string."""
    parts = [*at.title, *at.info, *at.error, *at.success, *at.warning, *at.caption]
    return "\n".join(str(p.value) for p in parts)


@pytest.fixture
def workspace(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> Context:
    """Return the test context with the app pointed at its database."""
    point_app_at(monkeypatch, ctx)
    return ctx


def test_first_run_shows_setup_and_needs_the_printed_code(
    workspace: Context, capsys: pytest.CaptureFixture[str]
) -> None:
    at = app().run()
    assert not at.exception
    assert at.text_input(key="ws_setup_code") is not None
    printed = capsys.readouterr().out
    assert SETUP_BANNER in printed
    code = printed.split(f"{SETUP_BANNER}: ")[1].split()[0]

    at.text_input(key="ws_setup_code").input("WRONG-CODE")
    at.text_input(key="ws_setup_username").input("boss")
    at.text_input(key="ws_setup_password").input(TEST_PASSWORD)
    at.text_input(key="ws_setup_again").input(TEST_PASSWORD)
    submit_form(at, "ws_setup")
    at.run()
    assert not at.exception
    with read_session(workspace.engine) as session:
        assert session.exec(select(UserAccount)).all() == []

    at.text_input(key="ws_setup_code").input(code)
    submit_form(at, "ws_setup")
    at.run()
    assert not at.exception
    assert at.session_state["ws_user"] == "boss"
    with read_session(workspace.engine) as session:
        account = session.exec(select(UserAccount)).one()
        assert account.role == "admin" and account.password_hash != TEST_PASSWORD
        assert [e.action for e in list_audit(session, SYSTEM)] == ["user_add"]
    # The empty workspace offers the demo data on the providers page.
    at.switch_page("pages/providers.py")
    at.run()
    assert not at.exception
    at.button(key="ws_demo_load").click()
    at.run()
    assert not at.exception
    with read_session(workspace.engine) as session:
        assert len(session.exec(select(Client)).all()) == 10


def test_login_refuses_wrong_password_then_signs_in(workspace: Context) -> None:
    ensure_user(workspace, "clerk@example.com", "admin")
    at = app().run()
    assert not at.exception and "ws_user" not in at.session_state
    login_through_form(at, "clerk@example.com", "not-the-password")
    assert not at.exception
    assert at.error and "ws_user" not in at.session_state
    login_through_form(at, "clerk@example.com", TEST_PASSWORD)
    assert not at.exception
    assert at.session_state["ws_user"] == "clerk@example.com"
    # AppTest reruns the current page file alone; a new run of the app shows the workspace.
    again = app()
    for key in ("ws_user", "ws_seen"):
        again.session_state[key] = at.session_state[key]
    again.run()
    assert not again.exception
    again.button(key="ws_sign_out").click()
    again.run()
    assert "ws_user" not in again.session_state


def test_anonymous_visitor_gets_only_the_login_page(workspace: Context) -> None:
    ensure_user(workspace, "clerk@example.com", "admin")
    at = app().run()
    assert not at.exception
    assert at.text_input(key="ws_login_username") is not None
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/clients.py")


def test_inactive_session_expires(workspace: Context) -> None:
    at = signed_in(app(), workspace)
    at.session_state["ws_seen"] = time.time() - 31 * 60
    at.run()
    assert not at.exception
    assert "ws_user" not in at.session_state
    assert at.text_input(key="ws_login_username") is not None
    assert "重新登录" in texts(at)


def test_staff_registry_add_edit_deactivate(workspace: Context) -> None:
    provider = factories.make_provider(workspace)
    other = factories.make_provider(workspace, "别家公司")
    factories.make_client(workspace, other, "别家的客户")
    at = page(signed_in(app(), workspace, "staff-a", "staff", provider), "pages/clients.py")
    assert not at.exception
    at.text_input(key="ws_client_new_name").input("海淀区图书馆")
    at.checkbox(key="ws_client_new_key").check()
    submit_form(at, "ws_client_add")
    at.run()
    assert not at.exception
    with read_session(workspace.engine) as session:
        client = session.exec(select(Client).where(Client.name == "海淀区图书馆")).one()
    assert client.provider_id == provider and client.key_unit
    shown = at.dataframe[0].value
    assert list(shown.iloc[:, 1]) == ["海淀区图书馆"]  # provider B's client is not listed
    at.checkbox(key=f"ws_client_{client.id}_active").uncheck()
    submit_form(at, f"ws_client_edit_{client.id}")
    at.run()
    assert not at.exception
    with read_session(workspace.engine) as session:
        assert session.get(Client, client.id).active is False  # type: ignore[union-attr]


def test_registry_import_errors_shown_in_a_table(workspace: Context) -> None:
    provider = factories.make_provider(workspace)
    at = page(signed_in(app(), workspace), "pages/clients.py")
    csv = ("name,department,manager,phone,key_unit,contract_year,contract_amount\n"
           "甲单位,保卫处,张,13812345678,是,2026,100000\n,保卫处,李,010-85123456,maybe,1999,-5\n"
           ).encode()
    at.file_uploader(key="ws_import_file").upload("clients.csv", csv, "text/csv")
    at.run()
    at.button(key="ws_import_run").click()
    at.run()
    assert not at.exception
    problems = at.dataframe[-1].value
    assert set(problems.iloc[:, 0]) == {3}
    assert {"用户单位名称", "重点保卫单位", "合同年度"} <= set(problems.iloc[:, 1])
    with read_session(workspace.engine) as session:
        assert session.exec(select(Client).where(Client.provider_id == provider)).all() == []


def test_assessor_sees_registry_read_only(workspace: Context) -> None:
    provider = factories.make_provider(workspace)
    factories.make_client(workspace, provider, "朝阳区实验中学")
    at = page(signed_in(app(), workspace, "auditor", "assessor"), "pages/clients.py")
    assert not at.exception
    assert not at.get("form") and not at.file_uploader
    assert "只读" in texts(at)


def test_campaign_page_opens_and_offers_links_and_qr(workspace: Context) -> None:
    provider = factories.make_provider(workspace)
    factories.make_client(workspace, provider, "北京银行西城支行", years={2026: 80000})
    at = page(signed_in(app(), workspace, "staff-a", "staff", provider), "pages/campaigns.py")
    assert not at.exception
    at.number_input(key="ws_campaign_year").set_value(2026)
    submit_form(at, "ws_campaign_open")
    at.run()
    assert not at.exception
    progress = at.dataframe[1].value
    assert list(progress.iloc[:, 0]) == ["北京银行西城支行"]
    assert list(progress.iloc[:, 2]) == ["未打开"]
    assert at.code and at.code[0].value.startswith("http://survey.test/?t=")
    at.button(key="ws_sheet_prepare").click()
    at.run()
    assert not at.exception
    assert at.get("download_button")
    old_link = at.code[0].value
    at.button(key="ws_link_reissue").click()
    at.run()
    assert at.code[0].value == old_link  # the page asks first
    at.button(key="cli_confirm_yes").click()
    at.run()
    assert not at.exception and at.code[0].value != old_link
    with read_session(workspace.engine) as session:
        actions = [e.action for e in list_audit(session, SYSTEM)]
    assert "campaign_open" in actions and "link_reissue" in actions


def _png() -> bytes:
    """Return a small PNG standing in for a scanned paper form."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_paper_form_is_validated_and_stored_with_its_scan(workspace: Context) -> None:
    provider = factories.make_provider(workspace)
    client = factories.make_client(workspace, provider, "东城区文化馆", years={2026: 50000})
    factories.open_campaign(workspace, provider, 2026)
    at = page(signed_in(app(), workspace, "staff-a", "staff", provider), "pages/paper.py")
    assert not at.exception
    form = f"ws_paper_2026_{client}_0"
    at.file_uploader(key=f"{form}_scan").upload("scan.png", b"not an image", "image/png")
    submit_form(at, form)
    at.run()
    assert not at.exception
    fields = set(at.dataframe[-1].value.iloc[:, 1])
    assert {"1. 服务业务管理能力", "签字人姓名", "纸质表扫描件"} <= fields, fields
    for no, score in enumerate(factories.scores_for_total(92), start=1):
        at.number_input(key=f"{form}_item{no}").set_value(score)
    at.date_input(key=f"{form}_date").set_value(date(2026, 6, 1))
    at.text_input(key=f"{form}_signer").input("周杰")
    at.file_uploader(key=f"{form}_scan").upload("scan.png", _png(), "image/png")
    submit_form(at, form)
    at.run()
    assert not at.exception
    assert at.success
    with read_session(workspace.engine) as session:
        stored = session.exec(select(Response)).one()
    assert stored.origin == "paper" and stored.total == 92 and stored.scan == _png()


def test_paper_page_hidden_from_assessors_and_audit_page_lists(workspace: Context) -> None:
    provider = factories.make_provider(workspace)
    factories.make_client(workspace, provider, "丰台区政务服务中心")
    at = signed_in(app(), workspace, "auditor", "assessor").run()
    assert not at.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/paper.py").run()
    at = page(signed_in(app(), workspace, "auditor", "assessor"), "pages/audit.py")
    assert not at.exception
    table = at.dataframe[0].value
    assert {"登记服务单位", "登记用户单位", "新建账户"} <= set(table.iloc[:, 2])


SSO_SECRETS = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback",
                        "cookie_secret": "x" * 32, "client_id": "star-survey",
                        "client_secret": "s", "server_metadata_url":
                        "https://login.example.com/.well-known/openid-configuration"}}


@pytest.mark.parametrize(("configured", "email", "signed_in_as"), [
    (True, "clerk@example.com", "clerk@example.com"),
    (True, "stranger@example.com", None),
    (False, "clerk@example.com", None),
])
def test_single_sign_on_maps_the_email_onto_an_existing_account(
    workspace: Context, configured: bool, email: str, signed_in_as: str | None
) -> None:
    provider = factories.make_provider(workspace)
    ensure_user(workspace, "clerk@example.com", "staff", provider)
    at = app()
    if configured:
        at.secrets = SSO_SECRETS
    at.user = {"is_logged_in": True, "email": email}
    at.run()
    assert not at.exception
    buttons = [button.key for button in at.button]
    if signed_in_as:
        assert at.session_state["ws_user"] == signed_in_as
        assert "ws_sign_out" in buttons
        return
    assert "ws_user" not in at.session_state
    assert at.text_input(key="ws_login_username") is not None
    assert ("ws_sso" in buttons) == configured
    assert ("没有对应的账户" in texts(at)) == configured


MY_PAGES = ("providers", "clients", "campaigns", "paper", "audit", "accounts")


@pytest.mark.parametrize("role", ["admin", "staff", "assessor"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_workspace_page_renders_for_every_role(
    workspace: Context, role: str, lang: str
) -> None:
    provider = factories.make_provider(workspace)
    client = factories.make_client(workspace, provider, "昌平区第二中学", years={2026: 9})
    factories.open_campaign(workspace, provider, 2026)
    factories.submit(workspace, provider, 2026, client, 97)
    for name in MY_PAGES:
        at = AppTest.from_file(str(Path(APP).parent / "pages" / f"{name}.py"), default_timeout=60)
        at.session_state["lang"] = lang
        signed_in(at, workspace, f"{role}-user", role, provider if role == "staff" else None)
        at.run()
        assert not at.exception, (name, at.exception)
        if role == "assessor" and name != "accounts":  # accounts: own password only
            keys = {button.key for button in at.button}
            assert not at.get("form") and not at.file_uploader, name
            assert not keys & {"ws_link_revoke", "ws_link_reissue", "ws_campaign_close"}, name


def test_changing_ones_own_password_on_the_accounts_page(workspace: Context) -> None:
    from surveys import workspace_sessions as ws
    from surveys.db import run_write
    from surveys.users import authenticate

    provider = factories.make_provider(workspace)
    ensure_user(workspace, "clerk@example.com", "staff", provider)
    elsewhere = run_write(workspace.engine, lambda s: ws.exchange_code(
        session=s, code=ws.mint_sign_in(session=s, username="clerk@example.com", idle_minutes=30)))
    at = AppTest.from_file(str(Path(APP).parent / "pages" / "accounts.py"), default_timeout=60)
    signed_in(at, workspace, "clerk@example.com", "staff", provider).run()
    at.text_input(key="ws_pw_old").input(TEST_PASSWORD)
    at.text_input(key="ws_pw_new").input("a-brand-new-passphrase")
    at.text_input(key="ws_pw_again").input("a-brand-new-passphrase")
    submit_form(at, "ws_password")
    at.run()
    assert not at.exception and [s.value for s in at.success]
    outcome = run_write(workspace.engine, lambda s: authenticate(
        session=s, username="clerk@example.com", password="a-brand-new-passphrase"))
    assert outcome.actor is not None
    resumed = run_write(workspace.engine, lambda s: ws.resume(session=s, token=elsewhere,
                                                              idle_minutes=30))
    assert resumed.actor is None  # the browser elsewhere is signed out
