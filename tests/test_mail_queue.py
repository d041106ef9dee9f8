"""Sending waves through a real SMTP server: one message per client, retries, the send log."""

from __future__ import annotations

import dataclasses
import io
import re
import threading
from datetime import timedelta
from typing import Any

import pytest
from PIL import Image
from pyzbar.pyzbar import decode
from sqlmodel import select

from surveys.access import SYSTEM, Actor
from surveys.anchor_queries import as_utc
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.errors import PermissionDenied
from surveys.invitations import resolve_token
from surveys.mail_queue import retry_failed, send_due
from surveys.mailer import MailNotConfigured
from surveys.models import AuditEntry, MailAttempt, WaveRecipient, utcnow
from surveys.send_log import send_log, wave_progress, wave_recipients
from surveys.waves import create_wave
from tests.browser_support import free_port
from tests.factories import submit
from tests.outreach_support import YEAR, outreach_campaign
from tests.smtp_support import Received, SmtpServer, smtp_server  # noqa: F401

LINK = re.compile(r"http://survey\.test/\?t=[A-Za-z0-9_-]{22}")


def mail_ctx(ctx: Context, url: str) -> Context:
    """Return the test's context with e-mail pointed at a server."""
    settings = dataclasses.replace(ctx.settings, smtp_url=url, smtp_from="callback@jingan.test")
    mailing = Context(settings=settings, engine=ctx.engine)
    mailing.__dict__["link_secret"] = ctx.link_secret
    return mailing


def wave(ctx: Context, provider_id: int, selection: str = "unanswered",
         actor: Actor = SYSTEM) -> int:
    """Return the id of a new e-mail wave."""
    return run_write(ctx.engine, lambda s: create_wave(
        session=s, actor=actor, provider_id=provider_id, year=YEAR, selection=selection,
        channel="email").id)


def by_recipient(received: list[Received]) -> dict[str, Received]:
    """Return the received messages by their one envelope recipient."""
    assert all(len(r.rcpt_tos) == 1 for r in received)
    return {r.rcpt_tos[0]: r for r in received}


def link_and_qr(received: Received) -> tuple[str, list[str]]:
    """Return the form link in the message's text and what its inline QR code decodes to."""
    text = received.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    [link] = LINK.findall(text)
    [png] = [p.get_content() for p in received.message.walk()
             if p.get_content_type() == "image/png"]
    return link, [code.data.decode() for code in decode(Image.open(io.BytesIO(png)))]


def test_a_wave_sends_each_client_its_own_link(ctx: Context, smtp_server: SmtpServer  # noqa: F811
                                               ) -> None:
    provider_id, ids = outreach_campaign(ctx)
    mailing = mail_ctx(ctx, smtp_server.url)
    first = wave(ctx, provider_id, actor=Actor("clerk", "staff", provider_id))
    report = send_due(mailing)
    assert all("邀请" in r.message["Subject"] for r in smtp_server.handler.received)
    assert (report.sent, report.failed, report.retrying, report.skipped) == (3, 0, 0, 0)
    got = by_recipient(smtp_server.handler.received)
    assert set(got) == {"jia@client.test", "yi@client.test", "bing@client.test"}
    names = {"jia@client.test": "甲医院", "yi@client.test": "乙银行", "bing@client.test": "丙学校"}
    for address, received in got.items():
        assert received.mail_from == "callback@jingan.test"
        assert received.message["To"].addresses[0].addr_spec == address
        link, qr = link_and_qr(received)
        assert qr == [link] and link.startswith("http://survey.test/?t=")
        with read_session(ctx.engine) as s:
            view = resolve_token(session=s, token=link.split("?t=")[1])
        assert view is not None and view.client.name == names[address]
    with read_session(ctx.engine) as s:
        assert wave_progress(session=s, actor=SYSTEM, wave_id=first) == {"sent": 3,
                                                                         "no_address": 1}
        log = send_log(session=s, actor=SYSTEM, provider_id=provider_id, year=YEAR)
    assert sorted((e.client, e.address, e.outcome, e.triggered_by, e.wave_id) for e in log) == \
        sorted((names[a], a, "sent", "clerk", first) for a in names)
    assert send_due(mailing).sent == 0  # nothing is sent twice

    submit(ctx, provider_id, YEAR, ids["甲医院"], 95)
    smtp_server.handler.received.clear()
    second = wave(ctx, provider_id)
    assert send_due(mailing).sent == 2
    assert set(by_recipient(smtp_server.handler.received)) == {"yi@client.test",
                                                               "bing@client.test"}
    assert "提醒" in smtp_server.handler.received[0].message["Subject"]  # the second wave reminds
    with read_session(ctx.engine) as s:
        assert {r.client for r in wave_recipients(session=s, actor=SYSTEM, wave_id=second)} == {
            "乙银行", "丙学校", "丁商场"}


