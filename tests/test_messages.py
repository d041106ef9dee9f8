"""Messages to paste or bulk-send: one per invited client, its own link, writers only; CSV/XLSX
in the layout bulk-SMS platforms import (姓名, 手机号码, 短信内容)."""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from surveys import clients, invitations
from surveys.access import SYSTEM, Actor
from surveys.context import Context
from surveys.db import run_write
from surveys.errors import NotFound, PermissionDenied
from surveys.invitation_text import MESSAGE_MAX
from surveys.messages import (
    SMS_HEADER,
    campaign_messages,
    mobile_number,
    sms_csv,
    sms_rows,
    sms_xlsx,
)
from tests import factories

YEAR = 2026
BASE = "http://survey.test"


@pytest.fixture
def scene(ctx: Context) -> tuple[Context, int, dict[str, int]]:
    """Return (ctx, provider, {client name: id}) with an open campaign of four clients."""
    pid = factories.make_provider(ctx)
    ids = {name: factories.make_client(ctx, pid, name, years={YEAR: 1})
           for name in ("甲医院", "乙学校", "=HYPERLINK(\"http://x\")", "丁银行")}
    phones = {"甲医院": "+86 138-1234-5678", "乙学校": "010-8512 3456",
              "=HYPERLINK(\"http://x\")": "13912345678", "丁银行": ""}
    for name, phone in phones.items():
        run_write(ctx.engine, lambda s, n=name, p=phone: clients.update_client(
            session=s, actor=SYSTEM, client_id=ids[n], fields={"phone": p}))
    factories.open_campaign(ctx, pid, YEAR)
    return ctx, pid, ids


def messages(ctx: Context, pid: int, actor: Actor = SYSTEM, **kw: Any) -> list[Any]:
    """Return the campaign's messages for the actor."""
    with Session(ctx.engine) as s:
        return campaign_messages(session=s, actor=actor, secret=ctx.link_secret,
                                 provider_id=pid, year=YEAR, base_url=BASE, **kw)


def client_of(ctx: Context, link: str) -> int:
    """Return the client id the link's token opens."""
    token = parse_qs(urlsplit(link).query)["t"][0]
    with Session(ctx.engine) as s:
        view = invitations.resolve_token(session=s, token=token)
    assert view is not None
    return int(view.client.id or 0)


def test_every_invited_client_gets_its_own_link_in_its_message(scene: Any) -> None:
    ctx, pid, ids = scene
    found = messages(ctx, pid)
    assert sorted(m.client for m in found) == sorted(ids)
    for message in found:
        assert client_of(ctx, message.link) == ids[message.client] == message.client_id
        assert f" {message.link} " in message.text and len(message.text) <= MESSAGE_MAX
        assert message.client in message.text and "12月31日" in message.text


@pytest.mark.parametrize("actor", [Actor("as", "assessor"), Actor("sb", "staff", -1)])
def test_only_writers_get_messages(scene: Any, actor: Actor) -> None:
    ctx, pid, _ids = scene
    with pytest.raises((PermissionDenied, NotFound)):
        messages(ctx, pid, actor)
    assert messages(ctx, pid, Actor("sa", "staff", pid))


def test_revoked_links_and_answered_clients_for_reminders_are_left_out(scene: Any) -> None:
    ctx, pid, ids = scene
    with Session(ctx.engine) as s:
        pairs = invitations.list_invitations(session=s, actor=SYSTEM, provider_id=pid, year=YEAR)
    revoke = next(int(inv.id or 0) for inv, c in pairs if c.id == ids["乙学校"])
    run_write(ctx.engine, lambda s: invitations.revoke_invitation(session=s, actor=SYSTEM,
                                                                  invitation_id=revoke))
    factories.submit(ctx, pid, YEAR, ids["甲医院"], 95)
    assert "乙学校" not in {m.client for m in messages(ctx, pid)}
    reminders = messages(ctx, pid, reminder=True)
    assert {m.client for m in reminders} == {"=HYPERLINK(\"http://x\")", "丁银行"}
    assert all("提醒" in m.text for m in reminders)
    assert not any("提醒" in m.text for m in messages(ctx, pid))


@pytest.mark.parametrize(("typed", "mobile"), [
    ("+86 138-1234-5678", "13812345678"), ("0086 13912345678", "13912345678"),
    ("１３８１２３４５６７８", "13812345678"), ("138 1234 5678", "13812345678"),
    ("010-8512 3456", None), ("400-810-8888", None), ("", None), ("1381234567", None),
])
def test_mobile_numbers_for_sms(typed: str, mobile: str | None) -> None:
    assert mobile_number(typed) == mobile


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_csv_and_xlsx_hold_the_rows_a_platform_imports(scene: Any) -> None:
    ctx, pid, _ids = scene
    found = messages(ctx, pid)
    rows, left_out = sms_rows(found)
    assert {m.client for m in left_out} == {"乙学校", "丁银行"}  # landline, no phone
    assert SMS_HEADER == ("姓名", "手机号码", "短信内容")
    expected = sorted([("'=HYPERLINK(\"http://x\")", "13912345678"), ("甲医院", "13812345678")])
    data = sms_csv(found)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel opens the Chinese right
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(table[0]) == SMS_HEADER
    assert sorted((r[0], r[1]) for r in table[1:]) == expected
    texts = {m.text for m in found}
    assert all(r[2] in texts for r in table[1:])
    sheet = load_workbook(io.BytesIO(sms_xlsx(found))).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert tuple(values[0]) == SMS_HEADER
    assert sorted((r[0], r[1]) for r in values[1:]) == expected
    assert all(c.data_type == "s" for row in sheet.iter_rows(min_row=2) for c in row)
    assert all(r[2] in texts for r in values[1:])



@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_cli_messages_writes_csv_xlsx_and_text(scene: Any, cli: Any, tmp_path: Any) -> None:
    import json

    ctx, pid, ids = scene
    args = ("messages", "--provider", str(pid), "--year", str(YEAR), "--base-url", BASE)
    code, out, err = cli(*args, "--out", str(tmp_path / "m.csv"), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["rows"] == 2
    assert {c["client"] for c in report["without_mobile"]} == {"乙学校", "丁银行"}
    table = list(csv.reader(io.StringIO((tmp_path / "m.csv").read_text("utf-8-sig"))))
    assert len(table) == 3 and all(client_of(ctx, r[2].split(" ")[1]) in ids.values()
                                   for r in table[1:])
    assert cli(*args, "--out", str(tmp_path / "m.xlsx"))[0] == 0
    assert load_workbook(tmp_path / "m.xlsx").worksheets[0].max_row == 3
    assert cli(*args, "--out", str(tmp_path / "m.txt"), "--reminder")[0] == 0
    text = (tmp_path / "m.txt").read_text("utf-8")
    assert all(name in text for name in ids) and text.count("提醒") == 4
    code, _out, err = cli(*args, "--out", str(tmp_path / "m.pdf"))
    assert code != 0 and ".csv" in err and not (tmp_path / "m.pdf").exists()
