"""One client's e-mail: text and HTML alternatives, the QR inline by content id, stored text inert."""

from __future__ import annotations

import dataclasses
import io
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage

from PIL import Image
from pyzbar.pyzbar import decode

from surveys.mail_message import MailFacts, build_message, mail_content

URL = "https://survey.example.cn/?t=AAAAAAAAAAAAAAAAAAAAAA"
HOSTILE = '<b>粗体</b><img src=x onerror="alert(1)">&amp;'


def facts(client: str = "北京市第一人民医院", reminder: bool = False) -> MailFacts:
    """Return the facts of a message to one client."""
    return MailFacts(provider="京安技防", provider_manager="王经理", provider_phone="010-12345678",
                     client=client, year=2026,
                     closes=date(2026, 12, 31), url=URL, reminder=reminder)


def parsed(message: EmailMessage) -> EmailMessage:
    """Return the message as a mail client would read it from the wire."""
    return message_from_bytes(message.as_bytes(), policy=policy.default)  # type: ignore[return-value]


def test_message_has_text_html_and_the_qr_inline() -> None:
    message = parsed(build_message(facts(), sender="noreply@jingan.test", to="a@client.test"))
    assert message["To"].addresses[0].addr_spec == "a@client.test"
    assert message["From"].addresses[0].display_name == "京安技防"
    assert "2026" in message["Subject"] and "京安技防" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert URL in body and "2026年12月31日" in body and "010-12345678" in body
    images = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert len(images) == 1
    cid = images[0]["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html
    assert images[0].get_content_disposition() == "inline"
    png = images[0].get_content()
    assert [code.data.decode() for code in decode(Image.open(io.BytesIO(png)))] == [URL]


def test_reminder_says_it_is_a_reminder() -> None:
    assert "提醒" in mail_content(facts(reminder=True)).subject
    assert "尚未完成" in mail_content(facts(reminder=True)).text
    assert "尚未完成" not in mail_content(facts()).text


def test_stored_text_is_never_markup_in_the_html() -> None:
    content = mail_content(facts(client=HOSTILE))
    assert "<b>" not in content.html and "onerror=\"" not in content.html
    assert "&lt;b&gt;粗体&lt;/b&gt;" in content.html
    assert HOSTILE in content.text  # the plain text keeps every character as stored


def test_a_link_too_long_for_a_text_message_still_makes_an_e_mail() -> None:
    long_url = "https://survey." + "x" * 150 + ".example.cn/?t=AAAAAAAAAAAAAAAAAAAAAA"
    content = mail_content(dataclasses.replace(facts(), url=long_url))
    assert long_url in content.text and f'href="{long_url}"' in content.html


def test_the_qr_comes_after_the_words_that_point_down_to_it() -> None:
    html = mail_content(facts(), cid="qr1").html
    assert html.index("扫描下面的二维码") < html.index('src="cid:qr1"')
    assert html.index(f'href="{URL}"') < html.index("扫描下面的二维码")
