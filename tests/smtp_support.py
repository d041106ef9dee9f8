"""A real SMTP server for tests (aiosmtpd on loopback): records what it received, can refuse."""

from __future__ import annotations

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
from tests.tls_support import self_signed

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



@dataclass
class SmtpServer:
    """A running server: its handler, and the STAR_SURVEY_SMTP_URL that reaches it."""

    handler: Handler
    url: str
    port: int


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[SmtpServer]:
    """Yield a STARTTLS + AUTH server on loopback (the client trusts its certificate file)."""
    cert, key = self_signed(tmp_path, prefix="smtp-")
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
    cert, key = self_signed(tmp_path, prefix="smtp-")
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
