"""Real test bundles (PDF included), built once per version of the code that builds them.

Without STAR_SURVEY_BUNDLE_CACHE every call builds a fresh bundle on a new SQLite database.
When the variable names a folder (tests/mutation/run.py sets it), the bundle and the provider's
private key are kept there, under a file lock, keyed by the SHA-256 of every source file that can
change them, so mutmut's per-mutant runs reuse one bundle and a code change never meets a stale
one. analytics/bundle_verify.py is left out of the key: it checks bundles and builds none
(nothing that builds a bundle imports it), so its mutants share the honest bundle. A mutmut
mutant of any other file (mutmut 3 keeps every mutant of a file in one source and picks one by
MUTANT_UNDER_TEST) gets a key of its own.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from surveys.context import open_context
from surveys.keys import Signer
from surveys.schema import upgrade
from surveys.settings import Settings

CACHE_ENV = "STAR_SURVEY_BUNDLE_CACHE"
ROOT = Path(__file__).resolve().parents[1]
BUILDERS = ("surveys", "analytics", "migrations")  # besides tests/*.py that are not test_*.py
NOT_BUILDING = {"analytics/bundle_verify.py"}
KINDS = ("year", "two_years")  # evidence_support.seed_year; seed_two_years' 2026


@dataclass(frozen=True)
class Built:
    """A real bundle's bytes and the provider's signer (to sign a tampered manifest again)."""

    data: bytes
    signer: Signer


@functools.cache
def source_key() -> str:
    """Return the hex SHA-256 of the Python version and every file that builds a bundle."""
    files = [p for folder in BUILDERS for p in (ROOT / folder).rglob("*") if p.is_file()]
    files += [p for p in (ROOT / "tests").glob("*.py") if not p.name.startswith("test_")]
    digest = hashlib.sha256(sys.version.encode())
    for path in sorted(files):
        name = path.relative_to(ROOT).as_posix()
        if "__pycache__" in path.parts or name in NOT_BUILDING:
            continue
        digest.update(f"\0{name}\0".encode() + path.read_bytes())
    return digest.hexdigest()


def mutant() -> str:
    """Return the active mutmut mutant when it can change a bundle, else ''."""
    name = os.environ.get("MUTANT_UNDER_TEST", "")
    return "" if "__mutmut_" not in name or name.startswith("analytics.bundle_verify.") else name


def build(kind: str, folder: Path) -> Built:
    """Return a new bundle of this kind, built on a new SQLite database in folder."""
    from tests.evidence_support import YEAR, make_bundle, seed_two_years, seed_year

    folder.mkdir(parents=True, exist_ok=True)
    ctx = open_context(Settings(db_url=f"sqlite:///{folder / 'survey.db'}",
                                data_dir=folder / "data", base_url="http://survey.test"))
    try:
        upgrade(ctx.engine)
        if kind == "year":
            provider = seed_year(ctx)[0]
        elif kind == "two_years":
            provider = seed_two_years(ctx)[0]
        else:
            raise ValueError(f"unknown bundle kind {kind!r}; known: {', '.join(KINDS)}")
        return Built(make_bundle(ctx, provider, YEAR), ctx.signer)
    finally:
        ctx.engine.dispose()


def _write(path: Path, data: bytes) -> None:
    """Write a file whole (renamed into place, so no reader sees half of it)."""
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    partial.replace(path)


def real_bundle(kind: str, folder: Path) -> Built:
    """Return a real bundle of this kind: from the cache when one is configured, else built."""
    cache = os.environ.get(CACHE_ENV)
    if not cache:
        return build(kind, folder)
    root = Path(cache)
    root.mkdir(parents=True, exist_ok=True)
    key = f"{source_key()}\0{mutant()}\0{os.environ.get('TZ', '')}"
    stem = root / f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:32]}"
    zipped, pem = stem.with_suffix(".zip"), stem.with_suffix(".pem")
    with (root / "lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not zipped.exists() or not pem.exists():
                built = build(kind, folder)
                _write(pem, built.signer.private_key.private_bytes(
                    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption()))
                _write(zipped, built.data)
            data, pem_bytes = zipped.read_bytes(), pem.read_bytes()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    private = serialization.load_pem_private_key(pem_bytes, password=None)
    assert isinstance(private, Ed25519PrivateKey)
    return Built(data, Signer(private))
