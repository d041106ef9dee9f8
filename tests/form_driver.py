"""Driving the client form in a real browser, shared by the scale-out test and the benchmarks."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from surveys.context import Context, open_context
from surveys.form_a1 import ITEMS
from surveys.i18n import tr
from surveys.schema import upgrade
from surveys.settings import Settings
from tests.factories import links, make_client, make_provider, open_campaign

YEAR = 2026
SCORES = [10, 5, 15, 5, 10, 10, 15, 15, 13]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "has_touch": True, "is_mobile": True, "locale": "zh-CN"}


@dataclass
class Installation:
    """A seeded database and the environment every app server of it needs."""

    ctx: Context
    env: dict[str, str]
    provider_id: int
    urls: list[str]  # the invitation links, with a placeholder base "http://survey.test"


def shared_secrets() -> tuple[str, str]:
    """Return a fresh (signing key PEM, link secret) to give every app server."""
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode()
    return pem, secrets.token_hex(32)


def install(db_url: str, folder: Path, clients: int) -> Installation:
    """Return a migrated database with one provider whose clients are all invited."""
    pem, secret = shared_secrets()
    ctx = open_context(Settings(db_url=db_url, data_dir=folder / "seed", signing_key=pem,
                                link_secret=secret, base_url="http://survey.test"))
    upgrade(ctx.engine)
    provider = make_provider(ctx)
    for number in range(clients):
        make_client(ctx, provider, f"用户单位{number:03d}", years={YEAR: 10000})
    open_campaign(ctx, provider, YEAR)
    env = {"STAR_SURVEY_DB": db_url, "STAR_SURVEY_SIGNING_KEY": pem,
           "STAR_SURVEY_LINK_SECRET": secret}
    return Installation(ctx, env, provider, [str(link["url"]) for link in links(ctx, provider, YEAR)])


def server_env(installation: Installation, folder: Path, base: str) -> dict[str, str]:
    """Return one app server's environment: shared secrets and database, its own data dir."""
    folder.mkdir(parents=True, exist_ok=True)
    return {**installation.env, "STAR_SURVEY_DATA_DIR": str(folder), "STAR_SURVEY_BASE_URL": base}


@contextmanager
def served_installation(folder: Path, clients: int) -> Iterator[dict[str, Any]]:
    """Yield a running app over a fresh installation: installation, base, port, client urls."""
    from tests.browser_support import free_port, running_app

    installation = install(f"sqlite:///{folder / 'survey.db'}", folder, clients)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running_app(server_env(installation, folder / "server", base), port=port):
        yield {"installation": installation, "base": base, "port": port,
               "urls": [u.replace("http://survey.test", base) for u in installation.urls]}
    installation.ctx.engine.dispose()


def score_button(page: Any, no: int, score: int) -> Any:
    """Return the tap target of one score of one item (a pill button)."""
    return page.locator(f".st-key-form_w_item{no}").get_by_role("radio", name=str(score),
                                                                 exact=True)


def tap_score(page: Any, no: int, score: int) -> None:
    """Tap a score and wait until the page shows it chosen."""
    button = score_button(page, no, score)
    if button.get_attribute("aria-checked") != "true":  # a tap on the chosen one clears it
        button.tap() if _is_touch(page) else button.click()
    page.locator(f".st-key-form_w_item{no} [role=radio][aria-checked=true]").filter(
        has_text=str(score)).wait_for(timeout=60000)


def _is_touch(page: Any) -> bool:
    """Return True when the page was opened with touch (has_touch=True)."""
    return bool(page.evaluate("() => navigator.maxTouchPoints > 0"))


def open_form(page: Any, url: str) -> None:
    """Navigate to a link and wait until the form's first score can be tapped (after hand-over)."""
    page.goto(url)
    score_button(page, 1, 0).wait_for(timeout=60000)
    page.locator("#ss-first").wait_for(state="detached", timeout=60000)


def sign(page: Any) -> None:
    """Draw a signature on the canvas and wait until the server has it."""
    canvas = page.locator("canvas.upper-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, y = box["x"], box["y"]
    page.mouse.move(x + 30, y + 100)
    page.mouse.down()
    for dx, dy in ((70, 40), (110, 110), (160, 50), (220, 120), (270, 60)):
        page.mouse.move(x + dx, y + dy, steps=6)
    page.mouse.up()
    page.get_by_text(tr("form_signed")).wait_for(timeout=60000)


def fill_and_submit(page: Any, url: str, signer: str) -> None:
    """Open a link, fill Table A.1, sign, confirm, and wait for the saved message."""
    open_form(page, url)
    for item, score in zip(ITEMS, SCORES, strict=True):
        tap_score(page, item.no, score)
    page.get_by_label(tr("form_signer_name")).fill(signer)
    page.get_by_label(tr("form_signer_name")).press("Tab")
    sign(page)
    page.get_by_role("button", name=tr("form_review")).click()
    page.get_by_role("button", name=tr("form_confirm")).click()
    page.get_by_text(tr("form_saved")).wait_for(timeout=120000)
