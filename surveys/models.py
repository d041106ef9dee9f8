"""Database tables (SQLModel). Accepted responses are append-only; corrections are new versions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper
from sqlmodel import Field, SQLModel

ORIGINS = ("web", "paper", "import")  # the client online; staff from a paper form; a file
RECORD_FORMAT_1 = "star-survey/record/1"
RECORD_FORMAT_2 = "star-survey/record/2"


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class Provider(SQLModel, table=True):
    """服务单位: a maintenance company that is evaluated by its clients."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(200), nullable=False))
    department: str = Field(default="", sa_column=Column(String(200), nullable=False, default=""))
    manager: str = Field(default="", sa_column=Column(String(100), nullable=False, default=""))
    phone: str = Field(default="", sa_column=Column(String(50), nullable=False, default=""))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class Client(SQLModel, table=True):
    """用户单位: an organisation whose systems the provider maintains."""

    __table_args__ = (UniqueConstraint("provider_id", "name", name="uq_client_provider_name"),)

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    name: str = Field(sa_column=Column(String(200), nullable=False))
    department: str = Field(default="", sa_column=Column(String(200), nullable=False, default=""))
    manager: str = Field(default="", sa_column=Column(String(100), nullable=False, default=""))
    phone: str = Field(default="", sa_column=Column(String(50), nullable=False, default=""))
    key_unit: bool = Field(default=False)
    active: bool = Field(default=True)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    # reach (issue 14): optional e-mail address for invitations, checked by surveys/emails.py
    email: str | None = Field(default=None, sa_column=Column(String(254), nullable=True))


