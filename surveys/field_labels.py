"""What a person calls a field: labels of form, registry and account fields for error tables.

Domain errors name fields by key (``item3``, ``signer_name``, ``scan``); pages and exports show
the label instead, in the session's language. Import files name them by their column labels.
"""

from __future__ import annotations

from collections.abc import Sequence

from surveys.errors import ValidationFailed
from surveys.form_a1 import CLIENT_HEADER, ITEMS
from surveys.tabular import Column

LABELS: dict[str, tuple[str, str]] = {
    **{f"item{item.no}": (f"{item.no}. {item.name_zh}", f"{item.no}. {item.name_en}")
       for item in ITEMS},
    **{key: (zh, en) for key, zh, en in CLIENT_HEADER},
    "date": ("评价日期", "Date of evaluation"),
    "evaluation_date": ("评价日期", "Date of evaluation"),
    "signer": ("签字人", "Signer"),
    "signer_name": ("签字人姓名", "Signer's name"),
    "signer_title": ("签字人职务", "Signer's title"),
    "signer_phone": ("签字人电话", "Signer's phone"),
    "comment": ("意见和建议", "Comments"),
    "scan": ("纸质表扫描件", "Scan of the paper form"),
    "signature": ("签名", "Signature"),
    "seal": ("公章照片", "Photo of the seal"),
    "reason": ("更正原因", "Correction reason"),
    "client": ("用户单位", "Client unit"),
    "provider": ("服务单位", "Provider"),
    "key_unit": ("重点保卫单位", "Key-protection unit"),
    "year": ("年度", "Year"),
    "contract_year": ("合同年度", "Contract year"),
    "amount": ("合同金额（元）", "Contract amount (CNY)"),
    "contract_amount": ("合同金额（元）", "Contract amount (CNY)"),
    "opens": ("开始日期", "Opening date"),
    "closes": ("截止日期", "Closing date"),
    "username": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "old_password": ("原密码", "Current password"),
    "role": ("角色", "Role"),
    "setup_code": ("设置码", "Set-up code"),
    "file": ("文件", "File"),
    "id": ("编号", "ID"),
    "active": ("在用", "Active"),
    "provider_id": ("服务单位编号", "Provider no."),
    "client_id": ("用户单位编号", "Client no."),
    "campaign_id": ("回访活动编号", "Campaign no."),
    "invitation_id": ("邀请编号", "Invitation no."),
    "created_at": ("创建时间", "Created at"),
    "total": ("总分", "Total"),
    "version": ("版本", "Version"),
    "origin": ("来源", "Source"),
    "entered_by": ("录入人", "Entered by"),
    "submitted_at": ("提交时间", "Stored at"),
    "revoked_at": ("撤销时间", "Revoked at"),
    "first_opened_at": ("首次打开时间", "First opened at"),
}


def field_label(field: str, lang: str = "zh", columns: Sequence[Column] = ()) -> str:
    """Return a field's label in the language: an import column's label first, then LABELS.

    An unknown key is returned as it is (an unknown header is named as the file spells it).
    """
    for column in columns:
        if column.key == field:
            return column.label(lang)
    pair = LABELS.get(field)
    if pair is None:
        return field
    return pair[1] if lang == "en" else pair[0]


def failure_rows(failure: ValidationFailed, lang: str = "zh", columns: Sequence[Column] = ()
                 ) -> list[tuple[int | None, str, str]]:
    """Return (row, field label, problem) of every error of a refused input, in the language."""
    return [(e.row, field_label(e.field, lang, columns), e.en if lang == "en" else e.zh)
            for e in failure.errors]


def in_language(message: str, lang: str = "zh") -> str:
    """Return the language's half of a domain message written 'Chinese / English' (else all)."""
    zh, separator, en = message.partition(" / ")
    if not separator:
        return message
    return en.strip() if lang == "en" else zh.strip()
