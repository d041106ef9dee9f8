"""UI strings of the sessions area (sign-in cookie hand-over, staff home page)."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "sess_signing_in": ("正在登录……", "Signing in..."),
    "sess_works_for": ("您所在的服务单位：", "You work for: "),
    "sess_nav_login": ("登录", "Sign in"),
}
