"""star-survey web app: the public client form and verification pages, and the workspace."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from pages.common import current_lang, t

HERE = Path(__file__).resolve().parent
PUBLIC_FORM = "pages/client_form.py"
PUBLIC_VERIFY = "pages/verify.py"
WORKSPACE = (  # (file, title key, url path); a page appears once its file exists
    ("pages/home.py", "nav_home", "home"),
    ("pages/overview.py", "nav_overview", "overview"),
    ("pages/trends.py", "nav_trends", "trends"),
    ("pages/drilldown.py", "nav_drilldown", "details"),
    ("pages/clients.py", "nav_clients", "clients"),
    ("pages/campaigns.py", "nav_campaigns", "campaigns"),
    ("pages/paper.py", "nav_paper", "paper"),
    ("pages/evidence.py", "nav_evidence", "evidence"),
    ("pages/providers.py", "nav_providers", "providers"),
    ("pages/audit.py", "nav_audit", "audit"),
)


def _page(path: str, title_key: str, url_path: str, *, default: bool = False) -> st.Page:
    """Return a navigation page for a file of this app."""
    return st.Page(str(HERE / path), title=t(title_key), url_path=url_path, default=default)


def main() -> None:
    """Route a client link to the form alone; everything else to the workspace."""
    st.set_page_config(page_title=t("app_title"), page_icon="⭐", layout="centered")
    current_lang()
    if st.query_params.get("t"):
        # A client link: only the form is reachable from here.
        page = st.navigation([_page(PUBLIC_FORM, "nav_form", "form", default=True)],
                             position="hidden")
    elif st.query_params.get("h"):
        page = st.navigation([_page(PUBLIC_VERIFY, "nav_verify", "verify", default=True)],
                             position="hidden")
    else:
        existing = [entry for entry in WORKSPACE if (HERE / entry[0]).exists()]
        pages = [_page(*entry, default=index == 0) for index, entry in enumerate(existing)]
        page = st.navigation(pages)
    page.run()


main()
