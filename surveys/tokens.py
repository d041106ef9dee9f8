"""Link tokens: derived from a server secret, 128 bits, only their SHA-256 is stored."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from pathlib import Path

from surveys.files import write_private_file

TOKEN_BYTES = 16  # 128 bits


def new_nonce() -> str:
    """Return a fresh random nonce; a new nonce reissues a link."""
    return secrets.token_hex(16)


def derive_token(secret: bytes, nonce: str) -> str:
    """Return the URL-safe link token for an invitation's nonce (22 characters, 128 bits)."""
    mac = hmac.new(secret, f"invitation:{nonce}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:TOKEN_BYTES]).decode().rstrip("=")


def hash_token(token: str) -> str:
    """Return the hex SHA-256 of a token, as stored in the database."""
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(token: str) -> bool:
    """Return True when the text has the shape of a token (before any database lookup)."""
    return len(token) == 22 and all(c.isalnum() or c in "-_" for c in token)


def load_or_create_secret(path: Path, inline: str | None = None) -> bytes:
    """Return the link secret: inline configuration, else the file, created owner-only if absent."""
    if inline:
        return inline.encode()
    if path.exists():
        return path.read_bytes().strip()
    value = secrets.token_hex(32).encode()
    write_private_file(path, value)
    return value