class ContractYear(SQLModel, table=True):
    """The provider served a client in a year under a contract of an amount (CNY)."""

    __tablename__ = "contract_year"
    __table_args__ = (UniqueConstraint("client_id", "year", name="uq_contract_client_year"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    year: int = Field(index=True)
    amount: Decimal = Field(sa_column=Column(Numeric(14, 2), nullable=False))


class Campaign(SQLModel, table=True):
    """A provider's annual callback (年度回访) for one year."""

    __table_args__ = (UniqueConstraint("provider_id", "year", name="uq_campaign_provider_year"),)

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    year: int
    opens: date
    closes: date
    is_open: bool = Field(default=True)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class Invitation(SQLModel, table=True):
    """One client's invitation to one campaign; its link token is derived, only a hash is kept."""

    __table_args__ = (
        UniqueConstraint("campaign_id", "client_id", name="uq_invitation_campaign_client"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    token_nonce: str = Field(sa_column=Column(String(64), nullable=False))
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    revoked_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    first_opened_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class Response(SQLModel, table=True):
    """One version of a filled-in Table A.1; signed, hash-chained per provider, never updated."""

    __table_args__ = (
        UniqueConstraint("invitation_id", "version", name="uq_response_invitation_version"),
        UniqueConstraint("provider_id", "seq", name="uq_response_provider_seq"),
        Index("ix_response_provider_year_total", "provider_id", "year", "total"),
        Index("ix_response_year_provider", "year", "provider_id"),
        # Rows that supersede another: keeps the reports' 'current version' probe an index
        # lookup whatever the planner statistics say (migration 0003_report_indexes).
        Index("ix_response_superseded", "supersedes_id",
              sqlite_where=text("supersedes_id IS NOT NULL"),
              postgresql_where=text("supersedes_id IS NOT NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    invitation_id: int = Field(foreign_key="invitation.id", index=True)
    provider_id: int = Field(foreign_key="provider.id")
    client_id: int = Field(foreign_key="client.id", index=True)
    year: int
    form_id: str = Field(sa_column=Column(String(40), nullable=False))
    item1: int
    item2: int
    item3: int
    item4: int
    item5: int
    item6: int
    item7: int
    item8: int
    item9: int
    total: int
    header_json: str = Field(sa_column=Column(Text, nullable=False))
    signer_name: str = Field(sa_column=Column(String(100), nullable=False))
    signer_title: str = Field(default="", sa_column=Column(String(100), nullable=False))
    signer_phone: str = Field(default="", sa_column=Column(String(50), nullable=False))
    signature_png: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    seal_image: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    scan: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    scan_name: str = Field(default="", sa_column=Column(String(200), nullable=False))
    evaluation_date: date
    comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    origin: str = Field(sa_column=Column(String(10), nullable=False))
    submitted_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    version: int = Field(default=1)
    supersedes_id: int | None = Field(default=None, foreign_key="response.id", index=True)
    submission_key: str | None = Field(
        default=None, sa_column=Column(String(64), nullable=True, unique=True)
    )
    seq: int
    prev_hash: str = Field(sa_column=Column(String(64), nullable=False))
    record_hash: str = Field(sa_column=Column(String(64), nullable=False, index=True))
    signature: str = Field(sa_column=Column(String(200), nullable=False))
    key_id: str = Field(sa_column=Column(String(64), nullable=False))
    record_format: str = Field(
        default=RECORD_FORMAT_2,
        sa_column=Column(String(40), nullable=False, server_default=RECORD_FORMAT_1))
    entered_by: str = Field(
        default="", sa_column=Column(String(200), nullable=False, server_default=""))
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class KeyUnitChange(SQLModel, table=True):
    """A client's key-protection flag (重点保卫单位) as set at a moment; the flag's history."""

    __tablename__ = "key_unit_change"

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    key_unit: bool
    changed_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class UserAccount(SQLModel, table=True):
    """A person who signs in to the workspace: admin, staff of one provider, or assessor."""

    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_column=Column(String(200), nullable=False, unique=True))
    password_hash: str = Field(sa_column=Column(String(255), nullable=False))
    role: str = Field(sa_column=Column(String(20), nullable=False))
    provider_id: int | None = Field(default=None, foreign_key="provider.id", index=True)
    active: bool = Field(default=True)
    failed_logins: int = Field(default=0)
    locked_until: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class AuditEntry(SQLModel, table=True):
    """One change made by a person: who, when, what, before and after. Never updated or deleted."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_provider_at", "provider_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    username: str = Field(sa_column=Column(String(200), nullable=False, index=True))
    action: str = Field(sa_column=Column(String(50), nullable=False, index=True))
    entity: str = Field(sa_column=Column(String(50), nullable=False))
    entity_id: str = Field(default="", sa_column=Column(String(64), nullable=False, default=""))
    provider_id: int | None = Field(default=None)
    before_json: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    after_json: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


def _note_key_unit(connection: Connection, client: Client) -> None:
    """Append the client's key-unit flag to its history (the flag's dated trail)."""
    table = KeyUnitChange.__table__  # type: ignore[attr-defined]
    connection.execute(table.insert().values(client_id=client.id, key_unit=client.key_unit,
                                             changed_at=utcnow()))


@event.listens_for(Client, "after_insert")
def _key_unit_created(_mapper: Mapper[Client], connection: Connection, client: Client) -> None:
    """Record a new client's key-unit flag."""
    _note_key_unit(connection, client)


@event.listens_for(Client, "after_update")
def _key_unit_changed(_mapper: Mapper[Client], connection: Connection, client: Client) -> None:
    """Record a client's key-unit flag whenever it changes."""
    if inspect(client).attrs.key_unit.history.has_changes():
        _note_key_unit(connection, client)


class ChainAnchor(SQLModel, table=True):
    """An RFC 3161 token over a provider's chain head: by the TSA's word, the head existed by then."""

    __tablename__ = "chain_anchor"
    __table_args__ = (
        UniqueConstraint("provider_id", "head_seq", "head_hash", "tsa_url",
                         name="uq_chain_anchor_head_tsa"),
    )

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id")
    head_seq: int
    head_hash: str = Field(sa_column=Column(String(64), nullable=False))
    tsa_url: str = Field(sa_column=Column(String(500), nullable=False))
    token: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # DER TimeStampToken
    gen_time: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class AnchorSchedule(SQLModel, table=True):
    """When a provider's head may next be sent to a TSA, shared by every app process."""

    __tablename__ = "anchor_schedule"

    provider_id: int = Field(foreign_key="provider.id", primary_key=True)
    tsa_url: str = Field(sa_column=Column(String(500), primary_key=True))
    next_attempt_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False))
    failures: int = Field(default=0)  # consecutive failed attempts (backoff grows with them)
    last_attempt_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    last_success_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    last_error: str = Field(default="", sa_column=Column(String(500), nullable=False))


class FormDraft(SQLModel, table=True):
    """A client's unsubmitted form, one per invitation: never counted, never chained or signed.

    Personal data behind the link (a credential): read and written only through the token
    (surveys/drafts.py), bounded in size, deleted when the form is stored, the link revoked
    or the campaign closed (migration 0006_drafts).
    """

    __tablename__ = "form_draft"

    id: int | None = Field(default=None, primary_key=True)
    invitation_id: int = Field(foreign_key="invitation.id", unique=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    fields_json: str = Field(sa_column=Column(Text, nullable=False))
    signature_json: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    signature_png: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    seal_image: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


# --- reach (reachB): reminder waves and e-mail sends (surveys/waves.py, surveys/mail_queue.py) ---

class OutreachWave(SQLModel, table=True):
    """One round of invitations or reminders: when, by whom, which selection, which channel."""

    __tablename__ = "outreach_wave"

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    year: int
    selection: str = Field(sa_column=Column(String(20), nullable=False))  # waves.SELECTIONS
    channel: str = Field(sa_column=Column(String(10), nullable=False))  # "email" or "print"
    kind: str = Field(sa_column=Column(String(12), nullable=False))  # "invitation" or "reminder"
    created_by: str = Field(sa_column=Column(String(200), nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    recipients: int = Field(default=0)  # clients chosen (answered clients are never chosen)


class WaveRecipient(SQLModel, table=True):
    """One client reached by a wave, and where its message stands (queued, sent, failed...)."""

    __tablename__ = "wave_recipient"
    __table_args__ = (
        UniqueConstraint("wave_id", "invitation_id", name="uq_wave_recipient_invitation"),
        Index("ix_wave_recipient_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    wave_id: int = Field(foreign_key="outreach_wave.id", index=True)
    invitation_id: int = Field(foreign_key="invitation.id", index=True)
    client_id: int = Field(foreign_key="client.id")
    address: str = Field(default="", sa_column=Column(String(320), nullable=False, default=""))
    status: str = Field(sa_column=Column(String(12), nullable=False))  # mail_queue.STATUSES
    requested_by: str = Field(sa_column=Column(String(200), nullable=False))  # wave or retry
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    claimed_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    last_error: str = Field(default="", sa_column=Column(String(500), nullable=False, default=""))


class MailAttempt(SQLModel, table=True):
    """One attempt to hand one client's message to the SMTP server, and its outcome."""

    __tablename__ = "mail_attempt"
    __table_args__ = (Index("ix_mail_attempt_provider_at", "provider_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="wave_recipient.id", index=True)
    wave_id: int = Field(foreign_key="outreach_wave.id")
    provider_id: int = Field(foreign_key="provider.id")
    client_id: int = Field(foreign_key="client.id")
    address: str = Field(sa_column=Column(String(320), nullable=False))
    triggered_by: str = Field(sa_column=Column(String(200), nullable=False))
    at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    outcome: str = Field(sa_column=Column(String(12), nullable=False))  # "sent" or "failed"
    error: str = Field(default="", sa_column=Column(String(500), nullable=False, default=""))
    message_id: str = Field(default="", sa_column=Column(String(200), nullable=False, default=""))

# --- sessions area: sign-in guard and workspace sessions -------------------------------------


class LoginFailure(SQLModel, table=True):
    """Failed sign-ins of one username from one source address (surveys/login_guard.py)."""

    __tablename__ = "login_failure"
    __table_args__ = (UniqueConstraint("username", "source", name="uq_login_failure_pair"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_column=Column(String(200), nullable=False))
    source: str = Field(sa_column=Column(String(100), nullable=False))
    failures: int = Field(default=0)
    locked_until: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True),
    )


class WorkspaceSession(SQLModel, table=True):
    """A workspace sign-in bound to one browser: only hashes of its code and token are stored.

    Minted with a one-time code (token_hash empty), exchanged by web_server for the cookie's
    token (code_hash emptied); deleted at sign-out, after inactivity or when the account goes
    (surveys/workspace_sessions.py).
    """

    __tablename__ = "workspace_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str | None = Field(
        default=None, sa_column=Column(String(64), nullable=True, unique=True))
    code_hash: str | None = Field(
        default=None, sa_column=Column(String(64), nullable=True, unique=True))
    username: str = Field(sa_column=Column(String(200), nullable=False, index=True))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    last_seen: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True))
