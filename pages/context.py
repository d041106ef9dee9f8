"""The installation context every page shares (cached by database URL; holds no per-user data)."""

from __future__ import annotations

from typing import Protocol

import streamlit as st

from surveys.context import Context, open_context
from surveys.settings import get_settings


class Stoppable(Protocol):
    """A background thread of this process (anchoring, e-mail) that can be asked to finish."""

    def stop(self, timeout: float | None = None) -> None: ...


def stop_released(worker: Stoppable | None) -> None:
    """Stop a thread Streamlit dropped from its cache (on_release; waits up to 5 s)."""
    if worker is not None:
        worker.stop(5)


def _release(context: Context) -> None:
    """Close the pooled connections of a context Streamlit dropped from its cache."""
    context.engine.dispose()


@st.cache_resource(show_spinner=False, on_release=_release)
def _context_for(db_url: str) -> Context:
    """Return the installation context for a database URL (shared: holds no per-user data)."""
    return open_context(get_settings())


def app_context() -> Context:
    """Return the context for the configured database."""
    return _context_for(get_settings().db_url)