def test_transient_refusals_are_retried_with_backoff(ctx: Context,
                                                     smtp_server: SmtpServer) -> None:  # noqa: F811
    provider_id, _ids = outreach_campaign(ctx)
    mailing = mail_ctx(ctx, smtp_server.url)
    smtp_server.handler.refuse = {"yi@client.test": ["451 4.3.0 try later", "452 full"],
                                  "bing@client.test": ["550 5.1.1 no such user"]}
    wave_id = wave(ctx, provider_id, "not_opened")
    start = utcnow()
    first = send_due(mailing, now=start, backoff=(60, 300))
    assert (first.sent, first.failed, first.retrying) == (1, 1, 1)
    assert send_due(mailing, now=start + timedelta(seconds=30)).sent == 0  # not due yet
    second = send_due(mailing, now=start + timedelta(seconds=61), backoff=(60, 300))
    assert (second.sent, second.retrying) == (0, 1)
    with read_session(ctx.engine) as s:
        yi = s.exec(select(WaveRecipient).where(WaveRecipient.address == "yi@client.test")).one()
    assert yi.next_attempt_at is not None
    assert as_utc(yi.next_attempt_at) - (start + timedelta(seconds=61)) == timedelta(seconds=300)
    assert "452 full" in yi.last_error
    assert send_due(mailing, now=start + timedelta(seconds=400)).sent == 1
    with read_session(ctx.engine) as s:
        rows = {r.address: (r.status, r.attempts, r.last_error.split(": ")[-1][:3])
                for r in wave_recipients(session=s, actor=SYSTEM, wave_id=wave_id)}
        log = [(e.address, e.outcome, e.error.split(": ")[-1][:3]) for e in reversed(
            send_log(session=s, actor=SYSTEM, provider_id=provider_id))]
    assert rows["yi@client.test"] == ("sent", 3, "")
    assert rows["bing@client.test"] == ("failed", 1, "550")
    assert [entry for entry in log if entry[0] == "yi@client.test"] == [
        ("yi@client.test", "failed", "451"), ("yi@client.test", "failed", "452"),
        ("yi@client.test", "sent", "")]
    assert sorted(a for a, *_ in [r.rcpt_tos for r in smtp_server.handler.received]) == [
        "jia@client.test", "yi@client.test"]

    queued = run_write(ctx.engine, lambda s: retry_failed(
        session=s, actor=Actor("clerk", "staff", provider_id), wave_id=wave_id))
    assert queued == 1
    with read_session(ctx.engine) as s:
        [audit] = s.exec(select(AuditEntry).where(AuditEntry.action == "wave_retry")).all()
    assert audit.username == "clerk" and audit.provider_id == provider_id
    assert send_due(mailing).sent == 1  # the server's reply list is used up: accepted now
    with read_session(ctx.engine) as s:
        last = send_log(session=s, actor=SYSTEM, provider_id=provider_id)[0]
    assert (last.address, last.outcome, last.triggered_by) == ("bing@client.test", "sent", "clerk")


def test_after_the_last_attempt_a_message_fails(ctx: Context,
                                               smtp_server: SmtpServer) -> None:  # noqa: F811
    provider_id, _ids = outreach_campaign(ctx, {"甲医院": "jia@client.test"})
    smtp_server.handler.refuse = {"jia@client.test": ["421 busy"] * 5}
    mailing = mail_ctx(ctx, smtp_server.url)
    wave(ctx, provider_id)
    for _ in range(3):
        assert send_due(mailing, backoff=(0,), max_attempts=3).sent == 0
    with read_session(ctx.engine) as s:
        [row] = s.exec(select(WaveRecipient)).all()
        assert (row.status, row.attempts) == ("failed", 3)
        assert len(s.exec(select(MailAttempt)).all()) == 3


