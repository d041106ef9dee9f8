"""UI strings in Chinese (default) and English. Pages call tr(key, lang)."""

from __future__ import annotations

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("安防运维服务星级评价", "Security O&M star evaluation"),
    "language": ("语言 / Language", "Language / 语言"),
    "nav_form": ("用户评价表", "Evaluation form"),
    "nav_verify": ("记录验证", "Verify a record"),
    "nav_overview": ("概览", "Overview"),
    "nav_trends": ("趋势", "Trends"),
    "nav_drilldown": ("明细", "Details"),
    "nav_clients": ("用户单位", "Clients"),
    "nav_campaigns": ("回访活动", "Campaigns"),
    "nav_paper": ("纸质表录入", "Paper forms"),
    "nav_evidence": ("证据导出", "Evidence export"),
    "nav_providers": ("服务单位", "Providers"),
    "nav_audit": ("审计日志", "Audit log"),
    "nav_home": ("首页", "Home"),
    "invalid_link": ("此链接无效或已过期，请联系您的服务单位。",
                     "This link is invalid or has expired. Please contact your provider."),
    # --- client web form (issue 3): keys prefixed form_ ---
    "form_title": ("用户评价表", "Client evaluation form"),
    "form_intro": ("{client} 对 {provider} 的 {year} 年度服务评价",
                   "{client} evaluates {provider} for {year}"),
    "form_standard": ("依据 T/BAX 团体标准 附录 A 表 A.1", "T/BAX group standard, Appendix A, Table A.1"),
    "form_client_block": ("用户单位信息（可修改）", "Your unit (you may correct these)"),
    "form_provider_block": ("服务单位", "Provider"),
    "form_items": ("评价内容（请为每一项打分）", "Scores (score every item)"),
    "form_items_help": ("每项从 0 分到满分，请逐项填写。", "Each item from 0 up to its maximum."),
    "form_placeholder": ("0–{max} 分", "0–{max}"),
    "form_running": ("已评 {done}/9 项 · 当前总分 {total} / 100",
                     "{done} of 9 items scored · total so far {total} / 100"),
    "form_signer": ("签字人", "Signer"),
    "form_signer_name": ("签字人姓名", "Signer's name"),
    "form_signer_title": ("职务", "Title"),
    "form_signer_phone": ("联系电话", "Phone"),
    "form_signature": ("请用手指或鼠标在框内签名", "Sign in the box with a finger or the mouse"),
    "form_signature_help": ("签错了可点「清除签名」重签。",
                            "Made a mistake? 'Clear the signature' lets you sign again."),
    "form_clear_signature": ("清除签名", "Clear the signature"),
    "form_signed": ("✓ 已签名", "✓ Signed"),
    "form_seal": ("单位公章照片（可选）", "Photo of the unit's seal (optional)"),
    "form_date": ("评价日期", "Date of evaluation"),
    "form_comment": ("意见和建议（可选）", "Comments (optional)"),
    "form_review": ("检查并提交", "Check and submit"),
    "form_fix": ("请修改以下内容后再提交：", "Please correct the following and submit again:"),
    "form_confirm_title": ("请确认评分", "Please confirm your scores"),
    "form_confirm": ("确认提交", "Confirm and submit"),
    "form_total": ("总分", "Total"),
    "form_item": ("评价内容", "Item"),
    "form_max": ("满分", "Max"),
    "form_score": ("评分", "Score"),
    "form_saved": ("评价已提交，谢谢！请保存回执。",
                   "Thank you, your evaluation is stored. Keep the receipt."),
    "form_receipt": ("评价回执", "Receipt"),
    "form_receipt_code": ("回执码", "Receipt code"),
    "form_version": ("第 {version} 版", "version {version}"),
    "form_download": ("下载回执（PDF）", "Download the receipt (PDF)"),
    "form_correct": ("更正评价表", "Correct the form"),
    "form_correct_help": ("回访结束前可以更正；更正会保存为新版本，原版本保留。",
                          "Until the callback closes you may correct the form; a correction is "
                          "stored as a new version and the old one is kept."),
    "form_cancel": ("取消更正", "Cancel the correction"),
    "form_readonly": ("回访已结束，评价表不能再更改。",
                      "The callback has closed; the form can no longer change."),
    "form_conflict": ("此评价表刚刚已被提交或更正（可能在另一个窗口），以下是当前回执。",
                      "This form was just submitted or corrected (perhaps in another window). "
                      "Here is the current receipt."),
    "form_closed_now": ("回访已结束，未能保存。", "The callback has closed; nothing was saved."),
    "form_too_many": ("打开的无效链接过多，请约 {minutes} 分钟后再试。",
                      "Too many invalid links were opened. Please try again in about {minutes} "
                      "minutes."),
}

