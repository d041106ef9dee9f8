"""Every character a person can type survives export and verification (no false tamper alarm)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text as text_sql

from analytics.bundle_verify import verify_bundle
from surveys import responses
from surveys.access import SYSTEM
from surveys.context import Context
from surveys.db import run_write
from surveys.validation import ValidResponse
from tests import factories
from tests.evidence_support import YEAR, scan_jpeg
from tests.test_bundle_claims import make_bundle

NAMES = {
    "ideographic space": "张\u3000伟",
    "no-break space": "Li\u00a0Na",
    "emoji": "王芳👍🏽",
    "zero-width joiner": "刘\u200d洋👩\u200d🔧",
    "bidi override": "赵\u202e六\u202c",
    "vertical tab (Word line break)": "孙\u000b七",
    "form feed and C1": "周\u000c\u0085八",
    "escape": "吴\u001b[31m九",
}


def store_as_already_stored(ctx: Context, provider: int, client: int, text: str) -> None:
    """Store a version with the text in every free field, as rows stored before the text rule."""
    valid = ValidResponse(scores=dict(zip(range(1, 10), factories.scores_for_total(93),
                                          strict=True)),
                          evaluation_date=date(YEAR, 6, 1), signer_name=text, signer_title=text,
                          signer_phone="13800000000", comment=f"意见：{text}")
    run_write(ctx.engine, lambda s: responses.submit_paper(
        session=s, actor=SYSTEM, signer=ctx.signer, provider_id=provider, year=YEAR,
        client_id=client, valid=valid, today=date(YEAR, 6, 2),
        attachments=responses.Attachments(scan=scan_jpeg(),
                                          scan_name=f"<扫描>:|?*\u202e{text}.jpg")))


@pytest.mark.parametrize("text", list(NAMES.values()), ids=list(NAMES))
def test_a_bundle_with_hostile_text_exports_and_verifies(ctx: Context, text: str) -> None:
    provider = factories.make_provider(ctx)
    client = factories.make_client(ctx, provider, "单位", years={YEAR: 1000})
    with ctx.engine.begin() as conn:  # the text rule refuses controls now; stored before it
        conn.execute(text_sql("UPDATE client SET name = :n WHERE id = :i"),
                     {"n": f"单位{text}", "i": client})
    factories.open_campaign(ctx, provider, YEAR)
    store_as_already_stored(ctx, provider, client, text)
    bundle = make_bundle(ctx, provider, YEAR)
    result = verify_bundle(bundle)
    assert result.ok, result.problems


@pytest.mark.parametrize(("name", "safe"), [
    ("form-3.jpg", "form-3.jpg"),
    ("<扫描>:|?*\u202e件.jpg", "扫描_件.jpg"),
    ('a"b/c\\d\x00e.pdf', "a_b_c_d_e.pdf"),
    ("..\\..\\etc", "etc"),
    (" trailing. ", "trailing"),
    ("纸质表" * 40 + ".pdf", "纸质表" * 25 + "纸.pdf"),  # 80 characters in all
    ("\u200b\u202e", "scan"),
])
def test_scan_names_in_the_bundle_are_safe_everywhere(name: str, safe: str) -> None:
    from analytics.evidence_pdf import safe_file_name

    assert safe_file_name(name) == safe
