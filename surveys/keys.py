"""The installation's Ed25519 signing key: created at init, kept owner-only under data/."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from surveys.files import write_private_file


def public_key_bytes(public_key: Ed25519PublicKey) -> bytes:
    """Return the 32 raw bytes of a public key."""
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """Return the SHA-256 (hex) of the raw public key: its fingerprint."""
    return hashlib.sha256(public_key_bytes(public_key)).hexdigest()


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    """Return the public key as PEM text."""
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def load_public_key(pem_or_b64: object) -> Ed25519PublicKey:
    """Return a public key from PEM text or base64 of the raw 32 bytes; else ValueError/TypeError."""
    if not isinstance(pem_or_b64, str):  # a manifest's value may be any JSON type
        raise TypeError(f"a public key is text, not {type(pem_or_b64).__name__}")
    try:
        if "BEGIN" in pem_or_b64:
            key = serialization.load_pem_public_key(pem_or_b64.encode())
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(pem_or_b64))
    except UnsupportedAlgorithm as exc:  # e.g. an EC key on a curve cryptography lacks
        raise ValueError(f"not an Ed25519 public key ({exc})") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


@dataclass(frozen=True)
class Signer:
    """Signs record hashes with the installation's private key."""

    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        """Return the matching public key."""
        return self.private_key.public_key()

    @property
    def key_id(self) -> str:
        """Return a short identifier of the key (first 16 hex digits of its fingerprint)."""
        return fingerprint(self.public_key)[:16]

    def sign(self, record_hash: str) -> str:
        """Return the base64 Ed25519 signature of a hex record hash."""
        return base64.b64encode(self.private_key.sign(bytes.fromhex(record_hash))).decode()


def verify_signature(public_key: Ed25519PublicKey, record_hash: str, signature: str) -> bool:
    """Return True when signature is a valid signature of record_hash under public_key."""
    try:
        public_key.verify(base64.b64decode(signature), bytes.fromhex(record_hash))
    except (InvalidSignature, ValueError):
        return False
    return True


def load_or_create_signer(path: Path, inline_pem: str | None = None) -> Signer:
    """Return the signer from configured PEM, else from the key file, creating it if absent."""
    if inline_pem:
        pem = inline_pem.encode()
    elif path.exists():
        pem = path.read_bytes()
    else:
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        write_private_file(path, pem)
    private = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return Signer(private)
