"""UI strings of the cli area: the campaigns page's confirmations, reopening, public address."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "cli_confirm_revoke": ("确认撤销「{client}」的链接？撤销后，已发出的链接和二维码都不能再打开表单。",
                           "Revoke the link of “{client}”? The link and QR code already handed "
                           "out will no longer open the form."),
    "cli_confirm_reissue": ("确认为「{client}」重新生成链接？旧链接和已打印的二维码将立即失效，"
                            "需要把新链接发给该用户单位。",
                            "Reissue the link of “{client}”? The old link and any printed QR code "
                            "stop working at once; send the new link to the client."),
    "cli_confirm_reissue_all": ("确认重新生成本次回访的全部 {count} 个链接？已打印或已发出的所有二维码"
                                "和链接都将失效（已撤销的保持撤销），需要重新打印并发放。",
                                "Reissue all {count} links of this campaign? Every printed or sent "
                                "QR code and link stops working (revoked ones stay revoked); print "
                                "and hand them out again."),
    "cli_confirm_yes": ("确认", "Confirm"),
    "cli_confirm_cancel": ("取消", "Cancel"),
    "cli_reissue_all": ("重新生成全部链接", "Reissue all links"),
    "cli_revoked_done": ("链接已撤销。", "The link was revoked."),
    "cli_reissued_done": ("已生成新链接，旧链接已失效。", "A new link was issued; the old one no "
                          "longer works."),
    "cli_reissued_all_done": ("已重新生成 {count} 个链接；请重新打印二维码。",
                              "{count} links reissued; print the QR codes again."),
    "cli_reopen": ("重新开启本次回访（管理员）", "Reopen this campaign (administrators)"),
    "cli_reopen_reason": ("重新开启的原因（必填，会记入审计日志和证据材料）",
                          "Why it reopens (required; kept in the audit log and the evidence)"),
    "cli_reopen_set_closes": ("同时修改截止日期", "Also change the closing date"),
    "cli_reopen_button": ("重新开启", "Reopen"),
    "cli_reopened": ("回访已重新开启。", "The campaign was reopened."),
    "cli_link_loopback": ("链接地址 {url} 是本机回环地址，用户单位的手机无法打开。请设置 "
                          "STAR_SURVEY_PUBLIC_URL（对外的网址）。",
                          "Links point at {url}, a loopback address clients' phones cannot open. "
                          "Set STAR_SURVEY_PUBLIC_URL (the public address)."),
    "cli_link_unreachable": ("链接地址 {url} 上没有服务在运行，用户单位打不开链接和二维码。请检查 "
                             "STAR_SURVEY_PUBLIC_URL 或服务的端口。",
                             "No server answers at {url}: clients cannot open the links and QR "
                             "codes. Check STAR_SURVEY_PUBLIC_URL or the server's port."),
}
