"""Phone numbers of mainland China as people write them: mobile, landline with area code, 400/800.

Accepted (spaces, dashes, dots and brackets anywhere, full-width digits too):
- mobile 1[3-9]xxxxxxxxx, optionally after +86, 0086 or 86: '138 1234 5678', '+86-13812345678';
- landline 0 + area code + local number (010 and 02x + 8 digits, 0[3-9]xx + 7-8 digits),
  optionally with an extension after 转, 分机, ext, x, # or a dash: '010-8512 3456',
  '(0755)2345678', '010-85123456 转 8021'; with +86 the area code's 0 is dropped or kept in
  brackets: '+86 10 8512 3456', '+86 (0)10 85123456';
- national service numbers 400/800 + 7 digits, extension allowed: '400-810-8888'.
The number is stored as typed; only its shape is checked here.
"""

from __future__ import annotations

import re
import unicodedata

_EXTENSION = re.compile(r"^(?P<main>.+?)\s*(?:转|分机|ext\.?|x|#)\s*(?P<ext>\d{1,6})$")
_DASH_EXTENSION = re.compile(r"^(?P<main>.+\d)\s*-\s*(?P<ext>\d{1,6})$")
_MAIN = re.compile(r"^\+?[\d\s\-().]+$")
_DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63]")
MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"0(?:10|2\d)\d{8}|0[3-9]\d{2}\d{7,8}")  # 010/02x + 8; 0xxx + 7-8
SERVICE = re.compile(r"[48]00\d{7}")


def _fold(text: str) -> str:
    """Return the text with full-width forms folded to ASCII and dashes unified, lower case."""
    return _DASHES.sub("-", unicodedata.normalize("NFKC", text)).strip().lower()


def _national(main: str) -> str | None:
    """Return the national digits of a number (country code removed, trunk 0 restored)."""
    if not _MAIN.match(main):
        return None
    digits = re.sub(r"\D", "", main)
    if main.startswith("+"):
        if not digits.startswith("86"):
            return None
        digits = digits[2:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif len(digits) == 13 and digits.startswith("86") and MOBILE.fullmatch(digits[2:]):
        return digits[2:]
    else:
        return digits
    # after the country code: a mobile, a service number, or a landline without its trunk 0
    if MOBILE.fullmatch(digits) or SERVICE.fullmatch(digits) or digits.startswith("0"):
        return digits
    return "0" + digits


def is_phone(text: str) -> bool:
    """Return True when the text is one mainland phone number (with an optional extension)."""
    folded = _fold(text)
    whole = _national(folded)
    if whole is not None and (MOBILE.fullmatch(whole) or LANDLINE.fullmatch(whole)
                              or SERVICE.fullmatch(whole)):
        return True
    for pattern in (_EXTENSION, _DASH_EXTENSION):
        match = pattern.match(folded)
        main = _national(match.group("main")) if match else None
        if main is not None and (LANDLINE.fullmatch(main) or SERVICE.fullmatch(main)):
            return True
    return False


def phone_message(label_zh: str, label_en: str, value: str) -> tuple[str, str]:
    """Return the bilingual message for a value that is not a phone number."""
    return (f"「{label_zh}」不是有效的电话号码（收到 {value!r}）：请填写手机号（如 138 1234 5678）"
            "或带区号的固定电话（如 010-8512 3456 转 8021），可加 +86",
            f"'{label_en}' is not a valid phone number (got {value!r}): use a mainland mobile "
            "number (e.g. 138 1234 5678) or a landline with its area code (e.g. 010-8512 3456 "
            "ext. 8021), optionally with +86")
