"""Reading import files: bounded before and while reading, encodings told apart or refused."""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from surveys.client_import import COLUMNS
from surveys.errors import ValidationFailed
from surveys.tabular import MAX_FILE_BYTES, MAX_ROWS, read_capped, read_table
from tests.factories import xlsx

HEADER = ["name", "department", "manager", "phone", "key_unit"]



def patch_sheet(data: bytes, change: Any, *, level: int = zipfile.ZIP_DEFLATED) -> bytes:
    """Return the .xlsx with its first sheet's XML passed through change(xml) -> xml or chunks."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", level) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                new = change(body.decode())
                with target.open(info.filename, "w", force_zip64=True) as member:
                    for chunk in ([new] if isinstance(new, str) else new):
                        member.write(chunk.encode())
                continue
            target.writestr(info.filename, body)
    return out.getvalue()


def dimension_bomb(far_cell: str | None = "XFD1048576") -> bytes:
    """Return the 1.6 KB sheet that declares A1:XFD1048576 (and holds one far cell)."""
    def change(xml: str) -> str:
        xml = re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD1048576"/>', xml)
        if far_cell:
            row = re.sub(r"\D", "", far_cell)
            xml = xml.replace("</sheetData>", f'<row r="{row}"><c r="{far_cell}" t="inlineStr">'
                              "<is><t>x</t></is></c></row></sheetData>")
        return xml
    return patch_sheet(xlsx([HEADER, ["甲", "", "", "", "否"]]), change)


def read(data: bytes, name: str) -> list[tuple[int, dict[str, Any]]]:
    """Return the rows read_table finds with the client import's columns."""
    return read_table(data, name, columns=COLUMNS)


def refusal(data: bytes, name: str) -> str:
    """Return the bilingual message of a refused file."""
    with pytest.raises(ValidationFailed) as caught:
        read(data, name)
    return " ".join(f"{e.zh} {e.en}" for e in caught.value.errors)


# --- issue 13 item 3: bounded reading -----------------------------------------------------------

def test_the_declared_dimension_is_not_trusted() -> None:
    bomb = dimension_bomb(far_cell=None)
    assert len(bomb) < 8000
    assert read(bomb, "c.xlsx") == [(2, {"name": "甲", "department": None, "manager": None,
                                         "phone": None, "key_unit": "否"})]


@pytest.mark.parametrize(("cell", "message"), [("XFD1048576", "too many rows"),
                                               ("XFD2", "too many columns"),
                                               ("A1048576", "too many rows")])
def test_a_far_cell_is_refused_while_streaming(cell: str, message: str) -> None:
    bomb = dimension_bomb(cell)
    assert len(bomb) < 8000
    assert message in refusal(bomb, "c.xlsx")


def test_a_zip_bomb_is_refused_by_its_unpacked_size() -> None:
    def padded(xml: str) -> Any:
        head, tail = xml.split("<sheetData>")
        yield head
        for _ in range(60):
            yield " " * (1024 * 1024)
        yield "<sheetData>" + tail
    bomb = patch_sheet(xlsx([HEADER, ["甲", "", "", "", "否"]]), padded)
    assert len(bomb) < 1024 * 1024
    assert "unpacks to too much data" in refusal(bomb, "c.xlsx")


def test_files_over_the_byte_limit_are_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with big.open("wb") as out:
        out.write(b"name,department,manager,phone,key_unit\n")
        line = "甲单位,保卫处,李,13812345678,否\n".encode() * 1000
        while out.tell() < 33 * 1024 * 1024:
            out.write(line)
    with pytest.raises(ValidationFailed) as caught:
        read_capped(big)
    assert "too large (33 MB" in caught.value.errors[0].en
    assert "too large" in refusal(b"PK" + b"\0" * (20 * 1024 * 1024), "c.xlsx")
    assert "too large" in refusal(b"x" * (MAX_FILE_BYTES + 1), "c.csv")


