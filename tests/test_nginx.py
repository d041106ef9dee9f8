"""deploy/nginx.conf with a real nginx in front of a real app server, over TLS on loopback."""

from __future__ import annotations

import gzip
import http.client
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import select

from surveys.db import read_session
from surveys.models import Response
from tests.browser_support import require_browser, running_app
from tests.form_driver import PHONE, Installation, fill_and_submit, install, server_env
from tests.nginx_support import Proxy, require_nginx, running_nginx

TOKEN = "Zq8TokenNeverLogged1x"  # shaped like a link token (22 URL-safe characters)
HASH = "ab" * 32
SESSION = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
MB = 2**20


@dataclass(frozen=True)
class App:
    """The running app server behind the proxies, its database and its client links."""

    port: int
    installation: Installation


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """Yield a running app server on a fresh SQLite database with one invited client."""
    require_nginx()
    folder = tmp_path_factory.mktemp("app")
    installation = install(f"sqlite:///{folder / 'survey.db'}", folder, clients=1)
    env = {**server_env(installation, folder / "data", "https://survey.example.org")}
    with running_app(env) as base:
        yield App(int(base.rsplit(":", 1)[1]), installation)
    installation.ctx.engine.dispose()


@pytest.fixture(scope="module")
def proxy(app: App, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    """Yield nginx running deploy/nginx.conf in front of the app server."""
    with running_nginx(app.port, tmp_path_factory.mktemp("nginx")) as running:
        yield running


def tls_context(version: ssl.TLSVersion | None = None) -> ssl.SSLContext:
    """Return a client context that accepts the test's self-signed certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    if version is not None:
        context.set_ciphers("DEFAULT:@SECLEVEL=0")  # let the client even try old versions
        context.minimum_version = context.maximum_version = version
    return context


def fetch(proxy: Proxy, method: str, path: str, *, body: bytes | None = None,
          headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """Return (status, lower-cased headers, body) of one HTTPS request through nginx."""
    conn = http.client.HTTPSConnection("127.0.0.1", proxy.https_port, timeout=30,
                                       context=tls_context())
    try:
        conn.request(method, path, body=body, headers={"Host": "survey.example.org",
                                                       **(headers or {})})
        reply = conn.getresponse()
        return reply.status, {k.lower(): v for k, v in reply.getheaders()}, reply.read()
    finally:
        conn.close()


def test_every_answer_forbids_framing_by_other_sites(proxy: Proxy) -> None:
    for path in ("/", "/?t=" + TOKEN, "/_stcore/health", "/no-such-page"):
        _status, headers, _body = fetch(proxy, "GET", path)
        assert "frame-ancestors 'self'" in headers.get("content-security-policy", ""), path
        assert headers.get("x-frame-options") == "SAMEORIGIN", path
        assert headers.get("strict-transport-security", "").startswith("max-age="), path
        assert headers.get("x-content-type-options") == "nosniff", path
    status, _headers, body = fetch(proxy, "GET", "/_stcore/health")
    assert status == 200 and body == b"ok"  # the app answers through the proxy


def test_the_metrics_endpoint_is_closed_at_the_proxy(proxy: Proxy) -> None:
    for path in ("/_stcore/metrics", "/_stcore/metrics/", "/_stcore/metrics?x=1"):
        status, headers, _body = fetch(proxy, "GET", path)
        assert status == 403, path
        assert "x-frame-options" in headers


def _post_declared(proxy: Proxy, path: str, size: int) -> int:
    """Return the status nginx answers to a POST that declares a body of size bytes."""
    conn = http.client.HTTPSConnection("127.0.0.1", proxy.https_port, timeout=30,
                                       context=tls_context())
    try:
        conn.putrequest("POST", path, skip_host=True)
        conn.putheader("Host", "survey.example.org")
        conn.putheader("Content-Type", "application/octet-stream")
        conn.putheader("Content-Length", str(size))
        conn.endheaders()
        try:
            conn.send(b"x" * 65536)
        except OSError:
            pass
        return conn.getresponse().status
    finally:
        conn.close()


def test_bodies_over_the_apps_limits_are_refused_with_413(proxy: Proxy) -> None:
    assert _post_declared(proxy, f"/_stcore/upload_file/{SESSION}/f1", 22 * MB) == 413
    assert _post_declared(proxy, "/auth/session", 2 * MB) == 413
    assert _post_declared(proxy, "/", 2 * MB) == 413


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/auth/session"),                      # sign-in
    ("PUT", f"/_stcore/upload_file/{SESSION}/f2"),  # uploads
    ("GET", "/_stcore/stream"),                      # the websocket
])
def test_limit_req_answers_429_to_a_flood(proxy: Proxy, method: str, path: str) -> None:
    statuses = []
    for _ in range(150):
        status, _headers, _body = fetch(proxy, method, path, body=b"x" if method != "GET"
                                        else None)
        statuses.append(status)
        if status == 429:
            break
    assert statuses[-1] == 429, statuses
    assert statuses[0] != 429


def test_tokens_and_session_ids_stay_out_of_the_access_logs(proxy: Proxy) -> None:
    page = f"https://survey.example.org/?t={TOKEN}"
    fetch(proxy, "GET", f"/?t={TOKEN}")
    fetch(proxy, "GET", f"/?h={HASH}")
    fetch(proxy, "GET", "/_stcore/health", headers={"Referer": page})
    fetch(proxy, "PUT", f"/_stcore/upload_file/{SESSION}/f3", body=b"x",
          headers={"Referer": page})
    conn = http.client.HTTPConnection("127.0.0.1", proxy.http_port, timeout=10)
    conn.request("GET", f"/?t={TOKEN}", headers={"Host": "survey.example.org"})
    redirect = conn.getresponse()
    conn.close()
    assert redirect.status == 301 and redirect.getheader("Location", "").startswith("https://")
    logs = {p.name: p.read_text(errors="replace") for p in proxy.logs.glob("*access*.log")}
    everything = "\n".join(logs.values())
    assert "GET /" in everything and "/_stcore/health" in everything
    for secret in (TOKEN, HASH, SESSION):
        assert secret not in everything, [name for name, text in logs.items() if secret in text]


def test_text_is_gzip_compressed(proxy: Proxy) -> None:
    status, headers, body = fetch(proxy, "GET", "/", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip"
    assert b"<html" in gzip.decompress(body).lower()
    assert "accept-encoding" in headers.get("vary", "").lower()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # ssl.TLSVersion.TLSv1 / TLSv1_1
@pytest.mark.parametrize(("version", "accepted"), [
    (ssl.TLSVersion.TLSv1_3, True), (ssl.TLSVersion.TLSv1_2, True),
    (ssl.TLSVersion.TLSv1_1, False), (ssl.TLSVersion.TLSv1, False),
])
def test_only_tls_1_2_and_1_3_are_spoken(proxy: Proxy, version: ssl.TLSVersion,
                                         accepted: bool) -> None:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", proxy.https_port), timeout=10) as raw, \
                tls_context(version).wrap_socket(raw) as tls:
            spoken = tls.version()
    except (ssl.SSLError, OSError):
        spoken = None
    assert (spoken is not None) is accepted, spoken


def test_the_site_file_sets_what_the_tests_rely_on() -> None:
    text = (Path(__file__).resolve().parents[1] / "deploy" / "nginx.conf").read_text()
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in text
    assert "server_tokens off;" in text


def test_a_client_fills_in_the_form_through_the_proxy_and_no_token_is_logged(
    app: App, browser: object, tmp_path: Path
) -> None:
    require_browser()
    url = app.installation.urls[0]
    token = url.split("?t=")[1]
    with running_nginx(app.port, tmp_path / "nginx") as own:  # its own rate-limit zones
        context = browser.new_context(ignore_https_errors=True, **PHONE)  # type: ignore[attr-defined]
        try:
            page = context.new_page()
            fill_and_submit(page, f"https://127.0.0.1:{own.https_port}/?t={token}", "周杰")
        finally:
            context.close()
        deadline = time.monotonic() + 15  # a websocket is logged when it has closed
        while True:
            logs = "\n".join(p.read_text(errors="replace")
                              for p in own.logs.glob("*access*.log"))
            if "/_stcore/stream" in logs or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    with read_session(app.installation.ctx.engine) as session:
        stored = session.exec(select(Response)).all()
    assert [r.signer_name for r in stored] == ["周杰"]
    assert "/_stcore/stream" in logs and " 101 " in logs  # the websocket went through nginx
    assert token not in logs and str(stored[0].record_hash) not in logs
