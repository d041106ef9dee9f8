"""The one text rule over every entry path: control characters refused naming the field, the
characters people type kept (in NFC), nothing stored when refused.

The scene is shared by a module (one database per back-end): refused cases store nothing, and
every accepted case writes under names of its own.
"""

from __future__ import annotations

import contextlib
import io
import json
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlmodel import func, select

from surveys import clients, providers, users
from surveys.access import SYSTEM
from surveys.client_import import import_clients
from surveys.context import Context, open_context
from surveys.db import read_session, run_write
from surveys.errors import ValidationFailed
from surveys.models import AuditEntry, Client, Provider, Response, UserAccount
from surveys.paper_entry import enter_paper_form
from surveys.response_import import import_paper_forms
from surveys.responses import Attachments
from surveys.schema import upgrade
from surveys.settings import Settings
from surveys.web_form import submit_web_form
from tests import factories
from tests.conftest import fresh_pg_schema
from tests.test_web_form import signature_png

TODAY = factories.TODAY
PNG = signature_png()

REFUSED = {
    "VT (Word line break)": "\x0b",
    "NUL": "\x00",
    "ESC clear screen": "\x1b[2J",
    "BEL": "\x07",
    "DEL": "\x7f",
    "NEL": "\x85",
    "C1 CSI": "\x9b31m",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
    "LRE embedding": "\u202a",
    "RLO override": "\u202e",
    "LRI isolate": "\u2066",
    "PDI": "\u2069",
    "CR in one line": "\r",
}
ACCEPTED = {
    "ideographic space": ("张\u3000三", "张\u3000三"),
    "no-break space": ("张\xa0三", "张\xa0三"),
    "emoji": ("安防👍", "安防👍"),
    "emoji ZWJ family": ("👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"),
    "emoji skin tone": ("👍🏽好", "👍🏽好"),
    "emoji flag tags": ("🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
                        "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"),
    "variation selector": ("❤\ufe0f", "❤\ufe0f"),
    "NFD to NFC": ("Cafe\u0301", "Caf\u00e9"),
    "CJK extension B": ("𠀀𪚥", "𠀀𪚥"),
    "zero-width space": ("甲\u200b乙", "甲\u200b乙"),
    "left-to-right mark": ("甲\u200e乙", "甲\u200e乙"),
}


@dataclass
class Scene:
    """A provider with an invited client and its link, on one database."""

    ctx: Context
    provider: int
    client: int
    token: str
    folder: Path


