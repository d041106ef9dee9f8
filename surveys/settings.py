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
    base_url: str | None = None  # STAR_SURVEY_PUBLIC_URL (old name STAR_SURVEY_BASE_URL)
    data_dir: Path = Path("data")
    signing_key: str | None = None
    link_secret: str | None = None
    port: int | None = None  # STAR_SURVEY_PORT: the port this server runs on (set by serve)
    session_minutes: int = 30  # workspace sign-in expires after this much inactivity
    tsa_urls: tuple[str, ...] = ()  # RFC 3161 TSAs that anchor the chain heads (one token each)
    tsa_roots: tuple[Path, ...] = ()  # PEM files of the TSA roots tokens must chain to
    pdf_cert: Path | None = None  # a CA-issued certificate for signing evidence.pdf
    pdf_key: Path | None = None  # its private key (PEM, unencrypted)
    # reach: e-mail to clients (surveys/mailer.py parses the URL; None: e-mail is off)
    smtp_url: str | None = None  # smtp://user:pass@host:587?starttls=1 or smtps://host:465
    smtp_from: str | None = None  # the sender address (default: the URL's user if an address)

    @property
    def signing_key_path(self) -> Path:
        """Return where the Ed25519 private key lives when not given inline."""
        return self.data_dir / "signing-key.pem"

    @property
    def link_secret_path(self) -> Path:
        """Return where the secret that derives link tokens lives when not given inline."""
        return self.data_dir / "link-secret"

    @property
    def pdf_cert_path(self) -> Path:
        """Return the certificate that signs evidence.pdf (default: self-signed, under data/)."""
        return self.pdf_cert or self.data_dir / "pdf-signing-cert.pem"

    @property
    def pdf_key_path(self) -> Path:
        """Return the private key that signs evidence.pdf."""
        return self.pdf_key or self.data_dir / "pdf-signing-key.pem"


def _list(value: str | None) -> tuple[str, ...]:
    """Return the non-empty, stripped items of a comma-separated setting."""
    return tuple(item.strip() for item in (value or "").split(",") if item.strip())


def get_settings(env: dict[str, str] | None = None) -> Settings:
    """Return settings read from the environment (or from the given mapping)."""
    env = dict(os.environ) if env is None else env
    return Settings(
        db_url=env.get("STAR_SURVEY_DB") or DEFAULT_DB_URL,
        base_url=env.get("STAR_SURVEY_PUBLIC_URL") or env.get("STAR_SURVEY_BASE_URL") or None,
        data_dir=Path(env.get("STAR_SURVEY_DATA_DIR") or "data"),
        signing_key=env.get("STAR_SURVEY_SIGNING_KEY") or None,
        link_secret=env.get("STAR_SURVEY_LINK_SECRET") or None,
        port=int(env["STAR_SURVEY_PORT"]) if env.get("STAR_SURVEY_PORT") else None,
        session_minutes=int(env.get("STAR_SURVEY_SESSION_MINUTES") or 30),
        tsa_urls=_list(env.get("STAR_SURVEY_TSA_URL")),
        tsa_roots=tuple(Path(p) for p in _list(env.get("STAR_SURVEY_TSA_ROOTS"))),
        pdf_cert=Path(env["STAR_SURVEY_PDF_CERT"]) if env.get("STAR_SURVEY_PDF_CERT") else None,
        pdf_key=Path(env["STAR_SURVEY_PDF_KEY"]) if env.get("STAR_SURVEY_PDF_KEY") else None,
        # reach
        smtp_url=env.get("STAR_SURVEY_SMTP_URL") or None,
        smtp_from=env.get("STAR_SURVEY_SMTP_FROM") or None,
    )
