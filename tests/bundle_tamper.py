"""Tampering with a real bundle: its files and its manifest, signed again by the provider."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from analytics.bundle_verify import BundleResult, verify_bundle
from analytics.evidence_bundle import manifest_digest
from tests.bundle_cache import Built

Manifest = dict[str, Any]
NOT_ANCHORED = ("timestamps: none — the records are NOT independently anchored; their stored "
                "times are the provider's word only")
NO_PDF = "pdftotext not available: the PDF text was not compared"


def files_of(data: bytes) -> dict[str, bytes]:
    """Return a zip's files by name."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zipped(files: dict[str, bytes]) -> bytes:
    """Return a zip of these files."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def manifest_of(data: bytes) -> Manifest:
    """Return a bundle's manifest."""
    found = json.loads(files_of(data)["manifest.json"])
    assert isinstance(found, dict)
    return found


def tampered(built: Built, change: Callable[[Manifest], Any] | None = None, *,
             files: Callable[[dict[str, bytes]], Any] | None = None,
             resign: bool = True) -> bytes:
    """Return the bundle with its manifest and files changed; resign: signed again by its key."""
    found = files_of(built.data)
    manifest = json.loads(found["manifest.json"])
    if change is not None:
        change(manifest)
    if resign:
        manifest["signature"] = built.signer.sign(manifest_digest(manifest))
    found["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    if files is not None:
        files(found)
    return zipped(found)


def checked(built: Built, change: Callable[[Manifest], Any] | None = None, *,
            files: Callable[[dict[str, bytes]], Any] | None = None, resign: bool = True,
            pdf: bool = False) -> BundleResult:
    """Return the verifier's result on the tampered bundle (PDF text compared when pdf)."""
    return verify_bundle(tampered(built, change, files=files, resign=resign), use_pdftotext=pdf)


def problems(built: Built, change: Callable[[Manifest], Any] | None = None, *,
             files: Callable[[dict[str, bytes]], Any] | None = None, resign: bool = True,
             pdf: bool = False) -> list[str]:
    """Return the problems found in the tampered bundle."""
    return checked(built, change, files=files, resign=resign, pdf=pdf).problems
