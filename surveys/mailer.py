"""E-mail by SMTP: the STAR_SURVEY_SMTP_URL setting parsed, bounded connections, errors sorted."""

from __future__ import annotations

import smtplib
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from surveys.errors import SurveyError

SCHEMES = {"smtp": ("plain", 25), "smtps": ("tls", 465)}
DEFAULT_TIMEOUT = 20.0  # seconds for the connection and for each command after it
MAX_TIMEOUT = 120.0
MAX_ERROR_CHARS = 500
STEP_FACTOR = 3  # a whole step (connecting and logging in; one message) may take 3 timeouts


class MailNotConfigured(SurveyError):
    """E-mail is off or its setting cannot be used; the message says which part is wrong."""


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to hand messages to the SMTP server; the password is never shown."""

    host: str
    port: int
    security: str  # "plain", "starttls" (upgrade after EHLO) or "tls" (TLS from the start)
    sender: str
    username: str | None = None
    password: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    cafile: str | None = None  # a CA file to trust instead of the system's (a private relay)

    def describe(self) -> str:
        """Return the server as text fit to show staff: no password."""
        user = f"{self.username}@" if self.username else ""
        return f"{user}{self.host}:{self.port} ({self.security})"


def _refuse(zh: str, en: str) -> MailNotConfigured:
    """Return the error naming the setting and what is wrong with it."""
    return MailNotConfigured(f"STAR_SURVEY_SMTP_URL: {zh} / {en}")


def _flag(query: dict[str, list[str]], name: str) -> bool:
    """Return True when a query parameter is set to 1/true/yes."""
    return query.get(name, [""])[-1].lower() in ("1", "true", "yes")


def check_address(text: str, field: str = "email") -> str:
    """Return the address when it is one plain addr-spec (user@domain), else raise SurveyError."""
    try:
        parsed = Address(addr_spec=text.strip())
    except (ValueError, IndexError, TypeError, HeaderParseError) as exc:
        raise SurveyError(f"{field}: 电子邮件地址无效 / not a valid e-mail address") from exc
    if not parsed.username or "." not in parsed.domain or any(c.isspace() for c in text.strip()):
        raise SurveyError(f"{field}: 电子邮件地址无效 / not a valid e-mail address")
    return parsed.addr_spec


def parse_smtp_url(url: str | None, sender: str | None = None) -> SmtpConfig:
    """Return the SMTP configuration of a setting, or raise MailNotConfigured saying why."""
    if not url:
        raise MailNotConfigured("未设置 STAR_SURVEY_SMTP_URL，电子邮件未启用 / "
                                "STAR_SURVEY_SMTP_URL is not set: e-mail is off")
    if len(url) > 2000:
        raise _refuse("过长", "too long")
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise _refuse("须以 smtp:// 或 smtps:// 开头", "must start with smtp:// or smtps://")
    if not parts.hostname:
        raise _refuse("缺少服务器地址", "the server host is missing")
    query = parse_qs(parts.query)
    security, default_port = SCHEMES[parts.scheme]
    if security == "plain" and _flag(query, "starttls"):
        security, default_port = "starttls", 587
    try:
        port = parts.port or default_port
        timeout = float(query.get("timeout", [DEFAULT_TIMEOUT])[-1])
    except ValueError as exc:
        raise _refuse("端口或超时无效", "the port or timeout is not a number") from exc
    if not 0 < timeout <= MAX_TIMEOUT:
        raise _refuse(f"超时须在 0 到 {MAX_TIMEOUT:g} 秒之间",
                      f"timeout must be between 0 and {MAX_TIMEOUT:g} seconds")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if password and security == "plain" and not _flag(query, "insecure_auth"):
        raise _refuse("不加密的连接不得发送密码（请用 ?starttls=1 或 smtps://）",
                      "a password over an unencrypted connection is refused "
                      "(use ?starttls=1 or smtps://)")
    from_address = sender or (username if username and "@" in username else None)
    if not from_address:
        raise MailNotConfigured("STAR_SURVEY_SMTP_FROM: 未设置发件人地址 / "
                                "the sender address is not set")
    try:
        from_address = check_address(from_address, "STAR_SURVEY_SMTP_FROM")
    except SurveyError as exc:
        raise MailNotConfigured(str(exc)) from exc
    return SmtpConfig(host=parts.hostname, port=port, security=security, sender=from_address,
                      username=username, password=password, timeout=timeout,
                      cafile=query.get("cafile", [None])[-1])


def _tls_context(config: SmtpConfig) -> ssl.SSLContext:
    """Return a TLS context that checks the server's certificate and host name."""
    return ssl.create_default_context(cafile=config.cafile)


def _abort(server: smtplib.SMTP) -> None:
    """Cut the connection under a step that overran its deadline (the step then fails)."""
    sock = getattr(server, "sock", None)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


@contextmanager
def deadline(server: smtplib.SMTP, seconds: float) -> Iterator[None]:
    """Bound a whole step: a server that drips bytes defeats the per-read timeout, not this."""
    timer = threading.Timer(seconds, _abort, args=(server,))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


@contextmanager
def smtp_connection(config: SmtpConfig) -> Iterator[smtplib.SMTP]:
    """Yield a connected, authenticated SMTP session; each read times out, each step too."""
    server: smtplib.SMTP
    if config.security == "tls":
        server = smtplib.SMTP_SSL(timeout=config.timeout, context=_tls_context(config))
    else:
        server = smtplib.SMTP(timeout=config.timeout)
    server._host = config.host  # type: ignore[attr-defined]  # TLS checks this name
    try:
        with deadline(server, config.timeout * STEP_FACTOR):
            server.connect(config.host, config.port)
            server.ehlo()
            if config.security == "starttls":
                server.starttls(context=_tls_context(config))
                server.ehlo()
            if config.username and config.password is not None:
                server.login(config.username, config.password)
        yield server
    finally:
        try:
            server.quit()
        except (smtplib.SMTPException, OSError):
            server.close()


def deliver(server: smtplib.SMTP, message: EmailMessage, seconds: float) -> None:
    """Hand one message to the server within seconds; raise when its recipient was refused."""
    with deadline(server, seconds):
        refused = server.send_message(message)
    if refused:
        raise smtplib.SMTPRecipientsRefused(refused)


def is_permanent(exc: BaseException) -> bool:
    """Return True for failures a retry cannot cure (5xx replies, refused recipient, bad login)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPAuthenticationError | smtplib.SMTPNotSupportedError):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return isinstance(exc, ssl.SSLCertVerificationError | MailNotConfigured)


def error_text(exc: BaseException) -> str:
    """Return a failure as one bounded line for the send log (never a password)."""
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) \
            else str(exc.smtp_error)
        text = f"{exc.smtp_code} {reply}"
    elif isinstance(exc, smtplib.SMTPRecipientsRefused):
        text = "; ".join(f"{rcpt}: {code} {msg.decode(errors='replace')}"
                         for rcpt, (code, msg) in exc.recipients.items())
    else:
        text = f"{type(exc).__name__}: {exc}"
    text = " ".join(text.split())
    return text[:MAX_ERROR_CHARS]
