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
    "dash_signature": ("签名", "Signature"),
    "dash_seal": ("印章", "Seal"),
    "dash_comment": ("意见", "Comment"),
    "dash_key_unit": ("重点保卫单位", "Key-protection unit"),
    "dash_no_clients": ("该服务单位尚无用户单位。", "This provider has no client units yet."),
})


def tr(key: str, lang: str = DEFAULT_LANG) -> str:
    """Return the UI string for key in lang (the key itself when unknown)."""
    pair = STRINGS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]
