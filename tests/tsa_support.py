"""A real local RFC 3161 TSA for tests: certomancer's test PKI and TimeStamper over loopback HTTP.

The PKI (one root CA, three TSA certificates: RSA PKCS#1 v1.5, RSA-PSS and ECDSA P-256, and an
unrelated root) is built by certomancer from keys generated here. Its TimeStamper is the same
object certomancer's animator serves at ``/<arch>/tsa/<label>``; here the standard library's
HTTP server carries it, so no web framework is needed and every request is counted per path.

Paths: ``/<label>/<anything>`` where label is ``rsa``, ``pss`` or ``ecdsa``; use a fresh
``<anything>`` per test (``tsa.url(...)``) and read ``tsa.count(url)`` and ``tsa.bodies[path]``
(the last query). ``tsa.hold(url)`` makes requests to that URL wait until the block exits (a TSA
that answers slowly). Misbehaving TSAs for error paths: ``junk`` (random bytes), ``huge`` (a
400 KiB reply), ``html`` (a web page), ``other-digest`` (stamps another hash), ``bad-nonce``.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from asn1crypto import tsp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

LABELS = ("rsa", "pss", "ecdsa")  # well-behaved TSAs, one per signature algorithm
FLAWED = ("noeku", "expired")  # certificate for code signing, not time stamping; expired in 2021
_VALIDITY = {"valid-from": "2020-01-01T00:00:00+0000", "valid-to": "2100-01-01T00:00:00+0000"}
_CA_EXTENSIONS = [
    {"id": "basic_constraints", "critical": True, "value": {"ca": True}},
    {"id": "key_usage", "critical": True,
     "smart-value": {"schema": "key-usage", "params": ["digital_signature", "key_cert_sign",
                                                        "crl_sign"]}},
]
_TSA_EXTENSIONS = [
    {"id": "key_usage", "critical": True,
     "smart-value": {"schema": "key-usage", "params": ["digital_signature"]}},
    {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]},
]


def _write_key(path: Path, key: Any) -> None:
    """Write an unencrypted PKCS#8 PEM private key."""
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))


def build_pki(key_dir: Path) -> Any:
    """Return certomancer's PKI architecture 'star-test' with its keys written under key_dir."""
    from certomancer.registry import ArchLabel, CertomancerConfig

    keys = {"root": rsa.generate_private_key(65537, 2048),
            "other-root": rsa.generate_private_key(65537, 2048),
            "tsa-rsa": rsa.generate_private_key(65537, 2048),
            "tsa-pss": rsa.generate_private_key(65537, 2048),
            "tsa-ecdsa": ec.generate_private_key(ec.SECP256R1()),
            "tsa-noeku": rsa.generate_private_key(65537, 2048),
            "tsa-expired": rsa.generate_private_key(65537, 2048)}
    for label, key in keys.items():
        _write_key(key_dir / f"{label}.pem", key)
    entities = {label: {"common-name": f"star-survey test {label}"} for label in keys}
    certs: dict[str, Any] = {
        "root": {"subject": "root", "issuer": "root", "validity": _VALIDITY,
                 "extensions": _CA_EXTENSIONS},
        "other-root": {"subject": "other-root", "issuer": "other-root", "validity": _VALIDITY,
                       "extensions": _CA_EXTENSIONS},
    }
    for label in LABELS:
        certs[f"tsa-{label}"] = {"subject": f"tsa-{label}", "issuer": "root",
                                 "validity": _VALIDITY, "extensions": _TSA_EXTENSIONS}
    certs["tsa-noeku"] = {"subject": "tsa-noeku", "issuer": "root", "validity": _VALIDITY,
                          "extensions": [_TSA_EXTENSIONS[0], {"id": "extended_key_usage",
                                                              "value": ["code_signing"]}]}
    certs["tsa-expired"] = {"subject": "tsa-expired", "issuer": "root",
                            "validity": {"valid-from": "2020-01-01T00:00:00+0000",
                                         "valid-to": "2021-01-01T00:00:00+0000"},
                            "extensions": _TSA_EXTENSIONS}
    services = {f"tsa-{label}": {"signing-cert": f"tsa-{label}"} for label in LABELS + FLAWED}
    services["tsa-pss"]["signature-algo"] = "rsassa_pss"
    config = {
        "keysets": {"star-test": {"keys": {label: {"path": f"{label}.pem"} for label in keys}}},
        "pki-architectures": {"star-test": {
            "keyset": "star-test",
            "entity-defaults": {"country-name": "CN", "organization-name": "star-survey tests"},
            "entities": entities, "certs": certs,
            "services": {"time-stamping": services}}},
    }
    return CertomancerConfig(config, key_search_dir=str(key_dir)).get_pki_arch(ArchLabel("star-test"))


