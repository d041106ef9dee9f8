"""Helpers every page uses: the shared context, the language, the signed-in actor."""

from __future__ import annotations

import streamlit as st

from pages.auth import signed_in_actor
from pages.context import app_context
from surveys.access import ANONYMOUS, Actor
from surveys.i18n import DEFAULT_LANG, LANGS, tr
from surveys.links import public_base_url

__all__ = ["app_context", "current_actor", "current_lang", "language_switch", "public_url", "t"]


def current_lang() -> str:
    """Return the session's UI language ('zh' by default; '?lang=en' switches)."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang", DEFAULT_LANG)
        st.session_state["lang"] = wanted if wanted in LANGS else DEFAULT_LANG
    return str(st.session_state["lang"])


def language_switch(container: object = None, *, labelled: bool = True) -> str:
    """Render the 中文 / English switch and return the chosen language."""
    current_lang()
    target = container or st.sidebar
    target.segmented_control(  # type: ignore[attr-defined]
        tr("language", current_lang()), options=list(LANGS), key="lang",
        format_func=lambda code: "中文" if code == "zh" else "English",
        label_visibility="visible" if labelled else "collapsed",
    )
    return current_lang()


def t(key: str) -> str:
    """Return a UI string in the session's language."""
    return tr(key, current_lang())


def current_actor() -> Actor:
    """Return the signed-in actor, or ANONYMOUS (domain functions then refuse provider data).

    Tests sign in as in docs/accounts.md (tests/workspace_support.py: ``signed_in``).
    """
    return signed_in_actor() or ANONYMOUS


def public_url() -> str:
    """Return the public base URL links carry: the setting, else this server's own port."""
    return public_base_url(app_context().settings, running_port=int(st.get_option("server.port")))
