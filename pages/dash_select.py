"""Dashboard widgets shared by the overview, trends and drill-down pages (not a page itself)."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlmodel import Session

from analytics.exports import csv_bytes, export_tables, xlsx_bytes
from analytics.trends import provider_years
from pages.common import current_lang, t
from surveys.access import Actor
from surveys.clock import beijing_today
from surveys.providers import list_providers
from surveys.text import markdown_literal


def plain(text: object) -> str:
    """Return user-typed text shown literally in st.markdown: no markup, never a link."""
    return markdown_literal(text)


def choose_provider_year(session: Session, actor: Actor) -> tuple[int, int]:
    """Render the provider and year selectors; return (provider_id, year), or stop the page."""
    providers = list_providers(session=session, actor=actor)
    if not providers:
        st.info(t("dash_no_providers"))
        st.stop()
    names = {int(p.id): p.name for p in providers if p.id is not None}
    left, right = st.columns([3, 1])
    provider_id = left.selectbox(t("dash_provider"), options=list(names),
                                 format_func=lambda pid: names[pid], key="dash_provider")
    years = provider_years(session=session, actor=actor, provider_id=int(provider_id)) \
        or [beijing_today().year]
    year = right.selectbox(t("dash_year"), options=years, key=f"dash_year_{provider_id}")
    return int(provider_id), int(year)


def downloads(tables: dict[str, pd.DataFrame], stem: str) -> None:
    """Render CSV downloads of each table and one XLSX of them all, in the session's language."""
    shown = export_tables(tables, current_lang())
    with st.expander(t("dash_download")):
        for key, (name, frame) in zip(tables, shown.items(), strict=True):
            st.download_button(f"{t('dash_download_csv')}: {name}", data=csv_bytes(frame),
                               file_name=f"{stem}-{key}.csv", mime="text/csv",
                               key=f"csv_{stem}_{key}")
        st.download_button(t("dash_download_xlsx"), data=xlsx_bytes(shown),
                           file_name=f"{stem}.xlsx", key=f"xlsx_{stem}",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