# Provider dashboard: overview, trends, drill-down (issue 5).
STRINGS.update({
    "dash_provider": ("服务单位", "Provider"),
    "dash_year": ("年度", "Year"),
    "dash_month": ("评价月份", "Month of evaluation"),
    "dash_no_providers": ("没有可查看的服务单位。请先登录或登记服务单位。",
                          "No provider you may see. Sign in or register a provider first."),
    "dash_overview_title": ("星级概览", "Star overview"),
    "dash_trends_title": ("评价趋势", "Score trends"),
    "dash_drill_title": ("评价表明细", "Evaluation forms in detail"),
    "dash_invited": ("邀请数", "Invited"),
    "dash_responses": ("回复数", "Responses"),
    "dash_response_rate": ("回复率", "Response rate"),
    "dash_mean_total": ("平均总分", "Mean total"),
    "dash_mean": ("平均分", "Mean"),
    "dash_min": ("最低分", "Lowest"),
    "dash_max": ("最高分", "Highest"),
    "dash_min_max": ("最低 / 最高", "Lowest / highest"),
    "dash_total": ("总分", "Total"),
    "dash_share": ("得分率", "Share of max"),
    "dash_col_no": ("序号", "No."),
    "dash_col_item": ("评价内容", "Item"),
    "dash_col_max": ("满分值", "Max"),
    "dash_col_mean": ("平均分", "Mean"),
    "dash_item": ("评价内容", "Item"),
    "dash_max_score": ("满分值", "Max"),
    "dash_client": ("用户单位", "Client unit"),
    "dash_threshold": ("星级分数线", "Star threshold"),
    "dash_star_eligible": ("按第5章绩效表现可申请星级", "Star level supported under §5"),
    "dash_star_none": ("暂不满足一星条件", "Not yet eligible for one star"),
    "dash_star_by_score": ("仅按评价分：{star} 星", "By score alone: {star} star(s)"),
    "dash_points_next": ("评价分距下一星级还差 {points} 分", "{points} points short of the next level"),
    "dash_criteria": ("各项绩效要求（要求 / 实际）", "Performance criteria (required / actual)"),
    "dash_actual": ("实际", "Actual"),
    "dash_criterion": ("要求", "Criterion"),
    "dash_missing_next": ("距 {star} 星还缺：", "Missing for {star} star(s):"),
    "dash_top_level": ("已满足三星全部绩效要求。", "All three-star criteria are met."),
    "dash_items": ("各评价内容得分", "Scores per item"),
    "dash_weakest": ("得分率最低的三项", "The three weakest items"),
    "dash_progress": ("回访进度", "Callback progress"),
    "dash_no_campaign": ("该年度尚未开展回访。", "No callback campaign for this year."),
    "dash_status": ("状态", "Status"),
    "dash_status_answered": ("已评价", "Answered"),
    "dash_status_opened": ("已打开未提交", "Opened, not answered"),
    "dash_status_pending": ("未打开", "Not opened"),
    "dash_status_revoked": ("链接已撤销", "Link revoked"),
    "dash_opened_at": ("首次打开时间", "First opened"),
    "dash_eval_date": ("评价日期", "Evaluation date"),
    "dash_version": ("版本", "Version"),
    "dash_origin": ("来源", "Origin"),
    "dash_download": ("下载汇总表", "Download the tables"),
    "dash_download_csv": ("下载 CSV", "Download CSV"),
    "dash_download_xlsx": ("下载 Excel", "Download Excel"),
    "dash_no_data": ("暂无评价数据。", "No evaluations yet."),
    "dash_chart_yearly": ("年度平均总分与星级分数线", "Yearly mean total and star thresholds"),
    "dash_chart_monthly": ("按评价月份的平均总分", "Mean total by month of evaluation"),
    "dash_chart_items": ("各评价内容得分率（按年度）", "Item scores as a share of max, by year"),
    "dash_chart_heatmap": ("用户单位 × 年度 总分", "Client x year totals"),
    "dash_choose_client": ("选择用户单位", "Choose a client unit"),
    "dash_choose_form": ("选择评价表", "Choose a form"),
    "dash_forms_of_client": ("历年评价表", "Forms across years"),
    "dash_form": ("评价表", "Form"),
    "dash_signer": ("签字人", "Signed by"),
    "dash_submitted": ("提交时间", "Submitted"),
    "dash_history": ("版本记录", "Version history"),
    "dash_entered_by": ("录入人", "Entered by"),
    "dash_not_anchored": ("未配置可信时间戳服务（STAR_SURVEY_TSA_URL）：记录未经独立时间戳锚定，"
                          "评价组织无法独立确认记录的存储时间，也无法发现服务单位事后的改写。",
                          "No time-stamping authority is configured (STAR_SURVEY_TSA_URL): the "
                          "records are not independently anchored, so an assessor cannot confirm "
                          "when they were stored or detect a later rewrite by the provider."),
    "dash_anchored": ("可信时间戳已覆盖记录链 1–{covered}（共 {head} 条，{missing} 条待锚定），最新 {at}。",
                      "Trusted timestamps cover chain records 1–{covered} of {head} ({missing} "
                      "waiting), latest {at}."),
    "dash_anchor_failing": ("时间戳服务连续 {n} 次失败，将自动重试：{error}",
                            "The time-stamping authority failed {n} times in a row; retrying: "
                            "{error}"),
    "dash_by_client": ("用户本人（网上）", "the client (web)"),
    "dash_reason": ("更正原因", "Reason for the change"),
    "dash_overrides": ("由服务单位更正的用户网上评价", "Client web forms replaced by the provider"),
    "dash_overrides_none": ("没有用户网上评价被服务单位替换。",
                            "No client web form was replaced by provider staff."),
    "dash_late": ("回访截止后录入的评价", "Forms stored after the campaign closed"),
    "dash_reopenings": ("回访重新开启", "Reopenings of the campaign"),
    "dash_web_total": ("网上版本总分", "Web version total"),
    "dash_new_total": ("替换版本总分", "Replacement total"),
    "dash_web_receipt": ("网上版本回执码", "Web version receipt"),
    "dash_new_receipt": ("替换版本回执码", "Replacement receipt"),
    "dash_signature": ("签名", "Signature"),
    "dash_seal": ("印章", "Seal"),
    "dash_comment": ("意见", "Comment"),
    "dash_key_unit": ("重点保卫单位", "Key-protection unit"),
    "dash_no_clients": ("该服务单位尚无用户单位。", "This provider has no client units yet."),
})


