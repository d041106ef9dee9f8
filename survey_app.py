"""star-survey web app: the public client form and verification pages, and the workspace."""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from pages.auth import needs_setup, signed_in_actor
from pages.common import current_lang, t
from pages.context import app_context, stop_released
from pages.outreach_parts import mail_worker
from pages.ws import account_box, workspace_chrome
from surveys.access import ROLES
from surveys.anchor_worker import AnchorWorker, start_worker
from surveys.settings import get_settings

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
    ("pages/outreach.py", "outreach_nav", "outreach"),
    ("pages/paper.py", "nav_paper", "paper"),
    ("pages/evidence.py", "nav_evidence", "evidence"),
    ("pages/providers.py", "nav_providers", "providers"),
    ("pages/audit.py", "nav_audit", "audit"),
    ("pages/accounts.py", "ws_nav_accounts", "accounts"),
)
SETUP, LOGIN = "pages/setup.py", "pages/login.py"
PAGE_ROLES = {"pages/paper.py": ("admin", "staff")}  # pages some roles never see


def _page(path: str, title_key: str, url_path: str, *, default: bool = False) -> st.Page:
    """Return a navigation page for a file of this app."""
    return st.Page(str(HERE / path), title=t(title_key), url_path=url_path, default=default)


@st.cache_resource(show_spinner=False, on_release=stop_released)
def _anchor_worker(db_url: str) -> AnchorWorker | None:
    """Start this process's anchoring thread for a database, once (None without a TSA)."""
    context = app_context()
    return start_worker(context.engine, context.settings)


def main() -> None:
    """Route a client link to the form alone; everything else to the workspace."""
    st.set_page_config(page_title=t("app_title"), page_icon="⭐", layout="centered")
    _anchor_worker(get_settings().db_url)  # RFC 3161 anchoring runs beside, never in, requests
    mail_worker()  # queued e-mail and its retries go on after a restart, whichever page opens
    current_lang()
    if st.query_params.get("t"):
        # A client link: only the form is reachable from here.
        page = st.navigation([_page(PUBLIC_FORM, "nav_form", "form", default=True)],
                             position="hidden")
    elif st.query_params.get("h"):
        page = st.navigation([_page(PUBLIC_VERIFY, "nav_verify", "verify", default=True)],
                             position="hidden")
    else:
        workspace_chrome()
        _workspace().run()
        return
    try:  # a public page: any exception becomes the one plain message, logged here
        page.run()
    except Exception:
        logging.getLogger("star_survey.public").exception("public page failed")
        st.error(t("public_error"))


def _gate(path: str, title_key: str, url_path: str) -> st.Page:
    """Return the navigation of one gate page (set-up or login), also under every page's URL.

    A reload or a bookmark of /clients while signed out shows the login page at that address
    (no English "Page not found"); after signing in the same address shows the page itself.
    """
    aliases = [st.Page(str(HERE / path), title=t(title_key), url_path=entry[2],
                       visibility="hidden") for entry in WORKSPACE]
    return st.navigation([_page(path, title_key, url_path, default=True), *aliases],
                         position="hidden")


def _workspace() -> st.Page:
    """Return the workspace page to run: set-up, login, or the pages the signed-in role may use."""
    if needs_setup():
        return _gate(SETUP, "ws_nav_setup", "setup")
    actor = signed_in_actor()
    if actor is None:
        return _gate(LOGIN, "ws_nav_login", "login")
    allowed = [entry for entry in WORKSPACE if (HERE / entry[0]).exists()
               and actor.role in PAGE_ROLES.get(entry[0], ROLES)]
    pages = [_page(*entry, default=index == 0) for index, entry in enumerate(allowed)]
    home = allowed[0][0]  # a page this role never sees: its address shows home, not an error
    pages += [st.Page(str(HERE / home), title=t(entry[1]), url_path=entry[2], visibility="hidden")
              for entry in WORKSPACE if entry not in allowed]
    account_box(actor)
    return st.navigation(pages)


main()
