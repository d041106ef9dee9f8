"""Public links: the base URL a phone can reach, and invitation URLs."""

from __future__ import annotations

import ipaddress
import socket
import struct
from urllib.parse import urlsplit


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
