"""Previews and printed waves: the messages and links a wave carries, for writers only."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from typing import Any

import pytest

from surveys.access import SYSTEM, Actor
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.errors import PermissionDenied
from surveys.invitations import resolve_token
from surveys.letters import letters_pdf
from surveys.wave_preview import listed_clients, preview_wave, wave_letters
from surveys.waves import create_wave
from tests.factories import submit
from tests.outreach_support import YEAR, open_link, outreach_campaign

BASE = "http://survey.test"


LINK = re.compile(r"http://survey\.test/\?t=[A-Za-z0-9_-]{22}")


def test_preview_shows_whom_and_what_before_anything_is_sent(ctx: Context) -> None:
    provider_id, ids = outreach_campaign(ctx)
    submit(ctx, provider_id, YEAR, ids["甲医院"], 90)
    with read_session(ctx.engine) as s:
        preview = preview_wave(session=s, actor=SYSTEM, secret=ctx.link_secret, base_url=BASE,
                               provider_id=provider_id, year=YEAR, selection="unanswered")
        assert not preview.reminder
        assert sorted(c.client for c in preview.chosen) == sorted(["乙银行", "丙学校", "丁商场"])
        for candidate, content in preview.messages:
            [link] = LINK.findall(content.text)
            view = resolve_token(session=s, token=link.split("?t=")[1])
            assert view is not None and view.client.id == candidate.client_id
            assert "邀请" in content.subject
    run_write(ctx.engine, lambda s: create_wave(session=s, actor=SYSTEM, provider_id=provider_id,
                                                year=YEAR, selection="unanswered", channel="email"))
    with read_session(ctx.engine) as s:
        again = preview_wave(session=s, actor=SYSTEM, secret=ctx.link_secret, base_url=BASE,
                             provider_id=provider_id, year=YEAR, selection="unanswered")
    assert again.reminder and "提醒" in again.messages[0][1].subject


def test_a_printed_wave_lists_contacts_and_links(ctx: Context) -> None:
    provider_id, ids = outreach_campaign(ctx)
    open_link(ctx, ids["丁商场"])
    wave_id = run_write(ctx.engine, lambda s: create_wave(
        session=s, actor=SYSTEM, provider_id=provider_id, year=YEAR, selection="not_opened",
        channel="print").id)
    with read_session(ctx.engine) as s:
        listed = listed_clients(session=s, actor=SYSTEM, secret=ctx.link_secret, base_url=BASE,
                                wave_id=wave_id)
        assert sorted(row.client for row in listed) == sorted(["甲医院", "乙银行", "丙学校"])
        for row in listed:
            view = resolve_token(session=s, token=row.url.split("?t=")[1])
            assert view is not None and view.client.name == row.client
            assert row.phone == "13800000000" and row.state == "not_opened"


def test_readers_may_not_see_the_links(ctx: Context) -> None:
    provider_id, _ids = outreach_campaign(ctx)
    wave_id = run_write(ctx.engine, lambda s: create_wave(
        session=s, actor=SYSTEM, provider_id=provider_id, year=YEAR, selection="unanswered",
        channel="print").id)
    assessor = Actor("assessor", "assessor")
    with read_session(ctx.engine) as s:
        with pytest.raises(PermissionDenied):
            preview_wave(session=s, actor=assessor, secret=ctx.link_secret, base_url=BASE,
                         provider_id=provider_id, year=YEAR, selection="unanswered")
        with pytest.raises(PermissionDenied):
            listed_clients(session=s, actor=assessor, secret=ctx.link_secret, base_url=BASE,
                           wave_id=wave_id)


def test_a_printed_wave_gives_letters_to_those_still_owing(ctx: Context, tmp_path: Any) -> None:
    provider_id, ids = outreach_campaign(ctx)
    open_link(ctx, ids["丁商场"])
    wave_id = run_write(ctx.engine, lambda s: create_wave(
        session=s, actor=SYSTEM, provider_id=provider_id, year=YEAR, selection="not_opened",
        channel="print").id)
    submit(ctx, provider_id, YEAR, ids["甲医院"], 90)  # answers after the wave started
    with read_session(ctx.engine) as s:
        letters = wave_letters(session=s, actor=SYSTEM, secret=ctx.link_secret, base_url=BASE,
                               wave_id=wave_id)
        listed = {r.client: (r.state, bool(r.url)) for r in listed_clients(
            session=s, actor=SYSTEM, secret=ctx.link_secret, base_url=BASE, wave_id=wave_id)}
        with pytest.raises(PermissionDenied):
            wave_letters(session=s, actor=Actor("assessor", "assessor"), secret=ctx.link_secret,
                         base_url=BASE, wave_id=wave_id)
    assert sorted(letter.client for letter in letters) == sorted(["乙银行", "丙学校"])
    assert listed["甲医院"] == ("answered", False) and listed["乙银行"] == ("not_opened", True)
    pdf = tmp_path / "letters.pdf"
    pdf.write_bytes(letters_pdf(letters, today=date(2026, 11, 30)))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "乙银行" in text and "丙学校" in text and "甲医院" not in text and "丁商场" not in text
