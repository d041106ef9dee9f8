"""Providers (服务单位): create, read, list, update."""

from __future__ import annotations

from sqlmodel import Session, select

from surveys.access import Actor, can_read_provider, require_admin, require_read, require_write
from surveys.audit import record_change, snapshot
from surveys.errors import FieldError, NotFound, ValidationFailed
from surveys.form_a1 import CLIENT_HEADER, PROVIDER_HEADER
from surveys.models import Provider
from surveys.phones import is_phone, phone_message
from surveys.text import TextRule, check_text

HEADER_LIMITS = {"name": 200, "department": 200, "manager": 100, "phone": 50}


def header_rules(kind: str = "client") -> dict[str, TextRule]:
    """Return the text rules of the Table A.1 header block of a client or a provider."""
    labels = CLIENT_HEADER if kind == "client" else PROVIDER_HEADER
    return {key: TextRule(key, zh, en, HEADER_LIMITS[key], required=key == "name")
            for key, zh, en in labels}


def check_header(fields: dict[str, str], *, row: int | None = None, kind: str = "client",
                 partial: bool = False) -> dict[str, str]:
    """Return header fields cleaned by the text rule (the phone checked as a phone number).

    Raises ValidationFailed naming every bad field. With partial, only the fields given are
    checked and returned (a client's own edits on the web form).
    """
    rules = header_rules(kind)
    keys = [key for key in rules if key in fields] if partial else list(rules)
    cleaned: dict[str, str] = {}
    errors: list[FieldError] = []
    for key in keys:
        cleaned[key], problems = check_text(fields.get(key), rules[key], row=row)
        errors += problems
        if key == "phone" and cleaned[key] and not problems and not is_phone(cleaned[key]):
            zh, en = phone_message(rules[key].zh, rules[key].en, cleaned[key])
            errors.append(FieldError(key, zh, en, row=row))
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def create_provider(
    *, session: Session, actor: Actor, name: str, department: str = "", manager: str = "",
    phone: str = "",
) -> Provider:
    """Return a new provider (administrators only)."""
    require_admin(actor)
    fields = check_header({"name": name, "department": department, "manager": manager,
                           "phone": phone}, kind="provider")
    provider = Provider(name=fields["name"], department=fields["department"],
                        manager=fields["manager"], phone=fields["phone"])
    session.add(provider)
    session.flush()
    record_change(session, actor, "provider_create", "provider", provider.id, provider.id, None,
                  provider)
    return provider


def get_provider(*, session: Session, actor: Actor, provider_id: int) -> Provider:
    """Return the provider, or raise NotFound."""
    require_read(actor, provider_id)
    provider = session.get(Provider, provider_id)
    if provider is None:
        raise NotFound(f"服务单位 {provider_id} 不存在 / provider {provider_id} does not exist")
    return provider


def list_providers(*, session: Session, actor: Actor) -> list[Provider]:
    """Return the providers the actor may read, by id."""
    providers = session.exec(select(Provider).order_by(Provider.id)).all()  # type: ignore[arg-type]
    return [p for p in providers if p.id is not None and can_read_provider(actor, p.id)]


def update_provider(
    *, session: Session, actor: Actor, provider_id: int, fields: dict[str, str]
) -> Provider:
    """Return the provider with its header fields changed."""
    require_write(actor, provider_id)
    provider = get_provider(session=session, actor=actor, provider_id=provider_id)
    current = {key: getattr(provider, key) for key in HEADER_LIMITS}
    before = snapshot(provider)
    for key, value in check_header({**current, **fields}, kind="provider").items():
        setattr(provider, key, value)
    session.add(provider)
    session.flush()
    record_change(session, actor, "provider_update", "provider", provider.id, provider.id, before,
                  provider)
    return provider
