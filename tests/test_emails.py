"""The pragmatic e-mail address check: what people really type is accepted as typed, the rest
is refused with a message naming the field."""

from __future__ import annotations

import pytest

from surveys.emails import EMAIL_MAX, check_email, is_email
from surveys.errors import ValidationFailed


@pytest.mark.parametrize("address", [
    "zhang.san@163.com", "li_si+survey@qq.com", "Wang.Wu@Example.COM.cn", "a@b.cn",
    "o'brien@hospital.org", "x-1@sub-domain.example-site.com", "service@bj.gov.cn",
])
def test_addresses_people_use_are_accepted(address: str) -> None:
    assert is_email(address)
    assert check_email(f"  {address}\u3000") == address  # trimmed, kept as typed


@pytest.mark.parametrize(("address", "hint"), [
    ("zhangsan", "@"), ("zhangsan@", "@"), ("@163.com", "@"), ("a@@163.com", "@"),
    ("a@163", "域名"), ("a@163.", "域名"), ("a@.com", "域名"), ("a@-x.com", "域名"),
    ("a b@163.com", "空格"), ("a@16 3.com", "空格"), ("a..b@163.com", "."), (".a@163.com", "."),
    ("a.@163.com", "."), ("张三@163.com", "半角"), ("a＠163.com", "半角"), ("a@163。com", "半角"),
    ("a@163.com; b@qq.com", "一个"), ("a@163.com,b@qq.com", "一个"), ("<a@163.com>", "<"),
    ("a@163.c", "域名"), ("a@163.c0m1", "域名"),
])
def test_malformed_addresses_are_refused_naming_the_field(address: str, hint: str) -> None:
    assert not is_email(address)
    with pytest.raises(ValidationFailed) as caught:
        check_email(address, row=7)
    [error] = caught.value.errors
    assert (error.field, error.row) == ("email", 7)
    assert "电子邮箱" in error.zh and "e-mail" in error.en.lower()
    assert hint in error.zh


def test_empty_means_no_address() -> None:
    assert check_email("") is None and check_email(None) is None and check_email("  ") is None


def test_length_and_control_characters_follow_the_text_rule() -> None:
    longest = "a" * 64 + "@" + ".".join(["b" * 61] * 3) + ".cn"
    assert len(longest) <= EMAIL_MAX and check_email(longest) == longest
    with pytest.raises(ValidationFailed) as caught:
        check_email("a" * 65 + "@163.com")
    assert "64" in caught.value.errors[0].zh
    too_long = "a@" + ".".join(["b" * 63] * 4) + ".cn"
    with pytest.raises(ValidationFailed) as caught:
        check_email(too_long)
    assert "过长" in caught.value.errors[0].zh
    with pytest.raises(ValidationFailed) as caught:
        check_email("a\u202e@163.com")
    assert "U+202E" in caught.value.errors[0].zh and caught.value.errors[0].field == "email"
