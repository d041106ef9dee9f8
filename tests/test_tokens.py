"""Link tokens and base URLs."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from surveys.links import invitation_url, is_loopback_url, network_address, resolve_base_url
from surveys.tokens import derive_token, hash_token, load_or_create_secret, looks_like_token, new_nonce


def test_tokens_are_128_bit_urlsafe_and_depend_on_secret_and_nonce() -> None:
    nonce = new_nonce()
    token = derive_token(b"secret", nonce)
    assert len(token) == 22 and looks_like_token(token)
    assert derive_token(b"secret", nonce) == token
    assert derive_token(b"other", nonce) != token
    assert derive_token(b"secret", new_nonce()) != token
    assert hash_token(token) != token and len(hash_token(token)) == 64


@pytest.mark.parametrize("text", ["", "short", "x" * 23, "a" * 21 + "/", "../../etc/passwd"])
def test_malformed_tokens_are_rejected_before_lookup(text: str) -> None:
    assert not looks_like_token(text)


@pytest.mark.parametrize(("url", "loopback"), [
    ("http://localhost:8501", True), ("http://127.0.0.1", True), ("http://[::1]:8501", True),
    ("http://192.0.2.2:8501", False), ("https://survey.example.cn", False),
])
def test_loopback_detection(url: str, loopback: bool) -> None:
    assert is_loopback_url(url) is loopback


def test_default_base_url_is_never_localhost_name() -> None:
    base = resolve_base_url(None, 8501)
    assert base.startswith("http://") and base.endswith(":8501") and "localhost" not in base
    assert network_address() in base
    assert resolve_base_url("https://x.cn/", 1) == "https://x.cn"
    assert invitation_url("https://x.cn/", "T") == "https://x.cn/?t=T"


def test_token_golden_value() -> None:
    # HMAC-SHA256(secret, "invitation:" + nonce), first 16 bytes, URL-safe base64 without '='
    assert derive_token(b"golden-secret", "nonce-0") == "pU0l89e7J4txhafCYq87vQ"
    assert hash_token("pU0l89e7J4txhafCYq87vQ") == (
        "5112095b60fba61228e0d8b21b465bb211ccfd75edf656d17b2b8e5b8395bf98")


def test_nonces_are_fresh_128_bit_hex() -> None:
    nonces = {new_nonce() for _ in range(50)}
    assert len(nonces) == 50
    assert all(len(n) == 32 and int(n, 16) >= 0 for n in nonces)


@pytest.mark.parametrize(("text", "shape"), [
    ("A" * 22, True), ("a-_0" * 5 + "Zz", True), ("A" * 21, False), ("A" * 21 + "=", False),
    ("A" * 21 + ".", False), ("A" * 21 + "\u00e9", True),  # isalnum(): letters of any script
])
def test_token_shape(text: str, shape: bool) -> None:
    assert looks_like_token(text) is shape


def test_link_secret_inline_file_or_created(tmp_path: Path) -> None:
    path = tmp_path / "link-secret"
    assert load_or_create_secret(path, "inline secret") == b"inline secret"
    assert not path.exists()
    created = load_or_create_secret(path)
    assert path.read_bytes() == created and len(created) == 64 and int(created, 16) >= 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_secret(path) == created
    assert load_or_create_secret(path, "") == created
    path.write_bytes(b"  from file \n")
    assert load_or_create_secret(path) == b"from file"
