"""Providers (服务单位): create, read, list, update."""

from __future__ import annotations

from sqlmodel import Session, select

from surveys.access import Actor, can_read_provider, require_admin, require_read, require_write
from surveys.audit import record_change, snapshot
from surveys.errors import FieldError, NotFound, ValidationFailed
from surveys.models import Provider

HEADER_LIMITS = {"name": 200, "department": 200, "manager": 100, "phone": 50}


def check_header(fields: dict[str, str], *, row: int | None = None) -> dict[str, str]:
    """Return header fields stripped, or raise ValidationFailed naming the bad field."""
    cleaned = {key: (fields.get(key) or "").strip() for key in HEADER_LIMITS}
    errors = []
    if not cleaned["name"]:
        errors.append(FieldError("name", "名称不能为空", "name is required", row=row))
    for key, limit in HEADER_LIMITS.items():
        if "\x00" in cleaned[key]:  # PostgreSQL cannot store NUL in text
            errors.append(FieldError(key, "含有空字符（NUL）", "contains a NUL character", row=row))
        if len(cleaned[key]) > limit:
            errors.append(FieldError(key, f"过长（最多 {limit} 字）",
                                     f"too long (max {limit} characters)", row=row))
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
                           "phone": phone})
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
    for key, value in check_header({**current, **fields}).items():
        setattr(provider, key, value)
    session.add(provider)
    session.flush()
    record_change(session, actor, "provider_update", "provider", provider.id, provider.id, before,
                  provider)
    return provider
