"""E-mail addresses as people write them: a pragmatic check, the address stored as typed.

Accepted: one address `name@domain` in half-width ASCII, at most 254 characters (64 before the
@), the name made of letters, digits and ``!#$%&'*+/=?^_`{|}~.-`` (no leading, trailing or
double dot), the domain two or more labels of letters, digits and inner hyphens, ending in a
top-level domain of letters ('xn--' punycode too). Refused, with a message naming the field and
what to change: full-width or Chinese characters (＠, 。), spaces, two addresses in one cell,
quoting and angle brackets. Non-ASCII addresses (SMTPUTF8) are not accepted: every mail
provider the clients use gives ASCII addresses, and an accepted address must be sendable.
"""

from __future__ import annotations

import re
from typing import Any

from surveys.errors import FieldError, ValidationFailed
from surveys.text import TextRule, check_text

EMAIL_MAX = 254
LOCAL_MAX = 64
EMAIL_RULE = TextRule("email", "电子邮箱", "E-mail", EMAIL_MAX)
_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-]+$")
_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?$")
_TOP = re.compile(r"^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9\-]{1,59})$")
_SEPARATORS = ",;，；、"
_FORBIDDEN = '<>()[]\\":'
_EXAMPLE_ZH = "如 zhangsan@163.com"
_EXAMPLE_EN = "e.g. zhangsan@163.com"


def address_problem(text: str) -> tuple[str, str] | None:
    """Return (Chinese, English) of what is wrong with a non-empty address, or None when fine."""
    if any(ord(c) > 0x7E for c in text):
        return ("只能使用半角英文字母、数字和符号（如 @、. 而不是 ＠、。；不能有中文）",
                "may hold half-width ASCII letters, digits and symbols only (no full-width ＠ or "
                "。, no Chinese)")
    if any(c in _SEPARATORS for c in text):
        return ("只能填写一个邮箱地址", "may hold one address only")
    if any(c.isspace() for c in text):
        return ("不能含有空格", "may not contain spaces")
    bad = next((c for c in text if c in _FORBIDDEN), None)
    if bad is not None:
        return (f"含有不允许的字符「{bad}」：只填写地址本身，{_EXAMPLE_ZH}",
                f"contains the character '{bad}': give the bare address, {_EXAMPLE_EN}")
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain or "@" in local:
        return (f"应为「名称@域名」的形式，含一个 @，{_EXAMPLE_ZH}",
                f"must be name@domain with one @, {_EXAMPLE_EN}")
    if len(local) > LOCAL_MAX:
        return (f"@ 前的部分最多 {LOCAL_MAX} 个字符", f"at most {LOCAL_MAX} characters before @")
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return ("@ 前的部分不能以「.」开头或结尾，也不能有连续的「..」",
                "the part before @ may not start or end with '.' or hold '..'")
    if not _LOCAL.match(local):
        return (f"@ 前的部分含有不允许的字符，{_EXAMPLE_ZH}",
                f"the part before @ holds a character that is not allowed, {_EXAMPLE_EN}")
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) \
            or not _TOP.match(labels[-1]):
        return (f"@ 后的域名无效（收到 {domain!r}），应如 163.com、qq.com、example.com.cn",
                f"the domain after @ is not valid (got {domain!r}), e.g. 163.com, qq.com")
    return None


def is_email(text: str) -> bool:
    """Return True when the text is one acceptable e-mail address."""
    return bool(text) and len(text) <= EMAIL_MAX and address_problem(text) is None


def check_email(value: Any, *, row: int | None = None, field: str = "email") -> str | None:
    """Return the address cleaned by the text rule (None when empty), or raise ValidationFailed."""
    text, errors = check_text(value, EMAIL_RULE, row=row)
    errors = [FieldError(field, e.zh, e.en, row=e.row) for e in errors]
    if not errors and text:
        problem = address_problem(text)
        if problem is not None:
            errors.append(FieldError(field, f"「{EMAIL_RULE.zh}」{problem[0]}（收到 {text!r}）",
                                     f"'{EMAIL_RULE.en}' {problem[1]} (got {text!r})", row=row))
    if errors:
        raise ValidationFailed(errors)
    return text or None