# Workspace: accounts, registry, campaigns, paper forms, audit log (issue 6).
STRINGS.update({
    "ws_nav_setup": ("初始设置", "Set-up"),
    "ws_nav_login": ("登录", "Sign in"),
    "ws_nav_accounts": ("账户", "Accounts"),
    "ws_login_title": ("登录工作台", "Sign in to the workspace"),
    "ws_username": ("用户名", "Username"),
    "ws_password": ("密码", "Password"),
    "ws_password_again": ("再次输入密码", "Password again"),
    "ws_password_help": ("至少 {n} 个字符", "At least {n} characters"),
    "ws_password_mismatch": ("两次输入的密码不一致。", "The two passwords differ."),
    "ws_sign_in": ("登录", "Sign in"),
    "ws_sign_out": ("退出登录", "Sign out"),
    "ws_sso_sign_in": ("使用单位账号登录（单点登录）", "Sign in with your organisation (SSO)"),
    "ws_signed_in_as": ("当前登录", "Signed in as"),
    "ws_signed_out": ("您已退出登录。", "You have signed out."),
    "ws_session_expired": ("长时间未操作，已自动退出，请重新登录。",
                           "You were signed out after a period of inactivity. Please sign in again."),
    "ws_account_disabled": ("该账户已停用。", "This account is disabled."),
    "ws_sso_no_account": ("单点登录的邮箱没有对应的账户，请联系管理员。",
                          "No account matches the e-mail you signed in with; ask an administrator."),
    "ws_setup_title": ("初始设置：创建第一个管理员", "Set-up: create the first administrator"),
    "ws_setup_intro": ("系统中还没有任何账户。请创建第一个管理员账户；创建后此页面将不再出现。",
                       "There is no account yet. Create the first administrator; this page then "
                       "disappears for good."),
    "ws_setup_where": ("设置码已打印在运行服务器的终端（或其日志）中，请查找「{banner}」一行。",
                       "The set-up code is printed in the terminal (or log) where the server runs: "
                       "look for the line '{banner}'."),
    "ws_setup_code": ("设置码", "Set-up code"),
    "ws_setup_create": ("创建管理员", "Create administrator"),
    "ws_role": ("角色", "Role"),
    "ws_role_admin": ("管理员", "administrator"),
    "ws_role_staff": ("服务单位员工", "provider staff"),
    "ws_role_assessor": ("评价组织（只读）", "assessor (read-only)"),
    "ws_role_anonymous": ("未登录", "not signed in"),
    "ws_provider": ("服务单位", "Provider"),
    "ws_provider_for_staff": ("所属服务单位（仅员工）", "Provider (staff only)"),
    "ws_no_providers": ("还没有服务单位。", "There is no provider yet."),
    "ws_provider_add": ("新增服务单位", "Add a provider"),
    "ws_provider_profile": ("服务单位信息（用户评价表表头）", "Provider profile (Table A.1 header)"),
    "ws_field_name": ("名称", "Name"),
    "ws_field_department": ("主管部门名称", "Responsible department"),
    "ws_field_manager": ("主管负责人", "Person in charge"),
    "ws_field_phone": ("联系电话", "Phone"),
    "ws_col_id": ("编号", "ID"),
    "ws_col_row": ("行", "Row"),
    "ws_col_field": ("列/字段", "Column / field"),
    "ws_col_problem": ("问题", "Problem"),
    "ws_save": ("保存", "Save"),
    "ws_saved": ("已保存。", "Saved."),
    "ws_read_only": ("只读：您的角色不能修改此处数据。", "Read-only: your role cannot change this."),
    "ws_input_rejected": ("输入有误，未作任何更改：", "Input rejected; nothing was changed:"),
    "ws_demo_offer": ("工作台是空的。可以载入一个演示服务单位（10 个用户单位、3 年评价）来熟悉系统。",
                      "The workspace is empty. Load a demo provider (10 clients, 3 years of "
                      "evaluations) to look around."),
    "ws_demo_load": ("载入演示数据", "Load demo data"),
    "ws_demo_loaded": ("演示数据已载入。", "Demo data loaded."),
    "ws_client": ("用户单位", "Client unit"),
    "ws_key_unit": ("重点保卫单位", "Key-protection unit"),
    "ws_active": ("在用", "Active"),
    "ws_deactivate_help": ("取消勾选即停用；有评价记录的用户单位不会被删除。",
                           "Untick to deactivate; clients are never deleted."),
    "ws_contracts": ("合同年度与金额", "Contract years and amounts"),
    "ws_year": ("年度", "Year"),
    "ws_amount": ("合同金额（元）", "Contract amount (CNY)"),
    "ws_client_add": ("新增用户单位", "Add a client"),
    "ws_client_edit": ("修改 / 停用", "Edit / deactivate"),
    "ws_contract_set": ("登记合同", "Record a contract"),
    "ws_import": ("从 CSV/XLSX 导入", "Import CSV/XLSX"),
    "ws_import_help": ("列：name, department, manager, phone, key_unit，可选 contract_year, "
                       "contract_amount。任何一行有误则整个文件都不导入。",
                       "Columns: name, department, manager, phone, key_unit, optional "
                       "contract_year, contract_amount. One bad row and nothing is imported."),
    "ws_import_file": ("选择文件", "Choose a file"),
    "ws_import_run": ("导入", "Import"),
    "ws_import_done": ("已导入 {rows} 行：新增 {created}，更新 {updated}，合同 {contracts}。",
                       "Imported {rows} rows: {created} created, {updated} updated, "
                       "{contracts} contract years."),
    "ws_loopback_warning": ("链接的地址是本机回环地址（localhost/127.0.0.1），用户的手机无法打开。"
                            "请设置 STAR_SURVEY_BASE_URL。",
                            "Links point at a loopback address (localhost/127.0.0.1) that clients' "
                            "phones cannot open. Set STAR_SURVEY_BASE_URL."),
    "ws_opens": ("开始", "Opens"),
    "ws_closes": ("截止日期", "Closing date"),
    "ws_is_open": ("进行中", "Open"),
    "ws_campaign": ("回访年度", "Campaign year"),
    "ws_campaign_open": ("开启回访 / 修改截止日期", "Open a campaign / set its closing date"),
    "ws_set_closes": ("指定截止日期（默认当年 12 月 31 日）",
                      "Set a closing date (default: 31 December)"),
    "ws_campaign_open_button": ("开启回访", "Open campaign"),
    "ws_campaign_opened": ("回访已开启，新邀请 {added} 个用户单位。",
                           "Campaign open; {added} client(s) newly invited."),
    "ws_campaign_close": ("结束本年度回访", "Close this campaign"),
    "ws_progress": ("各用户单位进度", "Progress per client"),
    "ws_status": ("状态", "Status"),
    "ws_status_not_opened": ("未打开", "not opened"),
    "ws_status_opened": ("已打开", "opened"),
    "ws_status_submitted": ("已提交", "submitted"),
    "ws_status_corrected": ("已更正", "corrected"),
    "ws_status_revoked": ("链接已撤销", "link revoked"),
    "ws_versions": ("版本数", "Versions"),
    "ws_revoked": ("已撤销", "Revoked"),
    "ws_no_invitations": ("本年度没有受邀的用户单位（需有当年合同且在用）。",
                          "No client is invited this year (it needs a contract that year)."),
    "ws_no_campaigns": ("还没有回访活动。", "There is no campaign yet."),
    "ws_sheet_prepare": ("生成二维码汇总页（PDF）", "Prepare the QR sheet (PDF)"),
    "ws_sheet_download": ("下载二维码汇总页", "Download the QR sheet"),
    "ws_client_link": ("用户单位链接与二维码", "A client's link and QR code"),
    "ws_qr_download": ("下载二维码图片", "Download QR code (PNG)"),
    "ws_link_revoked": ("此链接已撤销；重新生成后才能使用。",
                        "This link is revoked; reissue it to use it again."),
    "ws_link_revoke": ("撤销链接", "Revoke link"),
    "ws_link_reissue": ("重新生成链接", "Reissue link"),
    "ws_eval_date": ("评价日期", "Date of evaluation"),
    "ws_signer_name": ("签字人姓名", "Signer's name"),
    "ws_signer_title": ("签字人职务", "Signer's title"),
    "ws_signer_phone": ("签字人电话", "Signer's phone"),
    "ws_comment": ("意见和建议", "Comments"),
    "ws_scan": ("签字盖章的纸质表扫描件（图片或 PDF，最大 {mb} MB）",
                "Scan of the signed, stamped paper form (image or PDF, max {mb} MB)"),
    "ws_paper_submit": ("保存纸质评价表", "Store the paper form"),
    "ws_paper_stored": ("已保存：总分 {total}，第 {version} 版。记录哈希：",
                        "Stored: total {total}, version {version}. Record hash:"),
    "ws_audit_all": ("所有服务单位", "All providers"),
    "ws_action": ("操作", "Action"),
    "ws_any": ("全部", "any"),
    "ws_period": ("日期范围", "Dates"),
    "ws_audit_count": ("{n} 条记录（最新在前）", "{n} entries (newest first)"),
    "ws_at": ("时间 (UTC)", "When (UTC)"),
    "ws_entity": ("对象", "Entity"),
    "ws_before": ("修改前", "Before"),
    "ws_after": ("修改后", "After"),
    "ws_password_change": ("修改密码", "Change password"),
    "ws_password_old": ("当前密码", "Current password"),
    "ws_password_new": ("新密码", "New password"),
    "ws_accounts_list": ("所有账户", "All accounts"),
    "ws_account_add": ("新增账户", "Add an account"),
    "ws_account_toggle": ("停用 / 启用账户", "Disable / enable an account"),
    "ws_disable": ("停用", "Disable"),
    "ws_enable": ("启用（并解锁）", "Enable (and unlock)"),
    "ws_failed_logins": ("近期登录失败次数", "Recent failed sign-ins"),
    "ws_locked_sources": ("被锁定的来源地址数（star-survey user unlock 解锁）",
                          "Locked-out addresses (star-survey user unlock)"),
})


