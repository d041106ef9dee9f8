"""The running installation: settings, engine, signing key and link secret (an app factory)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from surveys.db import make_engine
from surveys.keys import Signer, load_or_create_signer
from surveys.settings import Settings, get_settings
from surveys.tokens import load_or_create_secret


@dataclass
class Context:
    """Everything a domain call needs besides its arguments; tests build their own."""

    settings: Settings
    engine: Engine

    @cached_property
    def signer(self) -> Signer:
        """Return the installation's signer (the key is created on first use)."""
        return load_or_create_signer(self.settings.signing_key_path, self.settings.signing_key)

    @cached_property
    def link_secret(self) -> bytes:
        """Return the secret that derives link tokens (created on first use)."""
        return load_or_create_secret(self.settings.link_secret_path, self.settings.link_secret)


def open_context(settings: Settings | None = None, *, pooled: bool = True) -> Context:
    """Return a context for the given settings (default: from the environment).

    ``pooled=False`` closes each connection when its session ends (a one-shot command keeps
    nothing open between its transactions, however it is run).
    """
    settings = settings or get_settings()
    options = {} if pooled else {"poolclass": NullPool}
    return Context(settings=settings, engine=make_engine(settings.db_url, **options))
