"""The SMTP setting and connections: parsed strictly, TLS checked, bounded, errors sorted."""

from __future__ import annotations

import smtplib
import socket
import ssl
import threading
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from surveys.mailer import (
    MailNotConfigured,
    check_address,
    deliver,
    error_text,
    is_permanent,
    parse_smtp_url,
    smtp_connection,
)
from surveys.settings import get_settings
from tests.smtp_support import PASSWORD, USER, SmtpServer, smtp_server, smtps_server  # noqa: F401


@pytest.mark.parametrize(("url", "sender", "expected"), [
    ("smtp://mail.example.com", "a@example.com", ("mail.example.com", 25, "plain", None, None)),
    ("smtp://u%40x.cn:p%3Aw@mail.example.com:2525?starttls=1", None,
     ("mail.example.com", 2525, "starttls", "u@x.cn", "p:w")),
    ("smtp://user:pw@mail.example.com?starttls=true", "a@example.com",
     ("mail.example.com", 587, "starttls", "user", "pw")),
    ("smtps://user:pw@smtp.qq.com", "a@example.com", ("smtp.qq.com", 465, "tls", "user", "pw")),
])
def test_smtp_url_is_parsed(url: str, sender: str | None, expected: tuple[object, ...]) -> None:
    config = parse_smtp_url(url, sender)
    assert (config.host, config.port, config.security, config.username,
            config.password) == expected
    assert "pw" not in config.describe() and "p:w" not in config.describe()


@pytest.mark.parametrize(("url", "sender", "needle"), [
    (None, "a@example.com", "not set"),
    ("http://mail.example.com", "a@example.com", "smtp://"),
    ("smtp://", "a@example.com", "host"),
    ("smtp://mail.example.com:99999", "a@example.com", "port"),
    ("smtp://mail.example.com?timeout=abc", "a@example.com", "timeout"),
    ("smtp://mail.example.com?timeout=0", "a@example.com", "timeout"),
    ("smtp://mail.example.com?timeout=9999", "a@example.com", "timeout"),
    ("smtp://user:pw@mail.example.com", "a@example.com", "unencrypted"),
    ("smtp://mail.example.com", None, "sender"),
    ("smtp://mail.example.com", "not an address", "STAR_SURVEY_SMTP_FROM"),
    ("smtp://mail.example.com", "a@example.com\r\nBcc: x@evil.test", "STAR_SURVEY_SMTP_FROM"),
    ("smtp://" + "x" * 3000, "a@example.com", "too long"),
])
def test_unusable_settings_are_refused_naming_the_problem(url: str | None, sender: str | None,
                                                          needle: str) -> None:
    with pytest.raises(MailNotConfigured) as info:
        parse_smtp_url(url, sender)
    assert needle in str(info.value)


def test_settings_read_the_reach_variables() -> None:
    settings = get_settings({"STAR_SURVEY_SMTP_URL": "smtps://h", "STAR_SURVEY_SMTP_FROM": "a@b.cn"})
    assert (settings.smtp_url, settings.smtp_from) == ("smtps://h", "a@b.cn")
    assert get_settings({}).smtp_url is None


@pytest.mark.parametrize("text", ["", "a", "a@b", "a b@c.cn", "<a@b.cn>", "a@b.cn, c@d.cn",
                                  "a@b.cn\nBcc: c@d.cn"])
def test_bad_addresses_are_refused(text: str) -> None:
    with pytest.raises(Exception, match="e-mail"):
        check_address(text)


def _message(to: str) -> EmailMessage:
    """Return a small message to the given address."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = USER, to, "测试"
    message.set_content("你好")
    return message


def test_starttls_with_login_delivers(smtp_server: SmtpServer) -> None:  # noqa: F811
    config = parse_smtp_url(smtp_server.url)
    assert config.security == "starttls" and config.sender == USER
    with smtp_connection(config) as server:
        deliver(server, _message("a@client.test"), 10)
    assert smtp_server.handler.logins == [USER]
    [got] = smtp_server.handler.received
    assert got.rcpt_tos == ["a@client.test"] and got.message["Subject"] == "测试"


def test_implicit_tls_delivers(smtps_server: SmtpServer) -> None:  # noqa: F811
    with smtp_connection(parse_smtp_url(smtps_server.url, "a@jingan.test")) as server:
        deliver(server, _message("b@client.test"), 10)
    assert [r.rcpt_tos for r in smtps_server.handler.received] == [["b@client.test"]]


def test_untrusted_certificate_is_refused(smtps_server: SmtpServer) -> None:  # noqa: F811
    url = smtps_server.url.split("&cafile=")[0]
    with pytest.raises(ssl.SSLCertVerificationError) as info:
        with smtp_connection(parse_smtp_url(url, "a@jingan.test")):
            pass
    assert is_permanent(info.value)
    assert smtps_server.handler.received == []


def test_wrong_password_is_a_permanent_failure(smtp_server: SmtpServer) -> None:  # noqa: F811
    url = smtp_server.url.replace(PASSWORD.replace("@", "%40"), "wrong")
    with pytest.raises(smtplib.SMTPAuthenticationError) as info:
        with smtp_connection(parse_smtp_url(url)):
            pass
    assert is_permanent(info.value)
    assert "wrong" not in error_text(info.value)


def test_refused_recipients_are_sorted_by_reply_code(smtp_server: SmtpServer) -> None:  # noqa: F811
    smtp_server.handler.refuse = {"gone@client.test": ["550 no such user"],
                                  "busy@client.test": ["451 try again later"]}
    with smtp_connection(parse_smtp_url(smtp_server.url)) as server:
        for address, permanent in (("gone@client.test", True), ("busy@client.test", False)):
            with pytest.raises(smtplib.SMTPRecipientsRefused) as info:
                deliver(server, _message(address), 10)
            assert is_permanent(info.value) is permanent
            assert address in error_text(info.value)


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Yield the port of a server that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(listener.getsockname()[1])
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def test_a_server_that_never_answers_times_out(silent_server: int) -> None:
    config = parse_smtp_url(f"smtp://127.0.0.1:{silent_server}?timeout=0.5", "a@jingan.test")
    with pytest.raises(OSError) as info:  # TimeoutError or SMTPServerDisconnected
        with smtp_connection(config):
            pass
    assert not is_permanent(info.value)


@pytest.fixture
def dripping_server() -> Iterator[tuple[int, list[int]]]:
    """Yield the port of a server that greets one byte every 0.1 s, never ending the line."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    sent = [0]
    stop = threading.Event()

    def drip() -> None:
        listener.settimeout(5)
        try:
            conn = listener.accept()[0]
        except OSError:
            return
        with conn:
            while not stop.is_set() and sent[0] < 600:  # a minute at most
                try:
                    conn.sendall(b"2")
                except OSError:
                    return
                sent[0] += 1
                stop.wait(0.1)

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    yield int(listener.getsockname()[1]), sent
    stop.set()
    thread.join()
    listener.close()


def test_a_server_that_drips_bytes_is_cut_off(dripping_server: tuple[int, list[int]]) -> None:
    port, sent = dripping_server
    config = parse_smtp_url(f"smtp://127.0.0.1:{port}?timeout=0.5", "a@jingan.test")
    with pytest.raises(OSError):
        with smtp_connection(config):
            pass
    assert sent[0] < 40  # cut off after about three timeouts, not after the server's minute
