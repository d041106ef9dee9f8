"""Hand-entered paper forms: validated like the web form, scan required and checked by content."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image

from surveys.access import SYSTEM
from surveys.context import Context
from surveys.db import run_write
from surveys.errors import ValidationFailed
from surveys.models import Response
from surveys.paper_entry import enter_paper_form
from surveys.uploads import MAX_SCAN_BYTES
from tests import factories


def _png() -> bytes:
    """Return a small real PNG."""
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def enter(ctx: Context, provider: int, client: int, raw: dict[str, object],
          scan: bytes | None) -> Response:
    """Return the stored paper form."""
    return run_write(ctx.engine, lambda s: enter_paper_form(
        session=s, actor=SYSTEM, signer=ctx.signer, provider_id=provider, year=2026,
        client_id=client, raw=raw, scan=scan, scan_name="scan.png", today=factories.TODAY))


@pytest.fixture
def scene(ctx: Context) -> tuple[Context, int, int]:
    """Return the context, a provider and an invited client of its 2026 campaign."""
    return factories.invited_client(ctx)


GOOD = {**{f"item{i + 1}": v for i, v in enumerate(factories.scores_for_total(91))},
        "evaluation_date": date(2026, 4, 1), "signer_name": "王五"}


@pytest.mark.parametrize(("scan", "message"), [
    (None, "upload the scan"),
    (b"MZ\x90\x00 an executable", "image or a PDF"),
    (b"%PDF-" + b"0" * MAX_SCAN_BYTES, "too large"),
])
def test_missing_wrong_or_oversize_scan_is_refused(
    scene: tuple[Context, int, int], scan: bytes | None, message: str
) -> None:
    ctx, provider, client = scene
    with pytest.raises(ValidationFailed) as caught:
        enter(ctx, provider, client, GOOD, scan)
    assert [e.field for e in caught.value.errors] == ["scan"]
    assert message in caught.value.errors[0].en


def test_every_bad_field_is_listed_at_once(scene: tuple[Context, int, int]) -> None:
    ctx, provider, client = scene
    with pytest.raises(ValidationFailed) as caught:
        enter(ctx, provider, client, {"item1": 11, "evaluation_date": date(2030, 1, 1)}, None)
    fields = {e.field for e in caught.value.errors}
    assert {"item1", "item2", "date", "signer_name", "scan"} <= fields


def test_good_form_is_stored_as_paper_with_its_scan(scene: tuple[Context, int, int]) -> None:
    ctx, provider, client = scene
    stored = enter(ctx, provider, client, GOOD, _png())
    assert (stored.origin, stored.total, stored.scan, stored.scan_name) == (
        "paper", 91, _png(), "scan.png")


def test_client_states_not_opened_opened_web_paper(ctx: Context) -> None:
    from surveys.db import read_session
    from surveys.invitations import list_invitations, mark_opened
    from surveys.paper_entry import paper_clients

    provider = factories.make_provider(ctx)
    ids = [factories.make_client(ctx, provider, name, years={2026: 1})
           for name in ("a-new", "b-opened", "c-web", "d-paper", "e-corrected")]
    factories.open_campaign(ctx, provider, 2026)
    with read_session(ctx.engine) as session:
        opened = next(inv.id for inv, c in list_invitations(
            session=session, actor=SYSTEM, provider_id=provider, year=2026) if c.id == ids[1])
    run_write(ctx.engine, lambda s: mark_opened(session=s, invitation_id=opened))
    factories.submit_web(ctx, provider, ids[2], 80)
    factories.submit(ctx, provider, 2026, ids[3], 70)
    factories.submit_web(ctx, provider, ids[4], 60)
    factories.submit(ctx, provider, 2026, ids[4], 65)  # a paper correction of a web answer
    with read_session(ctx.engine) as session:
        listed = paper_clients(session=session, actor=SYSTEM, provider_id=provider, year=2026)
    assert [(c.name, c.state, c.version, c.total, c.origin) for c in listed] == [
        ("a-new", "not_opened", 0, None, None), ("b-opened", "opened", 0, None, None),
        ("c-web", "web", 1, 80, "web"), ("d-paper", "paper", 1, 70, "paper"),
        ("e-corrected", "paper", 2, 65, "paper")]


def test_a_version_stored_since_the_person_looked_is_never_replaced(
    scene: tuple[Context, int, int]
) -> None:
    from surveys.errors import Conflict

    ctx, provider, client = scene
    factories.submit_web(ctx, provider, client, 80)
    with pytest.raises(Conflict, match="version 1"):
        run_write(ctx.engine, lambda s: enter_paper_form(
            session=s, actor=SYSTEM, signer=ctx.signer, provider_id=provider, year=2026,
            client_id=client, raw=GOOD, scan=_png(), scan_name="scan.png",
            today=factories.TODAY, reason="录入", replaces_version=0))
    stored = run_write(ctx.engine, lambda s: enter_paper_form(
        session=s, actor=SYSTEM, signer=ctx.signer, provider_id=provider, year=2026,
        client_id=client, raw=GOOD, scan=_png(), scan_name="scan.png",
        today=factories.TODAY, reason="用户来电更正", replaces_version=1))
    assert (stored.version, stored.origin, stored.reason) == (2, "paper", "用户来电更正")


def test_page_entry_and_file_import_both_require_the_scan(
    scene: tuple[Context, int, int], tmp_path: object
) -> None:
    """The decision (surveys/paper_entry.py, README): the page and the import both need the scan."""
    from pathlib import Path

    from surveys.response_import import import_paper_forms

    ctx, provider, client = scene
    with pytest.raises(ValidationFailed) as by_page:
        enter(ctx, provider, client, GOOD, None)
    sheet = ("用户单位名称,评价日期,签字人," + ",".join(f"第{i}项" for i in range(1, 10))
             + ",扫描件\n甲,2026-04-01,王五,"
             + ",".join(map(str, factories.scores_for_total(91))) + ",\n")
    with pytest.raises(ValidationFailed) as by_import:
        run_write(ctx.engine, lambda s: import_paper_forms(
            session=s, actor=SYSTEM, signer=ctx.signer, provider_id=provider, year=2026,
            data=sheet.encode(), filename="p.csv", today=factories.TODAY,
            base_dir=Path(str(tmp_path))))
    assert [e.field for e in by_page.value.errors] == ["scan"]
    assert [(e.field, e.row) for e in by_import.value.errors] == [("scan", 2)]
