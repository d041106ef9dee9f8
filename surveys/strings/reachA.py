"""UI strings of the reach area (issue 14): client e-mail, messages, letters."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "reach_field_email": ("电子邮箱", "E-mail"),
    "reach_email_help": ("选填；用于发送邀请邮件，如 zhangsan@163.com",
                         "Optional; invitations are e-mailed here, e.g. zhangsan@163.com"),
}