# Evidence export and public record verification (issue 4).
STRINGS.update({
    "ev_title": ("年度回访证据包", "Annual callback evidence bundle"),
    "ev_intro": ("导出某服务单位某年度的用户评价证据：PDF（每页含记录哈希与二维码、盖章位置）、"
                 "电子表格、扫描件及签名清单。评价组织可用 star-survey verify 离线核验。",
                 "Export a provider-year's client evaluations as evidence: a PDF (record hash, "
                 "QR code and stamp box on every page), spreadsheets, scans and a signed "
                 "manifest. Assessors check it offline with star-survey verify."),
    "ev_provider": ("服务单位", "Provider"),
    "ev_year": ("年度", "Year"),
    "ev_no_provider": ("没有可导出的服务单位。", "No provider to export."),
    "ev_no_campaign": ("该服务单位还没有回访活动。", "This provider has no campaign yet."),
    "ev_build": ("生成证据包", "Build the bundle"),
    "ev_building": ("正在生成证据包…", "Building the bundle…"),
    "ev_built": ("证据包已生成：{n} 份评价表，{size} KB。", "Bundle ready: {n} forms, {size} KB."),
    "ev_download": ("下载证据包 (.zip)", "Download the bundle (.zip)"),
    "ev_fingerprint": ("公钥指纹（请与评价组织核对）", "Public key fingerprint (compare with the "
                       "assessor's copy)"),
    "ev_head": ("记录链头哈希", "Chain head hash"),
    "ev_verify_title": ("评价记录验证", "Verify an evaluation record"),
    "ev_verify_ok": ("记录存在且未被篡改，签名有效。", "The record exists, unaltered, and its "
                     "signature is valid."),
    "ev_verify_bad": ("记录已被篡改或签名无效，请勿采信。", "The record was altered or its signature "
                      "is invalid: do not rely on it."),
    "ev_verify_missing": ("未找到该记录。", "Record not found."),
    "ev_verify_superseded": ("此版本后来已被更正（存在更新的版本）。", "This version was later "
                             "corrected (a newer version exists)."),
    "ev_provider_name": ("服务单位", "Provider"),
    "ev_client_name": ("用户单位", "Client unit"),
    "ev_eval_date": ("评价日期", "Evaluation date"),
    "ev_total": ("评价总分值", "Total score"),
    "ev_version": ("版本", "Version"),
    "ev_receipt": ("回执码", "Receipt code"),
    "ev_hash": ("记录哈希", "Record hash"),
    "ev_verify_prompt": ("输入回执码（如 C29C-A07C-2680-D7D5）或记录哈希",
                         "Enter a receipt code (like C29C-A07C-2680-D7D5) or a record hash"),
    "ev_verify_check": ("验证", "Verify"),
    "ev_verify_replaced": ("此版本已于 {at} 被{how}的新版本替换。如非贵单位本意，请联系评价组织。",
                           "This version was replaced on {at} by a version {how}. If your unit "
                           "did not ask for this, tell the assessor."),
    "ev_how_web": ("用户网上提交", "the client submitted on the web"),
    "ev_how_paper": ("服务单位按纸质表录入", "provider staff entered from a paper form"),
    "ev_how_import": ("服务单位从文件导入", "provider staff imported from a file"),
    "ev_stored_at": ("存储时间", "Stored"),
    "ev_origin": ("来源", "Origin"),
    "origin_web": ("网上填写", "web"),
    "origin_paper": ("纸质表录入", "paper entry"),
    "origin_import": ("文件导入", "file import"),
})


