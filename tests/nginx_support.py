"""A real nginx (Debian's /usr/sbin/nginx) on loopback running deploy/nginx.conf in front of the app.

The production file is used as written except for what only a deployment knows: the upstream
servers become the test's app server, `listen` gets loopback ports, the certificate is a fresh
self-signed one (made with `cryptography`) and log files go to the test's directory.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.tls_support import self_signed

ROOT = Path(__file__).resolve().parents[1]
NGINX = os.environ.get("STAR_SURVEY_NGINX", "/usr/sbin/nginx")
SITE = ROOT / "deploy" / "nginx.conf"


@dataclass(frozen=True)
class Proxy:
    """A running nginx: its HTTPS and HTTP ports and the folder holding its logs."""

    https_port: int
    http_port: int
    logs: Path


def require_nginx() -> None:
    """Skip (or, under REQUIRE_NGINX=1, fail) when Debian's nginx is not installed."""
    if Path(NGINX).exists() or shutil.which(NGINX):
        return
    message = f"no nginx at {NGINX} (apt-get install nginx)"
    if os.environ.get("REQUIRE_NGINX", "").lower() in ("1", "true", "yes"):
        pytest.fail(message + " and REQUIRE_NGINX=1")
    pytest.skip(message)



def site_for_test(text: str, *, app_port: int, https_port: int, http_port: int, cert: Path,
                  key: Path, logs: Path) -> str:
    """Return deploy/nginx.conf with the deployment-specific values replaced for loopback."""
    text = re.sub(r"^(\s*)server\s+\d+\.\d+\.\d+\.\d+:\d+[^;]*;", "", text, flags=re.M)
    text = re.sub(r"(upstream\s+\w+\s*\{)", rf"\1\n    server 127.0.0.1:{app_port};", text)
    text = re.sub(r"listen\s+443\b", f"listen 127.0.0.1:{https_port}", text)
    text = re.sub(r"listen\s+80\b", f"listen 127.0.0.1:{http_port}", text)
    text = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", text)
    text = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", text)
    text = re.sub(r"(access_log|error_log)\s+/\S*/(\S+)", rf"\1 {logs}/\2", text)
    return text


def free_port() -> int:
    """Return a free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_nginx(app_port: int, folder: Path) -> Iterator[Proxy]:
    """Yield a running nginx with deploy/nginx.conf in front of 127.0.0.1:app_port."""
    require_nginx()
    folder.mkdir(parents=True, exist_ok=True)
    logs = folder / "logs"
    logs.mkdir(exist_ok=True)
    cert, key = self_signed(folder, "survey.example.org")
    https_port, http_port = free_port(), free_port()
    (folder / "site.conf").write_text(site_for_test(
        SITE.read_text(), app_port=app_port, https_port=https_port, http_port=http_port,
        cert=cert, key=key, logs=logs))
    (folder / "nginx.conf").write_text(f"""
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {logs}/main-error.log;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {logs}/default-access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
}}
""")
    command = [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        yield Proxy(https_port, http_port, logs)
    finally:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
