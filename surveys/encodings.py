"""Telling the encoding of a CSV file, or refusing it: never guessing it into mojibake.

The decision, in order:
1. a byte-order mark: UTF-8, UTF-16 (LE/BE) or UTF-32 (LE/BE);
2. UTF-16 without a mark, when NUL bytes sit on one side of the byte pairs (ASCII punctuation
   and digits of UTF-16 text) and the strict decoding holds no NUL;
3. strict UTF-8;
4. the legacy East Asian encodings, each decoded strictly: GB18030 (GBK), Big5 (Windows cp950
   or Big5-HKSCS) and Shift-JIS (Windows cp932). When more than one decodes, each reading is
   scored by the share of its non-ASCII characters that are common in that script (GB2312 and
   Big5 level 1 for Chinese; kana and JIS level 1 for Japanese): a wrong reading of the bytes
   yields rare characters, half-width katakana or symbols. GB18030 wins when its reading
   scores 0.8 or more (mainland users save GBK); another wins when it scores 0.8 or more and
   at least 0.2 above every other reading. Otherwise the file is refused, naming the encodings
   accepted. A file that only one of them decodes is read in that one.
"""

from __future__ import annotations

import codecs

from surveys.errors import FieldError, ValidationFailed

ACCEPTED_ZH = "UTF-8（可带 BOM）、UTF-16（带 BOM）、GB18030/GBK、Big5、Shift-JIS"
ACCEPTED_EN = "UTF-8 (with or without BOM), UTF-16 (with BOM), GB18030/GBK, Big5, Shift-JIS"
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
LEGACY = (("gb18030",), ("cp950", "big5hkscs"), ("cp932",))
WINNING_SCORE = 0.8
MARGIN = 0.2


def _refuse(zh: str, en: str) -> ValidationFailed:
    """Return the error naming the encodings accepted."""
    return ValidationFailed([FieldError(
        "file", f"{zh}。请在 Excel 中“另存为”→“CSV UTF-8（逗号分隔）”后重试。可用的编码：{ACCEPTED_ZH}",
        f"{en}. In Excel use Save As -> 'CSV UTF-8 (Comma delimited)' and try again. "
        f"Encodings accepted: {ACCEPTED_EN}")])


def _big5_common(char: str) -> bool:
    """Return True for a Big5 level-1 character or Big5 punctuation."""
    try:
        raw = char.encode("cp950")
    except UnicodeEncodeError:
        return False
    code = int.from_bytes(raw, "big")
    return len(raw) == 2 and (0xA440 <= code <= 0xC67E or 0xA140 <= code <= 0xA3BF)


def _common(char: str, encoding: str) -> bool:
    """Return True when the character is common in text written in that encoding."""
    if encoding == "gb18030":
        try:
            char.encode("gb2312")
            return True
        except UnicodeEncodeError:
            return _big5_common(char)  # traditional characters saved as GBK
    if encoding in ("cp950", "big5hkscs"):
        return _big5_common(char)
    if 0x3041 <= ord(char) <= 0x30FF:  # hiragana, katakana
        return True
    try:
        raw = char.encode("cp932")
    except UnicodeEncodeError:
        return False
    return len(raw) == 2 and (0x88 <= raw[0] <= 0x98 or 0x81 <= raw[0] <= 0x84)


def score(text: str, encoding: str) -> float:
    """Return the share of the text's non-ASCII characters that are common in the encoding."""
    wide = [char for char in text if ord(char) >= 0x80]
    if not wide:
        return 1.0
    return sum(_common(char, encoding) for char in wide) / len(wide)


def _utf16_without_bom(data: bytes) -> str | None:
    """Return the text of BOM-less UTF-16 data, or None when the bytes do not look like it."""
    if len(data) < 4 or len(data) % 2:
        return None
    odd, even = data[1::2].count(0), data[0::2].count(0)
    for nuls, others, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if nuls >= 2 and nuls > 4 * others:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if "\x00" not in text:
                return text
    return None


def _legacy(data: bytes) -> str:
    """Return the text in the one legacy encoding the bytes are written in, or refuse."""
    readings: dict[str, str] = {}
    for family in LEGACY:
        for codec in family:
            try:
                readings[family[0]] = data.decode(codec)
                break
            except UnicodeDecodeError:
                continue
    if len(readings) == 1:
        return next(iter(readings.values()))
    scores = {codec: score(text, codec) for codec, text in readings.items()}
    if scores.get("gb18030", 0.0) >= WINNING_SCORE:
        return readings["gb18030"]
    for codec, value in scores.items():
        if value >= WINNING_SCORE and all(value - other >= MARGIN
                                          for name, other in scores.items() if name != codec):
            return readings[codec]
    raise _refuse("无法确定文件编码", "cannot tell the file's encoding")


def decode_csv(data: bytes) -> str:
    """Return the text of a CSV file, or raise ValidationFailed naming the encodings accepted."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec).removeprefix("\ufeff")
            except UnicodeDecodeError as exc:
                raise _refuse(f"文件以 {codec.upper()} 标记开头，但内容不是该编码（第 {exc.start} 字节）",
                              f"the file starts with a {codec.upper()} mark but is not in that "
                              f"encoding (byte {exc.start})") from exc
    nuls = data.count(0)
    if nuls:
        text = _utf16_without_bom(data)
        if text is not None:
            return text
        if nuls >= 2 and nuls * 20 >= len(data):
            raise _refuse("文件含有大量空字节，像是没有 BOM 的 UTF-16 或二进制文件",
                          "the file is full of NUL bytes, like UTF-16 without a byte-order mark "
                          "or a binary file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _legacy(data)