# Imports and their templates (input, issues 12 and 13).
STRINGS.update({
    "imp_help": ("每行一个用户单位；表头可用中文（用户单位名称、用户主管部门名称、主管负责人、联系电话、"
                 "重点保卫单位、合同年度、合同金额（元））或英文（name, department, manager, phone, "
                 "key_unit, contract_year, contract_amount）。任何一行有误则整个文件都不导入。"
                 "最大 {mb} MB、{rows} 行。",
                 "One client per row; headers in Chinese (用户单位名称, 用户主管部门名称, 主管负责人, "
                 "联系电话, 重点保卫单位, 合同年度, 合同金额（元）) or English (name, department, "
                 "manager, phone, key_unit, contract_year, contract_amount). One bad row and "
                 "nothing is imported. At most {mb} MB and {rows} rows."),
    "imp_template": ("下载导入模板（Excel）", "Download the import template (Excel)"),
    "imp_nothing_changed": ("没有任何更改：文件中的 {rows} 行与已登记的信息完全相同。",
                            "Nothing changed: all {rows} rows match what is registered."),
    "imp_done": ("已导入 {rows} 行：新增 {created}，更新 {updated}，未变 {unchanged}；"
                 "登记或修改合同 {contracts} 个。",
                 "Imported {rows} rows: {created} created, {updated} updated, {unchanged} "
                 "unchanged; {contracts} contract years set."),
    "imp_col_column": ("列", "Column"),
})


