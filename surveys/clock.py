"""Beijing time: campaign dates are Beijing calendar days; people read Beijing times."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
ZONE_LABEL = {"zh": "北京时间", "en": "Beijing time, UTC+8"}


def beijing_now(now: datetime | None = None) -> datetime:
    """Return the moment (default: now) as an aware Beijing time."""
    moment = now or datetime.now(UTC)
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return aware.astimezone(BEIJING)


def beijing_today(now: datetime | None = None) -> date:
    """Return the Beijing calendar day of a moment (default: now)."""
    return beijing_now(now).date()


def beijing_text(moment: datetime | None, lang: str = "zh", *, seconds: bool = True) -> str:
    """Return a moment as 'YYYY-MM-DD HH:MM:SS 北京时间' ('' for None); naive means UTC."""
    if moment is None:
        return ""
    local = beijing_now(moment)
    shown = local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    return f"{shown} {ZONE_LABEL.get(lang, ZONE_LABEL['zh'])}"
