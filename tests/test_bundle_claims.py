"""A bundle's claims checked from its own signed data: §5 verdict, overrides, late forms, redaction."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest

from analytics.bundle_verify import verify_bundle
from analytics.evidence_bundle import manifest_digest
from surveys import campaigns
from surveys.access import SYSTEM, Actor
from surveys.context import Context
from surveys.db import run_write
from surveys.keys import Signer
from tests import factories
from tests.bundle_cache import Built, real_bundle
from tests.evidence_support import make_bundle, seed_two_years

__all__ = ["make_bundle", "manifest_of", "resigned"]  # make_bundle: kept importable from here


def manifest_of(bundle: bytes) -> dict[str, Any]:
    """Return a bundle's manifest."""
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        return json.loads(archive.read("manifest.json"))


def resigned(bundle: bytes, signer: Signer, change: Callable[[dict[str, Any]], None]) -> bytes:
    """Return the bundle with its manifest changed and signed again with the provider's key."""
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(files["manifest.json"])
    change(manifest)
    manifest["signature"] = signer.sign(manifest_digest(manifest))
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.fixture(scope="module")
def honest(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Return the real 2026 bundle of seed_two_years on SQLite (cached when configured)."""
    return real_bundle("two_years", tmp_path_factory.mktemp("two_years"))


@pytest.fixture
def two_years(ctx: Context) -> tuple[Context, int, list[int]]:
    """Return a provider with 2025 and 2026 campaigns; in 2026 staff replaced a web form."""
    provider, units = seed_two_years(ctx)
    return ctx, provider, units


def test_an_honest_bundle_verifies_and_names_the_override(
        two_years: tuple[Context, int, list[int]]) -> None:
    ctx, provider, _ = two_years
    bundle = make_bundle(ctx, provider, 2026)
    result = verify_bundle(bundle)
    assert result.ok, result.problems
    manifest = manifest_of(bundle)
    assert len(manifest["provenance"]["overrides"]) == 1
    assert any(n.startswith("override:") and "用户电话要求按纸质表更正" in n for n in result.notes)
    assert manifest["eligibility"]["result"]["star"] == 2  # 4 units, 640,000 CNY, renewal, 25 %
    mean = [c for c in manifest["eligibility"]["result"]["criteria"] if c["key"] == "evaluation"]
    assert mean[0]["actual"] == 94  # (96 + 92) / 2: the override counts, the web 84 does not


@pytest.mark.parametrize(("change", "message"), [
    (lambda m: m["eligibility"]["result"].__setitem__("star", 3),
     "the bundle claims 3 star(s) under §5, its own data give 2"),
    (lambda m: m["eligibility"]["inputs"]["contracts"][1].__setitem__("amount", "900000.00"),
     "contract_amount"),
    (lambda m: m["eligibility"]["inputs"].__setitem__("contracts", "many"),
     "the §5 inputs cannot be read"),
    (lambda m: m["provenance"].__setitem__("overrides", []), "the listed overrides [] are not"),
    (lambda m: m["provenance"].__setitem__("late", [1]), "the listed late forms"),
])
def test_a_resigned_claim_that_its_data_do_not_support_fails(
        honest: Built, change: Callable[[dict[str, Any]], None], message: str) -> None:
    forged = resigned(honest.data, honest.signer, change)
    result = verify_bundle(forged, use_pdftotext=False)
    assert not result.ok
    assert any(message in p for p in result.problems), result.problems


def test_a_years_bundle_holds_only_that_years_personal_data(
        two_years: tuple[Context, int, list[int]]) -> None:
    ctx, provider, _ = two_years
    bundle = make_bundle(ctx, provider, 2026)
    manifest = manifest_of(bundle)
    other = [r for r in manifest["records"] if r["envelope"]["year"] == 2025]
    assert len(other) == 2 and all("content" not in r for r in other)
    assert set(other[0]["envelope"]) == {"format", "provider_id", "year", "seq", "prev_hash",
                                         "submitted_at", "content_sha256"}
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        for name in archive.namelist():
            assert "去年签字人".encode() not in archive.read(name), name
    assert verify_bundle(bundle, use_pdftotext=False).ok


def test_a_form_stored_after_reopening_is_late_and_listed(
        two_years: tuple[Context, int, list[int]]) -> None:
    ctx, provider, units = two_years
    run_write(ctx.engine, lambda s: campaigns.close_campaign(
        session=s, actor=SYSTEM, provider_id=provider, year=2026))
    run_write(ctx.engine, lambda s: campaigns.reopen_campaign(
        session=s, actor=Actor("root", "admin"), provider_id=provider, year=2026,
        reason="丙图书馆纸质表邮寄延误"))
    late = factories.submit(ctx, provider, 2026, units[2], 90, signer="赵七",
                            today=factories.TODAY)
    bundle = make_bundle(ctx, provider, 2026)
    manifest = manifest_of(bundle)
    assert manifest["provenance"]["late"] == [late.id]
    assert [e["action"] for e in manifest["provenance"]["campaign_events"]][-2:] == [
        "campaign_close", "campaign_reopen"]
    result = verify_bundle(bundle)
    assert result.ok, result.problems
    assert any(n.startswith(f"late: response {late.id}") for n in result.notes)