def tr(key: str, lang: str = DEFAULT_LANG) -> str:
    """Return the UI string for key in lang (the key itself when unknown)."""
    pair = STRINGS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]

# Client form as good as the best phone forms (issue 11; owner: form).
STRINGS.update({
    "form_required_note": ("带 * 的为必填项。填写内容会自动暂存：刷新、切到后台或断网都不会丢失；"
                           "点「确认提交」之前不算提交。",
                           "Fields marked * are required. What you enter is kept as you go: a "
                           "reload, switching apps or losing signal loses nothing; nothing counts "
                           "until you press 'Confirm and submit'."),
    "form_first_loading": ("表单正在载入，您现在就可以打分。以前填过的内容会在载入后自动恢复。",
                           "The form is loading; you can start scoring now. What you entered "
                           "before comes back once it has loaded."),
    "js_stop": ("停止", "Stop"),
    "js_skip": ("跳到正文", "Skip to main content"),
    "js_drop": ("把文件拖到这里", "Drag and drop a file here"),
    "js_upload": ("上传文件", "Upload"),
    "js_limit": ("单个文件不超过 {size}", "Up to {size} per file"),
    "js_too_big": ("文件超过大小上限，未上传", "The file is over the size limit; not uploaded"),
    "js_bad_type": ("不支持这种文件类型，未上传", "This type of file is not accepted; not uploaded"),
    "js_offline": ("网络连接中断，正在重新连接……", "Connection lost; reconnecting..."),
    "form_first_opening": ("正在打开，请稍候……", "Opening, please wait..."),
    "form_first_rest": ("签名、日期等其余部分正在载入……", "The signature, date and the rest are "
                                                "loading..."),
    "form_tap_score": ("点一下分数即可评分，再点一次可取消。", "Tap a score to choose it; tap again "
                                                     "to clear it."),
    "form_draft_restored": ("已恢复您上次填写的内容。", "Your earlier answers were restored."),
    "form_seal_help": ("可拍照或从相册选择，20 MB 以内（JPEG、PNG、HEIC）。照片会缩小并去掉拍摄位置等"
                       "信息后保存。", "Take a photo or pick one, up to 20 MB (JPEG, PNG, HEIC). "
                       "It is stored downscaled, without location or camera data."),
    "form_seal_attached": ("✓ 已附公章照片", "✓ Seal photo attached"),
    "form_seal_remove": ("移除公章照片", "Remove the seal photo"),
    "form_seal_previous": ("沿用上一版的公章照片（可移除或重新上传）",
                           "The seal photo of the previous version is kept (remove or replace "
                           "it)"),
    "form_gone_revoked": ("此评价链接已被服务单位撤销。", "This link was revoked by the provider."),
    "form_gone_closed": ("本年度回访已结束，评价表不能再提交。",
                         "The callback has closed; the form can no longer be submitted."),
    "form_gone_nothing": ("您填写的内容没有提交，也没有作为评价保存。",
                          "What you entered was not submitted and was not stored as an "
                          "evaluation."),
    "form_gone_contact": ("如有疑问，请联系 {provider}{phone}。",
                          "If in doubt, contact {provider}{phone}."),
    "form_error_plain": ("页面出错了，评价未提交。请刷新页面重试；如仍有问题，请联系您的服务单位。",
                         "Something went wrong and nothing was submitted. Reload the page and "
                         "try again; if it persists, contact your provider."),
    "form_errors_above": ("还有 {n} 处需要修改，已在对应位置标出。",
                          "{n} field(s) need attention; each is marked where it is."),
    "form_submitted_at": ("提交时间", "Stored at"),
    "form_signer_line": ("签字人", "Signer"),
    "form_comment_line": ("意见和建议", "Comments"),
    "form_seal_line": ("单位公章", "Seal of the unit"),
    "form_verify": ("核验此记录", "Verify this record"),
    "form_verify_help": ("扫描二维码或打开链接，任何人都可核验此记录提交后未被改动。",
                         "Scan the code or open the link: anyone can check that this record "
                         "was not changed after it was stored."),
    "form_image": ("生成回执图片（长按保存）", "Make a receipt picture (long-press to save)"),
    "form_image_help": ("长按图片，选择「保存图片」即可存到手机相册。",
                        "Long-press the picture and choose 'Save image'."),
    "form_confirm_help": ("请核对以下评分，确认无误后点「确认提交」。",
                          "Check the scores below, then press 'Confirm and submit'."),
    "form_js_upload": ("拍照或选择照片", "Take or choose a photo"),
    "form_js_drop": ("点这里上传公章照片", "Tap here to add a photo of the seal"),
    "form_js_limit": ("20 MB 以内 · JPEG、PNG、HEIC", "Up to 20 MB · JPEG, PNG, HEIC"),
    "form_js_too_big": ("照片超过 20 MB，请换一张或截图后再上传", "The photo is over 20 MB; use a "
                                                      "smaller one"),
    "form_js_bad_type": ("只能上传照片（JPEG、PNG、HEIC 等）", "Only photos (JPEG, PNG, HEIC, ...)"),
    "form_js_offline": ("网络连接中断，正在重新连接…… 已填写的内容和签名都已暂存，请勿关闭页面。",
                        "The connection was lost; reconnecting… What you entered and your "
                        "signature are kept; do not close the page."),
    "public_error": ("页面出错了，请刷新页面重试；如仍有问题，请联系您的服务单位。",
                     "Something went wrong. Reload the page; if it persists, contact your "
                     "provider."),
})


def _merge_areas() -> None:
    """Add the area modules' strings (surveys/strings/); a key already here raises ValueError."""
    from surveys.strings import area_strings

    extra = area_strings()
    clash = STRINGS.keys() & extra.keys()
    if clash:
        raise ValueError(f"UI string keys defined twice: {sorted(clash)}")
    STRINGS.update(extra)


_merge_areas()
