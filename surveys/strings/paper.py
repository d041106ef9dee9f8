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
    "paper_col_at": ("时间（北京时间）", "Time (Beijing time)"),
    # the audit page: actions and the kinds of record they change
    "paper_action_provider_create": ("登记服务单位", "provider registered"),
    "paper_action_provider_update": ("修改服务单位", "provider changed"),
    "paper_action_client_create": ("登记用户单位", "client registered"),
    "paper_action_client_update": ("修改用户单位", "client changed"),
    "paper_action_client_import": ("导入用户单位", "clients imported"),
    "paper_action_contract_set": ("登记合同", "contract set"),
    "paper_action_campaign_open": ("开启回访", "campaign opened"),
    "paper_action_campaign_close": ("结束回访", "campaign closed"),
    "paper_action_campaign_reopen": ("重新开启回访", "campaign reopened"),
    "paper_action_link_revoke": ("撤销链接", "link revoked"),
    "paper_action_link_reissue": ("重新生成链接", "link reissued"),
    "paper_action_paper_submit": ("录入纸质表", "paper form entered"),
    "paper_action_import_submit": ("导入评价表", "form imported"),
    "paper_action_paper_import": ("批量导入纸质表", "paper forms imported"),
    "paper_action_user_add": ("新建账户", "account added"),
    "paper_action_password_change": ("修改密码", "password changed"),
    "paper_action_user_enable": ("启用账户", "account enabled"),
    "paper_action_user_disable": ("停用账户", "account disabled"),
    "paper_action_user_unlock": ("解除锁定", "account unlocked"),
    "paper_action_wave_create": ("发起邮件批次", "e-mail wave started"),
    "paper_entity_provider": ("服务单位", "provider"),
    "paper_entity_client": ("用户单位", "client"),
    "paper_entity_contract_year": ("合同", "contract"),
    "paper_entity_campaign": ("回访活动", "campaign"),
    "paper_entity_invitation": ("邀请链接", "invitation link"),
    "paper_entity_response": ("评价表", "form"),
    "paper_entity_user_account": ("账户", "account"),
    "paper_entity_outreach_wave": ("邮件批次", "e-mail wave"),
}
