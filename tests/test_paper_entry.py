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
