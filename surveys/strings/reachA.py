"""UI strings of the reach area (issue 14): client e-mail, messages, letters."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "reach_field_email": ("电子邮箱", "E-mail"),
    "reach_email_help": ("选填；用于发送邀请邮件，如 zhangsan@163.com",
                         "Optional; invitations are e-mailed here, e.g. zhangsan@163.com"),
    "reach_messages": ("邀请消息（短信 / 微信）", "Invitation messages (SMS / WeChat)"),
    "reach_reminder": ("提醒（只列出尚未提交的用户单位）", "Reminder (only clients yet to answer)"),
    "reach_reminder_help": ("打开后使用提醒文字，已提交评价表的用户单位不再列出",
                            "Uses the reminder text and leaves out clients who have answered"),
    "reach_no_messages": ("没有需要发送的消息", "No messages to send"),
    "reach_sms_csv": ("短信群发 CSV（{n} 条）", "Bulk-SMS CSV ({n})"),
    "reach_sms_xlsx": ("短信群发 Excel（{n} 条）", "Bulk-SMS Excel ({n})"),
    "reach_all_txt": ("全部消息文本（{n} 条）", "All message texts ({n})"),
    "reach_without_mobile": ("{n} 个用户单位没有手机号，未列入短信文件（请用微信、信函或邮件）：{names}",
                             "{n} clients have no mobile number and are not in the SMS files "
                             "(use WeChat, a letter or e-mail): {names}"),
    "reach_pick_client": ("复制某个用户单位的消息", "Copy one client's message"),
    "reach_copy_help": ("{n} 个字；点右上角的复制按钮，粘贴到微信或短信",
                        "{n} characters; use the copy button at the top right, paste into WeChat "
                        "or SMS"),
    "reach_letters": ("邀请函（打印）", "Invitation letters (print)"),
    "reach_letters_help": ("每个用户单位一页 A4：二维码、链接、截止日期、联系人和电话",
                           "One A4 page per client: QR code, link, deadline, contact and phone"),
    "reach_letters_prepare": ("生成邀请函 PDF", "Make the letters PDF"),
    "reach_letters_making": ("正在生成邀请函…", "Making the letters…"),
    "reach_letters_download": ("下载邀请函 PDF", "Download the letters PDF"),
}
