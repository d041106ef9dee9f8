"""Helpers every page uses: the shared context (cached by database URL) and the language."""

from __future__ import annotations

import streamlit as st

from surveys.access import ANONYMOUS, Actor
from surveys.context import Context, open_context
from surveys.i18n import DEFAULT_LANG, LANGS, tr
from surveys.settings import get_settings


@st.cache_resource(show_spinner=False)
def _context_for(db_url: str) -> Context:
    """Return the installation context for a database URL (shared: holds no per-user data)."""
    return open_context(get_settings())


def app_context() -> Context:
    """Return the context for the configured database."""
    return _context_for(get_settings().db_url)


def current_lang() -> str:
    """Return the session's UI language ('zh' by default; '?lang=en' switches)."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang", DEFAULT_LANG)
        st.session_state["lang"] = wanted if wanted in LANGS else DEFAULT_LANG
    return str(st.session_state["lang"])


def language_switch(container: object = None) -> str:
    """Render the 中文 / English switch and return the chosen language."""
    current_lang()
    target = container or st.sidebar
    target.segmented_control(  # type: ignore[attr-defined]
        tr("language", current_lang()), options=list(LANGS), key="lang",
        format_func=lambda code: "中文" if code == "zh" else "English",
    )
    return current_lang()


def t(key: str) -> str:
    """Return a UI string in the session's language."""
    return tr(key, current_lang())


def current_actor() -> Actor:
    """Return the signed-in actor, or ANONYMOUS (domain functions then refuse provider data).

    Tests sign in as in docs/accounts.md (tests/workspace_support.py: ``signed_in``).
    """
    from pages.auth import signed_in_actor

    return signed_in_actor() or ANONYMOUS
