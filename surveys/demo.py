"""A realistic demo provider: ten clients, three years of contracts and signed responses."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from typing import Any

from PIL import Image, ImageDraw
from sqlmodel import Session, select

from surveys import campaigns, clients, providers, responses
from surveys.access import Actor
from surveys.clock import beijing_today
from surveys.errors import Conflict
from surveys.form_a1 import ITEMS
from surveys.keys import Signer
from surveys.models import Campaign, Invitation, Provider
from surveys.validation import validate_response

DEMO_PROVIDER = "京安技防运维服务有限公司"
DEMO_CLIENTS = (
    ("北京市第一人民医院", True), ("朝阳区实验中学", False), ("中关村科技园管委会", True),
    ("海淀区图书馆", False), ("北京银行西城支行", True), ("首都机场物流中心", False),
    ("丰台区政务服务中心", True), ("通州区自来水公司", False), ("东城区文化馆", False),
    ("昌平区第二中学", False),
)
SIGNERS = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴霞")


def signature_png(name: str, seed: int) -> bytes:
    """Return a PNG of a pen-like scribble standing in for a drawn signature."""
    rng = random.Random(seed)
    image = Image.new("RGBA", (360, 120), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = [(20 + i * 22, 60 + rng.randint(-30, 30)) for i in range(15)]
    draw.line(points, fill=(20, 20, 80, 255), width=4, joint="curve")
    draw.line([(30, 95), (330, 85 + rng.randint(-8, 8))], fill=(20, 20, 80, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _scores(rng: random.Random, quality: float) -> dict[str, Any]:
    """Return nine item scores around a quality level between 0 and 1."""
    raw: dict[str, Any] = {}
    for item in ITEMS:
        share = min(1.0, max(0.0, rng.gauss(quality, 0.05)))
        raw[f"item{item.no}"] = round(item.max_score * share)
    return raw


def load_demo(
    *, session: Session, actor: Actor, signer: Signer, secret: bytes, today: date | None = None
) -> dict[str, int]:
    """Return counts after creating the demo provider, its clients, contracts and responses."""
    today = today or beijing_today()
    if session.exec(select(Provider).where(Provider.name == DEMO_PROVIDER)).first():
        raise Conflict(f"演示数据已存在 / the demo provider '{DEMO_PROVIDER}' already exists")
    rng = random.Random(2022)
    provider = providers.create_provider(session=session, actor=actor, name=DEMO_PROVIDER,
                                         department="运维服务部", manager="孙建国",
                                         phone="010-6688 1234")
    assert provider.id is not None
    years = (today.year - 2, today.year - 1, today.year)
    client_ids = []
    for index, (name, key_unit) in enumerate(DEMO_CLIENTS):
        client = clients.create_client(
            session=session, actor=actor, provider_id=provider.id, name=name,
            department="保卫处" if key_unit else "后勤部", manager=SIGNERS[index],
            phone=f"1380000{index:04d}", key_unit=key_unit)
        assert client.id is not None
        first_year = years[0] if index < 7 else years[1]
        for year in years:
            if year >= first_year:
                clients.set_contract(session=session, actor=actor, client_id=client.id,
                                     year=year, amount=60000 + 8000 * index + 5000 * (year % 3))
        client_ids.append(client.id)
    stored = 0
    for offset, year in enumerate(years):
        campaign, _ = campaigns.open_campaign(session=session, actor=actor, secret=secret,
                                              provider_id=provider.id, year=year)
        stored += _answer_campaign(session, signer, campaign, rng, today,
                                   quality=0.86 + 0.04 * offset, share=0.7 if offset == 2 else 1)
        if year < today.year:
            campaigns.close_campaign(session=session, actor=actor, provider_id=provider.id,
                                     year=year)
    return {"provider_id": provider.id, "clients": len(client_ids), "responses": stored}


def _answer_campaign(session: Session, signer: Signer, campaign: Campaign, rng: random.Random,
                     today: date, *, quality: float, share: float) -> int:
    """Return how many of the campaign's invitations got a signed web response."""
    invites = session.exec(select(Invitation).where(Invitation.campaign_id == campaign.id)
                           .order_by(Invitation.id)).all()  # type: ignore[arg-type]
    last_day = min(today, campaign.closes)
    answered = invites[: round(len(invites) * share)]
    for index, invitation in enumerate(answered):
        span = max(0, (last_day - campaign.opens).days)
        when = campaign.opens + timedelta(days=rng.randint(min(span, 250), span))
        raw = _scores(rng, quality) | {"evaluation_date": when,
                                       "signer_name": SIGNERS[index % len(SIGNERS)],
                                       "signer_title": "主管", "comment": ""}
        valid = validate_response(raw, window=(campaign.opens, campaign.closes), today=today)
        assert invitation.id is not None
        responses.append_response(
            session=session, signer=signer, invitation_id=invitation.id, valid=valid,
            origin="web",
            attachments=responses.Attachments(signature_png=signature_png(raw["signer_name"],
                                                                          index)))
    return len(answered)