def build_scene(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    """Yield the scene on SQLite or on a fresh PostgreSQL schema."""
    folder = tmp_path_factory.mktemp("text-rule")
    with contextlib.ExitStack() as stack:
        if kind == "sqlite":
            url = f"sqlite:///{folder / 'survey.db'}"
        else:
            url = stack.enter_context(fresh_pg_schema())
        ctx = open_context(Settings(db_url=url, data_dir=folder / "data",
                                    base_url="http://survey.test"))
        stack.callback(ctx.engine.dispose)
        upgrade(ctx.engine)
        provider = factories.make_provider(ctx)
        client = factories.make_client(ctx, provider, "甲单位", years={2026: 1000})
        factories.open_campaign(ctx, provider, 2026)
        token = factories.links(ctx, provider, 2026)[0]["url"].split("?t=")[1]
        yield Scene(ctx, provider, client, token, folder)


@pytest.fixture(scope="module")
def sqlite_scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    """Yield the module's scene on SQLite."""
    yield from build_scene("sqlite", tmp_path_factory)


@pytest.fixture(scope="module")
def postgres_scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    """Yield the module's scene on PostgreSQL."""
    yield from build_scene("postgres", tmp_path_factory)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> Scene:
    """Return the module's scene of the back-end the case names."""
    return request.getfixturevalue(f"{request.param}_scene")  # type: ignore[no-any-return]


def state(scene: Scene) -> tuple[int, ...]:
    """Return the numbers of rows in every table an entry path may write."""
    with read_session(scene.ctx.engine) as s:
        return tuple(s.exec(select(func.count()).select_from(t)).one()
                     for t in (Provider, Client, Response, AuditEntry, UserAccount))


def new_invited_client(scene: Scene, tag: str) -> int:
    """Return a client invited to the 2026 campaign (each paper case enters a first version)."""
    client = factories.make_client(scene.ctx, scene.provider, f"客户{tag}", years={2026: 1})
    factories.open_campaign(scene.ctx, scene.provider, 2026)
    return client


def raw_form(**fields: Any) -> dict[str, Any]:
    """Return a filled form with the given fields replaced."""
    raw: dict[str, Any] = {f"item{i + 1}": v for i, v in enumerate(factories.FULL_MARKS)}
    raw.update(evaluation_date=date(2026, 3, 1), signer_name="张三", comment="")
    raw.update(fields)
    return raw


def latest(scene: Scene, client: int | None = None) -> Response | None:
    """Return the newest stored response (of one client)."""
    query = select(Response).order_by(Response.id.desc())  # type: ignore[union-attr]
    if client is not None:
        query = query.where(Response.client_id == client)
    with read_session(scene.ctx.engine) as s:
        return s.exec(query).first()


def web(scene: Scene, value: str, tag: str, *, field: str) -> str:
    """Submit the web form with value in a signer field or a header edit; return what is stored."""
    before = latest(scene, scene.client)
    mine = before.id if before is not None else None
    header = {"manager": value} if field == "manager" else {}
    raw = raw_form(**({} if field == "manager" else {field: value}))
    stored = run_write(scene.ctx.engine, lambda s: submit_web_form(
        session=s, signer=scene.ctx.signer, token=scene.token, raw=raw, header_edits=header,
        attachments=Attachments(signature_png=PNG), submission_key=uuid.uuid4().hex,
        supersedes_id=mine, today=TODAY))
    if field == "manager":
        return str(json.loads(stored.header_json)["client"]["manager"])
    return str(getattr(stored, field))


def paper(scene: Scene, value: str, tag: str, *, field: str) -> str:
    """Enter a paper form with value in a field; return what is stored."""
    client = new_invited_client(scene, tag) if tag else scene.client
    stored = run_write(scene.ctx.engine, lambda s: enter_paper_form(
        session=s, actor=SYSTEM, signer=scene.ctx.signer, provider_id=scene.provider, year=2026,
        client_id=client, raw=raw_form(**{field: value}), scan=PNG, scan_name="scan.png",
        today=TODAY))
    return str(getattr(stored, field))


def new_client(scene: Scene, value: str, tag: str) -> str:
    """Register a client named tag+value; return the stored name."""
    made = run_write(scene.ctx.engine, lambda s: clients.create_client(
        session=s, actor=SYSTEM, provider_id=scene.provider, name=tag + value))
    return made.name[len(tag):]


def edit_client(scene: Scene, value: str, tag: str) -> str:
    """Change the client's person in charge; return the stored value."""
    made = run_write(scene.ctx.engine, lambda s: clients.update_client(
        session=s, actor=SYSTEM, client_id=scene.client, fields={"manager": value}))
    return made.manager


def new_provider(scene: Scene, value: str, tag: str) -> str:
    """Register a provider named tag+value; return the stored name."""
    made = run_write(scene.ctx.engine, lambda s: providers.create_provider(
        session=s, actor=SYSTEM, name=tag + value))
    return made.name[len(tag):]


def cli_client_add(scene: Scene, value: str, tag: str) -> str:
    """Run `star-survey client add`; return the stored name, or raise like the domain."""
    from cli.main import main

    settings = scene.ctx.settings
    env = {"STAR_SURVEY_DB": settings.db_url, "STAR_SURVEY_DATA_DIR": str(settings.data_dir),
           "STAR_SURVEY_BASE_URL": "http://survey.test"}
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        for key, item in env.items():
            patch.setenv(key, item)
        patch.setattr("sys.stdout", out)
        patch.setattr("sys.stderr", err)
        try:
            main(["client", "add", "--provider", str(scene.provider), "--json", tag + value])
            code = 0
        except SystemExit as exited:
            code = int(exited.code or 0)
    if code:
        raise CliFailed(err.getvalue())
    with read_session(scene.ctx.engine) as s:
        made = s.get(Client, json.loads(out.getvalue())["id"])
    assert made is not None
    return made.name[len(tag):]


class CliFailed(Exception):
    """The CLI exited non-zero; the message is its stderr."""


def xlsx_with(cells: list[list[str]]) -> bytes:
    """Return an .xlsx whose strings are written as Excel writes them (_xHHHH_ for controls)."""
    book = Workbook()
    for row in cells:
        book.active.append([f"@@{i}" for i, _ in enumerate(row)])
    raw = io.BytesIO()
    book.save(raw)
    source = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode()
                for line in cells:
                    for i, cell in enumerate(line):
                        escaped = "".join(
                            f"_x{ord(c):04X}_" if ord(c) < 32 or c in "\x7f" else c for c in cell)
                        escaped = escaped.replace("&", "&amp;").replace("<", "&lt;")
                        xml = xml.replace(f">@@{i}<", f">{escaped}<", 1)
                data = xml.encode()
            target.writestr(info, data)
    return out.getvalue()


CLIENT_COLUMNS = ["name", "department", "manager", "phone", "key_unit"]


def client_file(scene: Scene, value: str, tag: str, *, kind: str) -> str:
    """Import a client list whose second row names tag+value; return the stored name."""
    rows = [CLIENT_COLUMNS, ["乙单位", "", "", "", "否"], [tag + value, "", "", "", "否"]]
    if kind == "csv":
        data = "\n".join(",".join(f'"{c}"' for c in row) for row in rows).encode("utf-8")
    else:
        data = xlsx_with(rows)
    run_write(scene.ctx.engine, lambda s: import_clients(
        session=s, actor=SYSTEM, provider_id=scene.provider, data=data,
        filename=f"c.{kind}"))
    with read_session(scene.ctx.engine) as s:
        names = s.exec(select(Client.name).where(Client.name.startswith(tag))).all()  # type: ignore
    assert len(names) == 1
    return names[0][len(tag):]


PAPER_COLUMNS = ["client", "date", "signer", *[f"item{i}" for i in range(1, 10)], "comment",
                 "scan"]


def paper_file(scene: Scene, value: str, tag: str, *, field: str) -> str:
    """Import a paper-form CSV with value in the signer or comment cell; return what is stored."""
    client = new_invited_client(scene, tag) if tag else scene.client
    (scene.folder / "scan.png").write_bytes(PNG)
    cells = {"client": str(client), "date": "2026-03-01", "signer": "张三", "comment": "",
             "scan": "scan.png", **{f"item{i}": str(m) for i, m in
                                   zip(range(1, 10), factories.FULL_MARKS, strict=True)}}
    cells[field] = value
    body = ",".join(f'"{cells[c]}"' for c in PAPER_COLUMNS)
    data = (",".join(PAPER_COLUMNS) + "\n" + body + "\n").encode("utf-8")
    run_write(scene.ctx.engine, lambda s: import_paper_forms(
        session=s, actor=SYSTEM, signer=scene.ctx.signer, provider_id=scene.provider, year=2026,
        data=data, filename="p.csv", today=TODAY, base_dir=scene.folder))
    return str(getattr(latest(scene, client), "signer_name" if field == "signer" else field))


def account(scene: Scene, value: str, tag: str) -> str:
    """Create an account named tag+value; return the stored username."""
    made = run_write(scene.ctx.engine, lambda s: users.create_user(
        session=s, actor=SYSTEM, username=f"u{tag}{value}", password="correct-horse-1",
        role="admin", provider_id=None))
    return made.username[len(tag) + 1:]


Path_ = Callable[[Scene, str, str], str]
# entry path -> (the field an error must name, the call, what it is: "line" for one-line text,
# "multiline" for the comment (keeps line breaks), "identifier" for account names (no spaces))
PATHS: dict[str, tuple[str, Path_, str]] = {
    "web form: header edit": ("manager", lambda s, v, t: web(s, v, t, field="manager"), "line"),
    "web form: signer": ("signer_name", lambda s, v, t: web(s, v, t, field="signer_name"), "line"),
    "paper page: signer": ("signer_name", lambda s, v, t: paper(s, v, t, field="signer_name"),
                           "line"),
    "paper page: comment": ("comment", lambda s, v, t: paper(s, v, t, field="comment"),
                            "multiline"),
    "registry: new client": ("name", new_client, "line"),
    "registry: edit client": ("manager", edit_client, "line"),
    "registry: new provider": ("name", new_provider, "line"),
    "CLI: client add": ("name", cli_client_add, "line"),
    "import: client CSV": ("name", lambda s, v, t: client_file(s, v, t, kind="csv"), "line"),
    "import: client XLSX": ("name", lambda s, v, t: client_file(s, v, t, kind="xlsx"), "line"),
    "import: paper signer": ("signer", lambda s, v, t: paper_file(s, v, t, field="signer"), "line"),
    "import: paper comment": ("comment", lambda s, v, t: paper_file(s, v, t, field="comment"),
                              "multiline"),
    "account name": ("username", account, "identifier"),
}
ON_POSTGRES = {"NUL", "VT (Word line break)", "RLO override", "ESC clear screen",
               "emoji ZWJ family", "ideographic space", "NFD to NFC"}


def cases(table: dict[str, Any], *, accepted: bool) -> list[Any]:
    """Return (back-end, path, case) parameters: every case on SQLite, a few on PostgreSQL."""
    params = []
    for backend in ("sqlite", "postgres"):
        for path, (_, _, kind) in PATHS.items():
            for case in table:
                if backend == "postgres" and case not in ON_POSTGRES:
                    continue
                if (accepted and kind == "identifier") or (kind == "multiline"
                                                           and case == "CR in one line"):
                    continue
                marks = [pytest.mark.postgres] if backend == "postgres" else []
                params.append(pytest.param(backend, path, case, marks=marks,
                                           id=f"{backend}-{path}-{case}"))
    return params


@pytest.mark.parametrize(("backend", "path", "case"), cases(REFUSED, accepted=False),
                         indirect=["backend"])
def test_control_characters_are_refused_naming_the_field(backend: Scene, path: str,
                                                         case: str) -> None:
    field, call, _ = PATHS[path]
    char = REFUSED[case]
    before = state(backend)
    with pytest.raises((ValidationFailed, CliFailed)) as caught:
        call(backend, f"甲{char}乙", "")
    code = f"U+{ord(char[0]):04X}"
    if isinstance(caught.value, CliFailed):
        message = str(caught.value)
        assert field in message and code in message
    else:
        named = [e for e in caught.value.errors if e.field == field]
        assert named, caught.value.errors
        assert any(code in e.zh and code in e.en for e in named)
        if path.startswith("import"):
            assert all(e.row == 3 if path.startswith("import: client") else e.row == 2
                       for e in named)
    assert state(backend) == before


@pytest.mark.parametrize(("backend", "path", "case"), cases(ACCEPTED, accepted=True),
                         indirect=["backend"])
def test_what_people_type_is_kept_in_nfc(backend: Scene, path: str, case: str) -> None:
    _, call, _ = PATHS[path]
    typed, expected = ACCEPTED[case]
    tag = uuid.uuid4().hex[:8]
    stored = call(backend, typed, tag)
    assert stored == expected
    assert unicodedata.is_normalized("NFC", stored)
