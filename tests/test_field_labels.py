"""Field keys become labels in error tables; bilingual messages show the session's half."""

from __future__ import annotations

import pytest

from surveys.errors import FieldError, ValidationFailed
from surveys.field_labels import LABELS, failure_rows, field_label, in_language
from surveys.response_import import COLUMNS


@pytest.mark.parametrize(("field", "lang", "label"), [
    ("item3", "zh", "3. 员工维修技能水平"), ("signer_name", "zh", "签字人姓名"),
    ("scan", "en", "Scan of the paper form"), ("reason", "zh", "更正原因"),
    ("mystery_header", "zh", "mystery_header"),
])
def test_field_label(field: str, lang: str, label: str) -> None:
    assert field_label(field, lang) == label


def test_import_columns_are_named_as_the_file_names_them() -> None:
    failure = ValidationFailed([FieldError("signer", "请填写签字人", "signer required", row=4),
                                FieldError("scan", "缺扫描件", "no scan", row=4)])
    assert failure_rows(failure, "zh", COLUMNS) == [(4, "签字人", "请填写签字人"),
                                                    (4, "扫描件", "缺扫描件")]
    assert failure_rows(failure, "en", COLUMNS) == [(4, "Signer", "signer required"),
                                                    (4, "Scan", "no scan")]


def test_every_label_is_chinese_in_chinese() -> None:
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in zh) for zh, _en in LABELS.values())


@pytest.mark.parametrize(("message", "lang", "shown"), [
    ("此评价表已被更正 / this form was corrected", "zh", "此评价表已被更正"),
    ("此评价表已被更正 / this form was corrected", "en", "this form was corrected"),
    ("only one language", "zh", "only one language"),
])
def test_in_language(message: str, lang: str, shown: str) -> None:
    assert in_language(message, lang) == shown