def test_rows_beyond_the_limit_are_refused_while_reading() -> None:
    body = "name,department,manager,phone,key_unit\n" + "甲,,,,否\n" * (MAX_ROWS + 1)
    assert "too many rows" in refusal(body.encode(), "c.csv")
    assert len(read(("name,department,manager,phone,key_unit\n" + "甲,,,,否\n" * MAX_ROWS
                     ).encode(), "c.csv")) == MAX_ROWS


@pytest.mark.parametrize(("data", "name", "message"), [
    ("name,department,manager,phone,key_unit\n" + "甲,,,,否" + ",x" * 100 + "\n", "c.csv",
     "too many columns"),
    ("name,department,manager,phone,key_unit\n" + "甲" * 20000 + ",,,,否\n", "c.csv",
     "too long"),
    ("name,department,manager,phone,key_unit\n甲,,,,否,stray\n", "c.csv", "no header"),
    ("name,,department,manager,phone,key_unit\n甲,lost,,,,否\n", "c.csv", "no header"),
])
def test_cells_outside_the_header_or_the_limits_are_refused(data: str, name: str,
                                                            message: str) -> None:
    assert message in refusal(data.encode(), name)


def test_excel_escapes_of_control_characters_are_read_as_the_characters() -> None:
    def escaped(xml: str) -> str:
        return xml.replace(">AAA<", ">甲_x000B_乙<")
    data = patch_sheet(xlsx([HEADER, ["AAA", "", "", "", "否"]]), escaped)
    assert read(data, "c.xlsx")[0][1]["name"] == "甲\x0b乙"


# --- issue 13 item 11: encodings -----------------------------------------------------------------

ROWS = {
    "simplified": "北京市第一中学,保卫处,李处长,010-85123456,是\n"
                  "海淀区人民医院,后勤部,王主任,13812345678,否\n",
    "traditional": "臺北市立第一中學,保衛處,陳處長,02-23456789,是\n"
                   "高雄醫學大學附設醫院,總務處,林主任,0912345678,否\n",
    "japanese": "東京都立第一高等学校,総務課,田中課長,03-1234-5678,はい\n"
                "株式会社サンプル,警備部,鈴木,090-1234-5678,いいえ\n",
    "short": "北京,,,,否\n",
    "short traditional": "中華電信,,,,否\n",
    "katakana": "テスト株式会社,,,,否\n",
}
HEAD = "name,department,manager,phone,key_unit\n"


@pytest.mark.parametrize(("text", "encoding"), [
    ("simplified", "gb18030"), ("simplified", "utf-8"), ("simplified", "utf-8-sig"),
    ("traditional", "big5"), ("traditional", "cp950"), ("traditional", "gb18030"),
    ("japanese", "shift_jis"), ("japanese", "cp932"), ("short", "gb18030"), ("short", "big5"),
    ("short traditional", "big5"), ("katakana", "shift_jis"), ("katakana", "gb18030"),
    ("simplified", "utf-16"), ("simplified", "utf-16-le"), ("simplified", "utf-16-be"),
    ("traditional", "utf-16-le"), ("japanese", "utf-32"),
])
def test_each_encoding_is_read_as_written(text: str, encoding: str) -> None:
    content = HEAD + ROWS[text]
    rows = read_table(content.encode(encoding), "c.csv", columns=COLUMNS)
    names = [line.split(",")[0] for line in ROWS[text].splitlines()]
    assert [cells["name"] for _, cells in rows] == names


@pytest.mark.parametrize("data", [
    pytest.param((HEAD + "Caf\xe9,,,,no\n").encode("latin-1"), id="latin-1"),
    pytest.param((HEAD + "醫院,,,,否\n").encode("cp932"), id="traditional in shift-jis"),
    pytest.param(b"\x00\x00" + (HEAD + "x").encode("utf-16-le")[:-1], id="broken utf-16"),
])
def test_an_undecidable_encoding_is_refused_naming_those_accepted(data: bytes) -> None:
    message = refusal(data, "c.csv")
    assert "GB18030" in message and "Big5" in message and "Shift-JIS" in message
    assert "UTF-8" in message


def test_a_byte_order_mark_that_lies_is_refused() -> None:
    assert "UTF-16" in refusal(codecs.BOM_UTF16_LE + b"\x00\xd8a", "c.csv")
