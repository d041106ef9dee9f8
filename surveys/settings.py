"""One settings object, read from the environment (STAR_SURVEY_*)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB_URL = "sqlite:///data/survey.db"


@dataclass(frozen=True)
class Settings:
    """Configuration of one installation."""

    db_url: str = DEFAULT_DB_URL
    base_url: str | None = None
    data_dir: Path = Path("data")
    signing_key: str | None = None
    link_secret: str | None = None
    port: int = 8501
    session_minutes: int = 30  # workspace sign-in expires after this much inactivity

    @property
    def signing_key_path(self) -> Path:
        """Return where the Ed25519 private key lives when not given inline."""
        return self.data_dir / "signing-key.pem"

    @property
    def link_secret_path(self) -> Path:
        """Return where the secret that derives link tokens lives when not given inline."""
        return self.data_dir / "link-secret"


def get_settings(env: dict[str, str] | None = None) -> Settings:
    """Return settings read from the environment (or from the given mapping)."""
    env = dict(os.environ) if env is None else env
    return Settings(
        db_url=env.get("STAR_SURVEY_DB") or DEFAULT_DB_URL,
        base_url=env.get("STAR_SURVEY_BASE_URL") or None,
        data_dir=Path(env.get("STAR_SURVEY_DATA_DIR") or "data"),
        signing_key=env.get("STAR_SURVEY_SIGNING_KEY") or None,
        link_secret=env.get("STAR_SURVEY_LINK_SECRET") or None,
        port=int(env.get("STAR_SURVEY_PORT") or 8501),
        session_minutes=int(env.get("STAR_SURVEY_SESSION_MINUTES") or 30),
    )