def test_a_client_that_answers_before_the_send_gets_nothing(ctx: Context,
                                                            smtp_server: SmtpServer  # noqa: F811
                                                            ) -> None:
    provider_id, ids = outreach_campaign(ctx, {"甲医院": "jia@client.test", "乙银行": "yi@client.test"})
    wave_id = wave(ctx, provider_id)
    submit(ctx, provider_id, YEAR, ids["甲医院"], 90)
    report = send_due(mail_ctx(ctx, smtp_server.url))
    assert (report.sent, report.skipped) == (1, 1)
    assert [r.rcpt_tos for r in smtp_server.handler.received] == [["yi@client.test"]]
    with read_session(ctx.engine) as s:
        rows = {r.client: (r.status, r.last_error[:3])
                for r in wave_recipients(session=s, actor=SYSTEM, wave_id=wave_id)}
    assert rows == {"甲医院": ("skipped", "已作答"), "乙银行": ("sent", "")}


def test_an_unreachable_server_ends_the_pass_and_keeps_the_rest_queued(ctx: Context) -> None:
    provider_id, _ids = outreach_campaign(ctx)
    wave_id = wave(ctx, provider_id)
    report = send_due(mail_ctx(ctx, f"smtp://127.0.0.1:{free_port()}?timeout=2"))
    assert (report.sent, report.retrying) == (0, 1)
    with read_session(ctx.engine) as s:
        progress = wave_progress(session=s, actor=SYSTEM, wave_id=wave_id)
        [attempt] = s.exec(select(MailAttempt)).all()
    assert progress == {"queued": 3, "no_address": 1}
    assert attempt.outcome == "failed" and "Connection" in attempt.error


def test_two_senders_at_once_send_each_message_once(ctx: Context,
                                                    smtp_server: SmtpServer) -> None:  # noqa: F811
    provider_id, _ids = outreach_campaign(ctx, {f"客户{i:02d}": f"c{i}@client.test"
                                                for i in range(12)})
    wave(ctx, provider_id)
    mailing = mail_ctx(ctx, smtp_server.url)
    reports = []
    threads = [threading.Thread(target=lambda: reports.append(send_due(mailing)))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.sent for r in reports) == 12
    assert sorted(r.rcpt_tos[0] for r in smtp_server.handler.received) == sorted(
        f"c{i}@client.test" for i in range(12))


def test_e_mail_off_is_said_plainly(ctx: Context) -> None:
    with pytest.raises(MailNotConfigured, match="STAR_SURVEY_SMTP_URL"):
        send_due(ctx)


def test_an_unusable_stored_address_fails_alone(ctx: Context, smtp_server: SmtpServer  # noqa: F811
                                                ) -> None:
    provider_id, ids = outreach_campaign(ctx)
    wave_id = wave(ctx, provider_id)

    def corrupt(s: Any) -> None:  # addresses stored before any check (an old import, by hand)
        for name, address in (("甲医院", "bad address@client.test"), ("乙银行", "张三@client.test")):
            row = s.exec(select(WaveRecipient).where(WaveRecipient.client_id == ids[name])).one()
            row.address = address
            s.add(row)
    run_write(ctx.engine, corrupt)
    report = send_due(mail_ctx(ctx, smtp_server.url))
    assert (report.sent, report.failed, report.retrying) == (1, 2, 0)
    assert [r.rcpt_tos for r in smtp_server.handler.received] == [["bing@client.test"]]
    with read_session(ctx.engine) as s:
        rows = {r.client: (r.status, bool(r.last_error))
                for r in wave_recipients(session=s, actor=SYSTEM, wave_id=wave_id)}
    assert rows["甲医院"] == ("failed", True) and rows["乙银行"] == ("failed", True)


def test_staff_of_another_provider_read_no_wave_or_log(ctx: Context) -> None:
    provider_id, _ids = outreach_campaign(ctx)
    wave_id = wave(ctx, provider_id)
    stranger = Actor("stranger", "staff", provider_id + 100)
    with read_session(ctx.engine) as s:
        for read in (lambda: wave_progress(session=s, actor=stranger, wave_id=wave_id),
                     lambda: wave_recipients(session=s, actor=stranger, wave_id=wave_id),
                     lambda: send_log(session=s, actor=stranger, provider_id=provider_id)):
            with pytest.raises(PermissionDenied):
                read()
    with pytest.raises(PermissionDenied):
        run_write(ctx.engine, lambda s: retry_failed(session=s, actor=Actor(
            "assessor", "assessor"), wave_id=wave_id))
