"""Widgets shared by the workspace pages: account box, provider scope, errors, literal text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import streamlit as st
from sqlmodel import Session

from pages.auth import sign_out, sso_enabled
from pages.common import app_context, current_lang, t
from pages.streamlit_texts import localise_streamlit
from surveys.access import Actor, can_write_provider
from surveys.clock import beijing_today
from surveys.db import read_session, run_write
from surveys.demo import load_demo
from surveys.errors import SurveyError, ValidationFailed
from surveys.field_labels import failure_rows, in_language
from surveys.providers import list_providers
from surveys.tabular import Column
from surveys.text import markdown_literal

T = TypeVar("T")


def literal(text: str) -> str:
    """Return text escaped so that st.markdown shows it character for character (no links)."""
    return markdown_literal(text)


WORKSPACE_CSS = ('<style>[data-testid="stMainMenu"], [data-testid="stAppDeployButton"] '
                 '{ display: none !important; }</style>')  # English menu, "Made with Streamlit"


def workspace_chrome() -> None:
    """Hide Streamlit's menu; put its own texts (uploader, input hints) in the session's language."""
    st.html(WORKSPACE_CSS)
    localise_streamlit(current_lang())


def _logout() -> None:
    """Sign out of the workspace (and of the identity provider after SSO)."""
    sign_out("ws_signed_out")
    if sso_enabled():
        try:
            st.logout()
        except Exception:  # not signed in through SSO
            pass


def account_box(actor: Actor) -> None:
    """Render who is signed in, with the sign-out button, in the sidebar."""
    with st.sidebar:
        st.caption(t("ws_signed_in_as"))
        st.text(f"{actor.username} ({t('ws_role_' + actor.role)})")
        st.button(t("ws_sign_out"), key="ws_sign_out", on_click=_logout)


def provider_scope(actor: Actor, key: str) -> int | None:
    """Return the provider the page works on: staff are fixed to theirs, others choose."""
    if actor.role == "staff":
        return actor.provider_id
    with read_session(app_context().engine) as session:
        choices = {int(p.id or 0): p.name for p in list_providers(session=session, actor=actor)}
    if not choices:
        st.info(t("ws_no_providers"))
        return None
    return st.selectbox(t("ws_provider"), options=list(choices), key=key,
                        format_func=lambda pid: f"{choices[pid]} (#{pid})")


def flash(message: str) -> None:
    """Keep a success message (fixed UI text, never user input) to show after st.rerun()."""
    st.session_state["ws_flash"] = message


def show_flash() -> None:
    """Show and forget the success message kept by flash()."""
    message = st.session_state.pop("ws_flash", None)
    if message:
        st.success(message)


def can_write(actor: Actor, provider_id: int) -> bool:
    """Return True when the page should offer write controls for this provider."""
    return can_write_provider(actor, provider_id)


def failure_table(exc: ValidationFailed, columns: Sequence[Column] = ()) -> list[dict[str, str]]:
    """Return a refused input's errors as table rows: row, the field's label, the problem."""
    return [{t("ws_col_row"): "" if row is None else str(row), t("ws_col_field"): label,
             t("ws_col_problem"): problem}
            for row, label, problem in failure_rows(exc, current_lang(), columns)]


def show_failure(exc: SurveyError) -> None:
    """Render a refused action: every bad field (and row) in a table, or the message."""
    if isinstance(exc, ValidationFailed):
        st.error(t("ws_input_rejected"))
        st.dataframe(failure_table(exc), hide_index=True, width="stretch")
    else:
        st.error(literal(in_language(str(exc), current_lang())))


def attempt(work: Callable[[Session], T]) -> T | None:
    """Return work's result after one write transaction, or None after showing why it failed."""
    try:
        return run_write(app_context().engine, work)
    except SurveyError as exc:
        show_failure(exc)
        return None


def offer_demo(actor: Actor) -> None:
    """Offer an administrator of an empty workspace to load the demo provider."""
    if not actor.is_admin:
        return
    with read_session(app_context().engine) as session:
        if list_providers(session=session, actor=actor):
            return
    st.info(t("ws_demo_offer"))
    if st.button(t("ws_demo_load"), key="ws_demo_load"):
        ctx = app_context()
        done = attempt(lambda s: load_demo(session=s, actor=actor, signer=ctx.signer,
                                           secret=ctx.link_secret, today=beijing_today()))
        if done:
            flash(t("ws_demo_loaded"))
            st.rerun()
