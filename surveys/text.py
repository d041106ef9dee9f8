"""The one rule for text that enters from outside, and making stored text inert on output.

Every entry path (web form, paper page, CLI, both importers, provider/client registry,
account names) passes typed text through `clean_text`:

- normalised to NFC (what the verifier and the database compare);
- outer whitespace trimmed (spaces, tabs, line breaks, NBSP, U+3000, a stray U+FEFF);
- refused, with a message naming the field and the character, when it holds a control
  character: every C0/C1 control and DEL (in the one multi-line field, the comment, line feed
  and tab are kept and CR LF / CR become LF), U+2028/U+2029 line and paragraph separators, the
  bidirectional embeddings, overrides and isolates U+202A-U+202E and U+2066-U+2069 (they reorder
  what a reader sees), lone surrogates and the noncharacters U+FDD0-U+FDEF, U+xxFFFE/U+xxFFFF;
- refused when longer than its column (characters, as PostgreSQL's VARCHAR counts them).

Kept as people type them: U+3000 ideographic and no-break spaces inside the text, emoji with
their zero-width joiners, variation selectors and tag characters, ZWJ/ZWNJ/ZWSP, LRM/RLM,
private-use characters (rare characters of GB18030), characters newer than Python's tables.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from surveys.errors import FieldError, ValidationFailed

BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
SEPARATORS = frozenset("\u2028\u2029")
MULTILINE_KEPT = frozenset("\n\t")
_TRIM = " \t\n\r\u00a0\u3000\ufeff\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009" \
        "\u200a\u202f\u205f"


@dataclass(frozen=True)
class TextRule:
    """How one text field is checked: its key, its labels, its column size."""

    key: str
    zh: str
    en: str
    max_len: int
    required: bool = False
    multiline: bool = False

    def label(self, lang: str = "zh") -> str:
        """Return the field's label in the language."""
        return self.en if lang == "en" else self.zh


def is_refused(char: str, *, multiline: bool = False) -> bool:
    """Return True when the character may not be stored in a text field."""
    code = ord(char)
    if unicodedata.category(char) == "Cc":
        return not (multiline and char in MULTILINE_KEPT)
    if char in SEPARATORS or char in BIDI_CONTROLS:
        return True
    if 0xD800 <= code <= 0xDFFF or 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE:
        return True
    return False


def code_point(char: str) -> str:
    """Return the character's name for a message, e.g. 'U+000B'."""
    return f"U+{ord(char):04X}"


def as_text(value: Any) -> str:
    """Return a raw value as text: None and NaN as empty, everything else through str()."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return value if isinstance(value, str) else str(value)


def normalise(value: Any, *, multiline: bool = False) -> str:
    """Return the text in NFC with outer whitespace trimmed (line ends unified when multiline)."""
    text = as_text(value)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text).strip(_TRIM)  # lone surrogates pass, then refused


def text_errors(text: str, rule: TextRule, *, row: int | None = None) -> list[FieldError]:
    """Return the problems of an already normalised text under its rule."""
    bad = list(dict.fromkeys(c for c in text if is_refused(c, multiline=rule.multiline)))
    errors = []
    if bad:
        where = text.index(bad[0]) + 1
        names = "、".join(code_point(c) for c in bad[:3]) + ("…" if len(bad) > 3 else "")
        names_en = ", ".join(code_point(c) for c in bad[:3]) + (", ..." if len(bad) > 3 else "")
        errors.append(FieldError(
            rule.key, f"「{rule.zh}」含有不可见的控制字符 {names}（第 {where} 个字符起），请删除后重新输入",
            f"'{rule.en}' contains the control character {names_en} (from character {where}); "
            "delete it and type the text again", row=row))
    if rule.required and not text:
        errors.append(FieldError(rule.key, f"请填写「{rule.zh}」", f"'{rule.en}' is required",
                                 row=row))
    if len(text) > rule.max_len:
        errors.append(FieldError(
            rule.key, f"「{rule.zh}」过长：{len(text)} 个字，最多 {rule.max_len} 个字",
            f"'{rule.en}' is too long: {len(text)} characters, at most {rule.max_len}", row=row))
    return errors


def check_text(value: Any, rule: TextRule, *, row: int | None = None) -> tuple[str,
                                                                               list[FieldError]]:
    """Return the cleaned text and its problems (an empty list when it may be stored)."""
    text = normalise(value, multiline=rule.multiline)
    return text, text_errors(text, rule, row=row)


def clean_text(value: Any, rule: TextRule, *, row: int | None = None) -> str:
    """Return the cleaned text, or raise ValidationFailed naming the field."""
    text, errors = check_text(value, rule, row=row)
    if errors:
        raise ValidationFailed(errors)
    return text


# --- output: stored text shown inert -------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=&\"'@/])")
_WORD_JOINER = "\u2060"
# What Markdown renderers turn into links by themselves (GFM autolink literals): a scheme, www.,
# or an address with @; a word joiner after the first character breaks the pattern.
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|xmpp|www|[\w.+-]+(?=@))")


def markdown_literal(value: Any) -> str:
    """Return text for st.markdown that shows character for character: no markup, no links.

    Every Markdown and HTML special character is backslash-escaped; a word joiner (U+2060,
    invisible) is put inside URL schemes, 'www' and e-mail names so the renderer's autolinker
    cannot find them; control characters show as their code point.
    """
    text = visible_controls(as_text(value), keep="\n\t")
    text = _AUTOLINK.sub(lambda m: m.group(0)[0] + _WORD_JOINER + m.group(0)[1:], text)
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return text.replace("\n", "  \n")


def visible_controls(text: str, *, keep: str = "") -> str:
    """Return text with refused characters replaced by their escapes (e.g. '\\x1b', '\\u202e')."""
    out = []
    for char in text:
        if char in keep or not is_refused(char):
            out.append(char)
        elif ord(char) < 0x100:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(f"\\u{ord(char):04x}")
    return "".join(out)


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def spreadsheet_safe(text: str) -> str:
    """Return text an XLSX cell can hold, the way the evidence spreadsheets show it.

    C0 controls (but tab, LF, CR) become their Unicode control pictures (U+000B -> U+240B);
    the noncharacters U+FFFE/U+FFFF and lone surrogates, which have none, show as escapes.
    """
    def visible(match: re.Match[str]) -> str:
        code = ord(match.group(0))
        return chr(0x2400 + code) if code < 0x20 else f"\\u{code:04x}"
    return _XML_ILLEGAL.sub(visible, text)


def terminal_safe(text: str) -> str:
    """Return text fit for a terminal: line feeds and tabs kept, every other control escaped."""
    return visible_controls(text, keep="\n\t")


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def json_terminal_safe(text: str) -> str:
    """Return JSON text with DEL, C1, bidi controls and lone surrogates as \\u escapes (valid JSON).

    json.dumps(ensure_ascii=False) escapes U+0000-U+001F itself; these it passes through: a
    terminal acts on the controls, and a lone surrogate (a hostile manifest's "\\ud800") has no
    UTF-8, so printing it would raise. As an escape it reads back as the same string.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
