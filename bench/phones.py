"""Protocol-level phones for the client form: each one a Streamlit session without a browser.

A phone's form is filled the way a reload finds it: `keep_drafts` stores each link's draft
(tests/form_driver.SCORES, a signer's name, a drawn-looking signature trimmed as the pad's
would be) through `surveys.drafts.save_draft`, and the form restores it when the session starts
(`pages/client_form.start_form`). Then a `Phone` opens the link, presses 检查并提交 and
确认提交 with the BackMsgs the frontend sends for those presses, and times the receipt.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import time
from contextlib import AsyncExitStack
from typing import Any

import numpy as np
from PIL import Image

from bench.st_client import Run, StSession, json_state, trigger

STROKES = ('{"version":"4.4.0","objects":[{"type":"path","stroke":"#111111","strokeWidth":3,'
           '"path":[["M",30,100],["Q",70,40,110,110],["Q",160,50,220,120],["L",270,60]]}]}')


def token_of(url: str) -> str:
    """Return the token of an invitation link."""
    return url.split("?t=", 1)[1].split("&", 1)[0]


def pad_image(seed: int) -> bytes:
    """Return the whole pad as the canvas sends it: a 340 x 170 PNG, a pen scribble on white."""
    from surveys.demo import signature_png

    pad = Image.new("RGBA", (340, 170), (255, 255, 255, 255))
    with Image.open(io.BytesIO(signature_png("", seed))) as scribble:
        ink = scribble.convert("RGBA").resize((320, 110))
        pad.alpha_composite(ink, (10, 30))
    buffer = io.BytesIO()
    pad.save(buffer, format="PNG")
    return buffer.getvalue()


def pad_png(seed: int) -> bytes:
    """Return the signature as the form keeps it: the pad's image trimmed to its strokes."""
    from surveys.signature import trim_signature

    with Image.open(io.BytesIO(pad_image(seed))) as image:
        png = trim_signature(np.asarray(image))
    assert png is not None
    return png


def pad_value(seed: int) -> dict[str, Any]:
    """Return the value the signature pad sends once drawn on: its strokes and its image."""
    data = "data:image/png;base64," + base64.b64encode(pad_image(seed)).decode()
    return {"drawing": {"raw": json.loads(STROKES), "data": data}}


def keep_drafts(ctx: Any, urls: list[str], signer: str) -> list[str]:
    """Return the links' tokens after storing each one's filled-in, signed draft (signer + n)."""
    from surveys.clock import beijing_today
    from surveys.db import run_write
    from surveys.drafts import Draft, save_draft
    from surveys.form_a1 import ITEMS
    from tests.form_driver import SCORES

    tokens = [token_of(url) for url in urls]
    for number, token in enumerate(tokens):
        fields: dict[str, Any] = {f"item{i.no}": s for i, s in zip(ITEMS, SCORES, strict=True)}
        fields.update(signer_name=f"{signer}{number}", base_id=None, correcting=False)
        draft = Draft(fields=fields, signature_json=STROKES, signature_png=pad_png(number))

        def keep(session: Any, token: str = token, draft: Draft = draft) -> bool:
            return save_draft(session=session, token=token, draft=draft, today=beijing_today())

        assert run_write(ctx.engine, keep), f"the link {number} takes no draft"
    return tokens


class Phone:
    """One client's phone on the form, speaking Streamlit's protocol (use `async with`)."""

    def __init__(self, base: str, token: str, seed: int = 0) -> None:
        self.query = f"t={token}"
        self.seed = seed  # which scribble its pad holds
        self.session = StSession(base, f"/?{self.query}")

    async def __aenter__(self) -> Phone:
        """Return the phone with its websocket open (page and health loaded as a browser does)."""
        await self.session.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Close the phone's websocket."""
        await self.session.__aexit__(*exc)

    @property
    def last(self) -> Run:
        """Return the phone's last run."""
        return self.session.last

    async def open(self) -> Run:
        """Return the first run of the link (the draft restored, the review button shown)."""
        from surveys.i18n import tr

        run = await self.session.rerun(self.query)
        run.widget_id(label=tr("form_review"))  # KeyError when the form is not there
        return run

    async def review(self) -> Run:
        """Return the run after pressing 检查并提交 (the confirm button shown).

        The pad's value goes with the press, as a browser's does once the client has drawn.
        """
        from surveys.i18n import tr

        button = self.last.widget_id(label=tr("form_review"))
        pad = json_state(self.last.widget_id(kind="bidi_component"), pad_value(self.seed))
        run = await self.session.rerun(self.query, [pad, trigger(button)])
        if not any(tr("form_confirm") == text for text in run.texts):
            raise AssertionError(f"no confirmation after review: {run.texts}")
        return run

    async def confirm(self) -> float:
        """Return seconds from the confirm BackMsg leaving to the receipt's message arriving."""
        from surveys.i18n import tr

        button = self.last.widget_id(label=tr("form_confirm"))
        run = await self.session.rerun(self.query, [trigger(button)], marker=tr("form_saved"))
        if run.marked is None:
            raise AssertionError(f"no receipt after confirming: {run.texts}")
        return run.marked


async def _ready(phone: Phone) -> None:
    """Open the phone's link and press 检查并提交, leaving it one tap from confirming."""
    await phone.open()
    await phone.review()


async def burst(base: str, tokens: list[str], group: int = 10) -> tuple[list[float], float, float]:
    """Return (each phone's seconds to receipt when all confirm at once, the first link's alone,
    this process's CPU seconds during the burst: what the phones themselves cost).

    The first link confirms alone on an idle server; the others are made ready `group` at a
    time, then all of them send their confirm BackMsg from one event loop at the same moment.
    """
    async with Phone(base, tokens[0]) as first:
        await _ready(first)
        alone = await first.confirm()
    async with AsyncExitStack() as stack:
        phones = [await stack.enter_async_context(Phone(base, token, seed=number))
                  for number, token in enumerate(tokens[1:], 1)]
        for start in range(0, len(phones), group):
            await asyncio.gather(*[_ready(phone) for phone in phones[start:start + group]])
        cpu = time.process_time()
        times = await asyncio.gather(*[phone.confirm() for phone in phones])
        cpu = time.process_time() - cpu
    return list(times), alone, cpu
