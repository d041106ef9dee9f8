"""Link tokens and base URLs."""

from __future__ import annotations

import pytest

from surveys.links import invitation_url, is_loopback_url, network_address, resolve_base_url
from surveys.tokens import derive_token, hash_token, looks_like_token, new_nonce


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
