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
}


def tr(key: str, lang: str = DEFAULT_LANG) -> str:
    """Return the UI string for key in lang (the key itself when unknown)."""
    pair = STRINGS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]
