"""Public links: the one base URL a phone can reach, invitation URLs, and warnings about it.

The app, the CLI, QR cards and the evidence all take their base URL from ``public_base_url``:
STAR_SURVEY_PUBLIC_URL if set, else this machine's network address with the port the server
runs on (the server's own port inside the app; the port ``star-survey serve`` recorded in the
data directory for the CLI).
"""

from __future__ import annotations

import ipaddress
import socket
import struct
from pathlib import Path
from urllib.parse import urlsplit

from surveys.settings import Settings

PORT_FILE = "server-port"
DEFAULT_PORT = 8501


def _interface_addresses() -> list[str]:
    """Return the IPv4 addresses of this machine's network interfaces (Linux), else []."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not Linux
        return []
    found = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for _index, name in socket.if_nameindex():
            try:
                packed = fcntl.ioctl(sock.fileno(), 0x8915,  # SIOCGIFADDR
                                     struct.pack("256s", name[:15].encode()))
            except OSError:
                continue
            found.append(socket.inet_ntoa(packed[20:24]))
    return found


def network_address() -> str:
    """Return this machine's outward IPv4 address (as Streamlit's 'Network URL'), else 127.0.0.1."""
    addresses = _interface_addresses()
    try:
        addresses += [str(i[4][0]) for i in socket.getaddrinfo(socket.gethostname(), None,
                                                                socket.AF_INET)]
    except OSError:
        pass
    outward = [a for a in addresses if not ipaddress.ip_address(a).is_loopback]
    return outward[0] if outward else "127.0.0.1"


def default_base_url(port: int = 8501) -> str:
    """Return http://<network address>:<port>, used when STAR_SURVEY_BASE_URL is unset."""
    return f"http://{network_address()}:{port}"


def resolve_base_url(configured: str | None, port: int = 8501) -> str:
    """Return the configured public base URL without a trailing slash, else the network one."""
    return (configured or default_base_url(port)).rstrip("/")


def record_port(data_dir: Path, port: int) -> None:
    """Record the port the server is started on, for links made outside the server (CLI)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / PORT_FILE).write_text(f"{int(port)}\n", encoding="ascii")


def recorded_port(data_dir: Path) -> int | None:
    """Return the port recorded by the last ``serve``, or None (none recorded or unreadable)."""
    try:
        port = int((data_dir / PORT_FILE).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None
    return port if 0 < port < 65536 else None


def public_base_url(settings: Settings, *, running_port: int | None = None,
                    override: str | None = None) -> str:
    """Return the public base URL links use: override, the setting, else network:port."""
    configured = override or settings.base_url
    if configured:
        return configured.rstrip("/")
    port = running_port or settings.port or recorded_port(settings.data_dir) or DEFAULT_PORT
    return default_base_url(port)


def _answers(url: str, timeout: float) -> bool:
    """Return True when something accepts a TCP connection at the URL's host and port."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        with socket.create_connection((parts.hostname or "", port), timeout=timeout):
            return True
    except (OSError, ValueError):
        return False


def link_warnings(url: str, timeout: float = 1.0) -> list[str]:
    """Return what is wrong with a public base URL: 'loopback', 'unreachable' (or nothing)."""
    found = ["loopback"] if is_loopback_url(url) else []
    if not _answers(url, timeout):
        found.append("unreachable")
    return found


def is_loopback_url(url: str) -> bool:
    """Return True when a phone could not open the URL because its host is this machine only."""
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def invitation_url(base_url: str, token: str) -> str:
    """Return the client's form link for a token."""
    return f"{base_url.rstrip('/')}/?t={token}"
