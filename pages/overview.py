"""Overview of a provider's year: headline figures, §5 star eligibility, items, callback progress."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.labels import for_display, header, localise
from analytics.overview import criteria_frame, items_frame, missing_lines, overview_page, to_float
from analytics.provenance import late_rows, override_rows
from pages.common import app_context, current_actor, language_switch, t
from pages.dash_select import choose_provider_year, downloads
from surveys.anchor_queries import anchoring_status
from surveys.clock import beijing_text
from surveys.db import read_session

lang = language_switch()
st.title(t("dash_overview_title"))
with read_session(app_context().engine) as session:
    actor = current_actor()
    provider_id, year = choose_provider_year(session, actor)
    data = overview_page(session=session, actor=actor, provider_id=provider_id, year=year)
    anchoring = anchoring_status(session=session, actor=actor, settings=app_context().settings,
                                 provider_id=provider_id)

ov, eligibility = data.overview, data.overview.eligibility
if not anchoring.configured:
    st.warning(t("dash_not_anchored"))
elif anchoring.head_seq:
    st.caption(t("dash_anchored").format(
        covered=anchoring.covered_seq, head=anchoring.head_seq, missing=anchoring.uncovered,
        at=beijing_text(anchoring.last_anchor_at, lang) if anchoring.last_anchor_at else "—"))
    if anchoring.failures:
        st.warning(t("dash_anchor_failing").format(n=anchoring.failures,
                                                   error=anchoring.last_error))
rate = to_float(ov.response_rate * 100, 1) if ov.response_rate is not None else None
first, second, third = st.columns(3)
first.metric(t("dash_responses"), f"{ov.responses} / {ov.invited}")
second.metric(t("dash_response_rate"), "—" if rate is None else f"{rate}%")
third.metric(t("dash_mean_total"), "—" if ov.mean is None else f"{to_float(ov.mean):.2f}")
st.caption(f"{t('dash_min_max')}: {ov.min_total if ov.min_total is not None else '—'} / "
           f"{ov.max_total if ov.max_total is not None else '—'}")

st.subheader(t("dash_star_eligible"))
badge = "★" * eligibility.star + "☆" * (3 - eligibility.star)
st.markdown(f"## {badge}  {eligibility.star}")
if eligibility.star == 0:
    st.caption(t("dash_star_none"))
notes = [t("dash_star_by_score").format(star=ov.star_by_score)]
if ov.points_to_next is not None:
    notes.append(t("dash_points_next").format(points=f"{to_float(ov.points_to_next):.2f}"))
st.caption(" · ".join(notes))
criteria = criteria_frame(eligibility, lang)
st.markdown(f"**{t('dash_criteria')}**")
# A static table wraps at phone width, so every star column stays visible.
st.table(localise(criteria, lang).set_index(header("criterion", lang)))
if eligibility.next_star is None:
    st.success(t("dash_top_level"))
else:
    st.markdown(t("dash_missing_next").format(star=eligibility.next_star))
    for line in missing_lines(eligibility, lang):
        st.markdown(f"- {line}")

st.subheader(t("dash_items"))
items = items_frame(ov)
if ov.responses:
    weakest = [f"{s.item.no}. {s.item.name(lang)} ({to_float(s.share * 100, 1)}%)"
               for s in ov.weakest() if s.share is not None]
    st.markdown(f"**{t('dash_weakest')}:** " + "; ".join(weakest))
    st.dataframe(for_display(localise(items, lang)), hide_index=True, width="stretch",
                 column_config={header("share", lang): st.column_config.ProgressColumn(
                     t("dash_share"), min_value=0.0, max_value=1.0, format="percent")})
else:
    st.info(t("dash_no_data"))

st.subheader(t("dash_progress"))
progress = data.progress
if progress.empty:
    st.info(t("dash_no_campaign"))
else:
    answered = int((progress["status"] == "answered").sum())
    st.progress(answered / len(progress), text=f"{answered} / {len(progress)}")
    table = progress[["client", "status", "first_opened_at", "total", "evaluation_date"]]
    st.dataframe(for_display(localise(table, lang)), hide_index=True, width="stretch")

if data.provenance is not None:
    prov = data.provenance
    st.subheader(t("dash_overrides"))
    if prov.overrides:
        st.dataframe(for_display(localise(pd.DataFrame(override_rows(prov, lang)), lang)),
                     hide_index=True, width="stretch")
    else:
        st.caption(t("dash_overrides_none"))
    if prov.reopenings:
        st.subheader(t("dash_reopenings"))
        st.dataframe(for_display(localise(pd.DataFrame(
            [{"at": e.at, "by": e.username, "reason": e.reason} for e in prov.reopenings]),
            lang)), hide_index=True, width="stretch")
    if prov.late:
        st.subheader(t("dash_late"))
        st.dataframe(for_display(localise(pd.DataFrame(late_rows(prov, lang)), lang)),
                     hide_index=True, width="stretch")

downloads({"criteria": criteria, "items": items, "progress": progress},
          stem=f"overview-{provider_id}-{year}")
