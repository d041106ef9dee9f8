"""A real SMTP server for tests (aiosmtpd on loopback): records what it received, can refuse."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.browser_support import free_port

USER, PASSWORD = "mailer@jingan.test", "s3cret-p@ss"


@dataclass
class Received:
    """One message the server accepted: envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Handler:
    """Accepts mail into `received`; refuses recipients listed in `refuse` ({address: [codes]})."""

    received: list[Received] = field(default_factory=list)
    refuse: dict[str, list[str]] = field(default_factory=dict)  # popped one reply per try
    logins: list[str] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        """Refuse with the next scripted reply for this address, else accept."""
        replies = self.refuse.get(address)
        if replies:
            return replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Keep the message."""
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      parsed))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                     auth_data: Any) -> AuthResult:
        """Accept USER/PASSWORD only."""
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USER
              and auth_data.password.decode() == PASSWORD)
        if ok:
            self.logins.append(USER)
        return AuthResult(success=ok, handled=False)


def self_signed(tmp: Path) -> tuple[Path, Path]:
    """Return (cert, key) PEM files of a certificate for 127.0.0.1 and localhost."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp / "smtp-cert.pem", tmp / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class SmtpServer:
    """A running server: its handler, and the STAR_SURVEY_SMTP_URL that reaches it."""

    handler: Handler
    url: str
    port: int


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[SmtpServer]:
    """Yield a STARTTLS + AUTH server on loopback (the client trusts its certificate file)."""
    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler = Handler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, tls_context=context,
                            require_starttls=True, auth_required=True,
                            authenticator=handler.authenticate)
    controller.start()
    try:
        yield SmtpServer(handler, f"smtp://{USER.replace('@', '%40')}:{PASSWORD.replace('@', '%40')}"
                                  f"@localhost:{port}?starttls=1&timeout=10&cafile={cert}", port)
    finally:
        controller.stop()


@pytest.fixture
def smtps_server(tmp_path: Path) -> Iterator[SmtpServer]:
    """Yield an implicit-TLS (smtps://) server without authentication."""
    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler = Handler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, ssl_context=context,
                            server_hostname="localhost")
    controller.start()
    try:
        yield SmtpServer(handler, f"smtps://localhost:{port}?timeout=10&cafile={cert}", port)
    finally:
        controller.stop()