@dataclass
class LocalTSA:
    """A running local TSA: URLs, its trust roots and per-URL request counts."""

    base: str
    root_der: bytes
    other_root_der: bytes
    roots_file: Path
    counts: Counter[str] = field(default_factory=Counter)
    gates: dict[str, threading.Event] = field(default_factory=dict)
    bodies: dict[str, bytes] = field(default_factory=dict)
    handler: type[BaseHTTPRequestHandler] = BaseHTTPRequestHandler
    stampers: dict[str, Any] = field(default_factory=dict)  # certomancer's, by label
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, label: str = "rsa", name: str | None = None) -> str:
        """Return a fresh URL of the TSA with the given key type (its own request count)."""
        return f"{self.base}/{label}/{name or uuid.uuid4().hex}"

    def count(self, url: str) -> int:
        """Return how many requests reached url."""
        with self.lock:
            return self.counts[urlparse(url).path]

    def stamper(self, label: str) -> Any:
        """Return certomancer's TimeStamper behind a label (to time the TSA's own work)."""
        return self.stampers[label]

    def last_query(self, url: str) -> bytes:
        """Return the body of the last timestamp query sent to url."""
        return self.bodies[urlparse(url).path]

    @contextmanager
    def serving_on(self, url: str) -> Iterator[None]:
        """Serve this TSA also on the (until now closed) port of url while the block runs."""
        server = ThreadingHTTPServer(("127.0.0.1", int(urlparse(url).port or 80)), self.handler)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield
        finally:
            server.shutdown()
            server.server_close()

    @contextmanager
    def hold(self, url: str) -> Iterator[None]:
        """Make requests to url wait (up to 60 s) until the block exits."""
        gate = threading.Event()
        self.gates[urlparse(url).path] = gate
        try:
            yield
        finally:
            gate.set()


def _handler(pki: Any, tsa: LocalTSA) -> type[BaseHTTPRequestHandler]:
    """Return the request handler class serving pki's TSAs."""
    stampers = tsa.stampers = {label: pki.service_registry.summon_timestamper(f"tsa-{label}")
                               for label in LABELS + FLAWED}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            with tsa.lock:
                tsa.counts[self.path] += 1
            gate = tsa.gates.get(self.path)
            if gate is not None:
                gate.wait(60)
            label = self.path.strip("/").split("/")[0]
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            tsa.bodies[self.path] = body
            if self.headers.get("Content-Type") != "application/timestamp-query":
                self.send_error(400)
                return
            if label in stampers:
                self._reply(stampers[label].request_tsa_response(tsp.TimeStampReq.load(body))
                            .dump())
            elif label in ("other-digest", "bad-nonce"):
                request = tsp.TimeStampReq.load(body)
                if label == "other-digest":
                    request["message_imprint"]["hashed_message"] = bytes(32)
                else:
                    request["nonce"] = request["nonce"].native + 1
                self._reply(stampers["rsa"].request_tsa_response(request).dump())
            elif label in ("junk", "huge", "html"):
                size = 400 * 1024 if label == "huge" else 200
                self._reply(os.urandom(size), "text/html" if label == "html" else None)
            else:
                self.send_error(404)

        def _reply(self, data: bytes, kind: str | None = None) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind or "application/timestamp-reply")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args: Any) -> None:
            pass

    return Handler


def closed_port_url(label: str = "rsa") -> str:
    """Return a loopback URL where nothing listens (a TSA that is down; see serving_on)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/{label}/{uuid.uuid4().hex}"


@contextmanager
def serve_local_tsa(key_dir: Path) -> Iterator[LocalTSA]:
    """Yield a real RFC 3161 TSA on a free loopback port, its PKI kept under key_dir."""
    pki = build_pki(key_dir)
    root_der = pki.get_cert("root").dump()
    roots_file = key_dir / "tsa-roots.pem"
    roots_file.write_bytes(_pem(root_der))
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    tsa = LocalTSA(base=f"http://127.0.0.1:{server.server_address[1]}", root_der=root_der,
                   other_root_der=pki.get_cert("other-root").dump(), roots_file=roots_file)
    server.RequestHandlerClass = tsa.handler = _handler(pki, tsa)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="local-tsa", daemon=True)
    thread.start()
    try:
        yield tsa
    finally:
        for gate in tsa.gates.values():
            gate.set()
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def local_tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalTSA]:
    """Yield a real RFC 3161 TSA on a free loopback port (one per test process)."""
    with serve_local_tsa(tmp_path_factory.mktemp("tsa-pki")) as tsa:
        yield tsa


def _pem(der: bytes) -> bytes:
    """Return a certificate's PEM text."""
    from cryptography import x509

    return x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)
