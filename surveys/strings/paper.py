"""UI strings of the paper area: paper entry, client states, labelled tables and downloads."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "paper_state_not_opened": ("未打开", "not opened"),
    "paper_state_opened": ("已打开", "opened"),
    "paper_state_web": ("网上已答", "answered on the web"),
    "paper_state_paper": ("纸质已录", "on paper"),
    "paper_clients": ("受邀用户单位", "Invited clients"),
    "paper_col_state": ("状态", "State"),
    "paper_col_version": ("当前版本", "Current version"),
    "paper_col_total": ("总分", "Total"),
    "paper_replace_warning": (
        "「{client}」已有评价记录（{state}，第 {version} 版，总分 {total}）。保存将生成第 {next} 版，"
        "取代第 {version} 版用于统计；原版本永久保留。须填写更正原因。",
        "'{client}' already has a stored form ({state}, version {version}, total {total}). "
        "Storing makes version {next}, which replaces version {version} in the figures; the "
        "old version is kept for good. A reason is required."),
    "paper_reason": ("更正原因（必填：为什么替换已有的评价）",
                     "Reason for the correction (required: why the stored form is replaced)"),
    "paper_submit_new": ("保存纸质评价表", "Store the paper form"),
    "paper_submit_replace": ("保存为第 {next} 版（替换第 {version} 版）",
                             "Store as version {next} (replacing version {version})"),
    "paper_stored": ("已保存「{client}」：总分 {total}，第 {version} 版。记录哈希：",
                     "Stored for '{client}': total {total}, version {version}. Record hash:"),
    "paper_scan_rule": (
        "扫描件必填：逐份录入和批量导入（模板中的「扫描件」列）都要求签字盖章的纸质表扫描件。",
        "A scan is required: for a form typed in here and for each row of a file import (the "
        "template's 'Scan' column) alike."),
    "paper_template": ("下载纸质表批量导入模板（Excel）",
                       "Download the paper-form import template (Excel)"),
}
