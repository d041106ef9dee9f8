"""The form's first screen (web_first.py) on a 390x844 touch phone: taps before Streamlit loads.

Streamlit's main bundle is held back by the test (a route that answers only when told), so the
phone sees only the first screen, as on a slow network; the taps it takes must reach the form.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from surveys.clock import beijing_today
from surveys.db import read_session
from surveys.drafts import load_draft
from surveys.i18n import tr
from tests.browser_support import require_browser
from tests.form_driver import PHONE, fill_and_submit, open_form, served_installation, tap_score
from web_first import NO_FORM_KEY_JS

pytestmark = pytest.mark.browser
BUNDLE = "**/static/js/index.*.js"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Yield a running app with five invited clients."""
    require_browser()
    with served_installation(tmp_path_factory.mktemp("first"), 5) as served:
        yield served


@pytest.fixture()
def phone(browser: Any) -> Iterator[Any]:
    """Yield a fresh 390x844 touch context (its own cookies and sessionStorage)."""
    context = browser.new_context(**PHONE)
    yield context
    context.close()


def held_page(context: Any) -> tuple[Any, list[Any]]:
    """Return a page whose requests for Streamlit's main bundle wait, and the held requests."""
    page = context.new_page()
    held: list[Any] = []
    page.route(BUNDLE, lambda route: held.append(route))
    return page, held


def release(page: Any, held: list[Any], pattern: str = BUNDLE) -> None:
    """Let the held requests (Streamlit's main bundle) through; the form loads and takes over."""
    page.unroute(pattern)
    for route in held:
        try:
            route.continue_()
        except Exception:  # noqa: BLE001  (a request of a document the page already left)
            pass


def first(page: Any, no: int, score: int) -> Any:
    """Return a score button of the first screen."""
    return page.locator(f"#ss-first [data-item='{no}'] [data-score='{score}']")


def first_chosen(page: Any) -> dict[int, str]:
    """Return the scores the first screen shows as chosen, by item."""
    found = page.evaluate("() => [...document.querySelectorAll('#ss-first [aria-checked=true]')]"
                          ".map(b => [b.closest('[data-item]').dataset.item, b.textContent])")
    return {int(no): text for no, text in found}


def form_chosen(page: Any) -> dict[int, str]:
    """Return the scores Streamlit's form shows as chosen, by item."""
    found = page.evaluate(
        "() => [...document.querySelectorAll('[class*=st-key-form_w_item] [aria-checked=true]')]"
        ".map(b => [b.closest('[class*=st-key-form_w_item]').className"
        ".match(/form_w_item(\\d)/)[1], b.textContent.trim()])")
    return {int(no): text for no, text in found}


def wait_chosen(page: Any, wanted: dict[int, str]) -> dict[int, str]:
    """Return the form's chosen scores once they are `wanted` (or after 30 s, as they are).

    While a rerun shifts the layout Streamlit shows a row twice for a moment (the stale one and
    the new one), so this reads all rows rather than one strict locator.
    """
    deadline = time.monotonic() + 30
    while (found := form_chosen(page)) != wanted and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    return found


def draft_scores(app: dict[str, Any], url: str, wanted: dict[int, int]) -> dict[int, Any]:
    """Return the kept draft's scores once they hold `wanted` (or after 30 s, as they are)."""
    token = re.search(r"[?&]t=([^&]+)", url).group(1)  # type: ignore[union-attr]
    deadline = time.monotonic() + 30
    while True:
        with read_session(app["installation"].ctx.engine) as s:
            draft = load_draft(session=s, token=token, today=beijing_today())
        scores = {no: (draft.fields.get(f"item{no}") if draft else None) for no in range(1, 10)}
        if all(scores[no] == v for no, v in wanted.items()) or time.monotonic() > deadline:
            return scores
        time.sleep(0.2)


def test_scores_tapped_before_the_form_loads_reach_the_form(app: dict[str, Any],
                                                            phone: Any) -> None:
    url = app["urls"][0]
    page, held = held_page(phone)
    page.goto(url, wait_until="commit")
    first(page, 1, 8).tap()
    first(page, 2, 3).tap()
    first(page, 2, 3).tap()  # a second tap on the chosen score clears it
    assert first_chosen(page) == {1: "8"}
    assert page.locator("#ss-first").get_attribute("lang") == "zh-CN"
    assert page.title() == tr("app_title")
    assert not re.findall(r"[A-Za-z]{2,}", page.locator("#ss-first").inner_text())

    page.reload(wait_until="commit")  # still before the form: the taps are kept in the page
    page.locator("#ss-first [aria-checked=true]").wait_for()
    assert first_chosen(page) == {1: "8"}
    first(page, 6, 9).tap()  # below the fold: the first screen scrolls to it
    assert first_chosen(page) == {1: "8", 6: "9"}
    box = first(page, 6, 9).bounding_box()
    assert 0 < box["y"] < 844
    release(page, held)

    page.locator("#ss-first").wait_for(state="detached", timeout=60000)
    assert wait_chosen(page, {1: "8", 6: "9"}) == {1: "8", 6: "9"}
    moved = page.locator(".st-key-form_w_item6").get_by_role("radio", name="9").first.bounding_box()
    assert abs(moved["y"] - box["y"]) < 60  # the row last tapped stays where it was
    assert page.evaluate("() => [...document.styleSheets].some("  # Streamlit's, preloaded
                         "(s) => (s.href || '').includes('/static/css/index.'))")
    scores = draft_scores(app, url, {1: 8, 6: 9})
    assert scores == {1: 8, 2: None, 3: None, 4: None, 5: None, 6: 9, 7: None, 8: None, 9: None}

    page.reload()  # the form's own draft now holds them; the first screen's copy is gone
    page.locator("#ss-first").wait_for(state="detached", timeout=60000)
    assert wait_chosen(page, {1: "8", 6: "9"}) == {1: "8", 6: "9"}


def test_a_first_screen_tap_overrides_only_its_own_item_of_the_draft(app: dict[str, Any],
                                                                     browser: Any) -> None:
    url = app["urls"][1]
    earlier = browser.new_context(**PHONE)
    page = earlier.new_page()
    open_form(page, url)
    tap_score(page, 1, 5)
    tap_score(page, 2, 3)
    assert draft_scores(app, url, {1: 5, 2: 3})[2] == 3
    earlier.close()

    later = browser.new_context(**PHONE)  # another phone, or the tab WeChat killed
    page, held = held_page(later)
    page.goto(url, wait_until="commit")
    first(page, 1, 9).tap()
    first(page, 2, 3).tap()
    first(page, 2, 3).tap()  # chosen and cleared here: the draft's score of item 2 stays
    assert first_chosen(page) == {1: "9"}
    release(page, held)
    page.locator("#ss-first").wait_for(state="detached", timeout=60000)
    assert wait_chosen(page, {1: "9", 2: "3"}) == {1: "9", 2: "3"}
    scores = draft_scores(app, url, {1: 9})
    assert (scores[1], scores[2]) == (9, 3)
    later.close()


def test_a_link_with_no_form_to_fill_drops_the_first_screen(app: dict[str, Any],
                                                            phone: Any) -> None:
    base = app["urls"][0].split("/?")[0]
    page, held = held_page(phone)
    page.goto(f"{base}/?t=not-a-real-token", wait_until="commit")
    first(page, 1, 7).tap()
    release(page, held)
    page.get_by_text(tr("invalid_link")).wait_for(timeout=60000)
    page.locator("#ss-first").wait_for(state="detached", timeout=60000)


def test_the_first_screen_speaks_the_links_language(app: dict[str, Any], phone: Any) -> None:
    page, held = held_page(phone)
    page.goto(app["urls"][2] + "&lang=en", wait_until="commit")
    first(page, 9, 15).wait_for()
    screen = page.locator("#ss-first")
    assert screen.get_attribute("lang") == "en" and page.title() == tr("app_title", "en")
    assert tr("form_title", "en") in screen.inner_text()
    assert "Keeping service commitments" in screen.inner_text()
    release(page, held)
    page.locator("#ss-first").wait_for(state="detached", timeout=60000)


def test_taps_wait_for_score_buttons_that_arrive_late(app: dict[str, Any], phone: Any) -> None:
    url = app["urls"][3]
    page = phone.new_page()
    held: list[Any] = []
    late = "**/static/js/ButtonGroup.*.js"  # the pills' code: the run ends, the rows wait
    page.route(late, lambda route: held.append(route))
    page.goto(url, wait_until="commit")
    first(page, 1, 8).focus()
    page.keyboard.press("Space")  # the keyboard works on the first screen too
    first(page, 6, 9).tap()
    page.locator("[data-test-script-state=notRunning]").wait_for(state="attached", timeout=60000)
    page.wait_for_timeout(2500)  # over the second after which a page without rows drops it
    assert first_chosen(page) == {1: "8", 6: "9"}
    release(page, held, late)
    page.locator("#ss-first").wait_for(state="detached", timeout=60000)
    assert wait_chosen(page, {1: "8", 6: "9"}) == {1: "8", 6: "9"}
    focused = page.evaluate("() => [document.activeElement.textContent.trim(), "
                            "!!document.activeElement.closest('.st-key-form_w_item6')]")
    assert focused == ["9", True]  # the focus moves to the same button of the form
    assert draft_scores(app, url, {1: 8, 6: 9})[6] == 9


def rows_shown(page: Any) -> bool:
    """Return True when the first screen shows its score rows."""
    return bool(first(page, 1, 7).is_visible())


def test_a_link_that_showed_a_receipt_opens_without_score_rows(app: dict[str, Any],
                                                               phone: Any) -> None:
    url = app["urls"][4]
    page = phone.new_page()
    fill_and_submit(page, url, "王五")  # the page now shows the receipt
    page.close()

    page, held = held_page(phone)  # the client opens the link again to see the receipt
    page.goto(url, wait_until="commit")
    page.get_by_text(tr("form_first_opening")).wait_for()
    assert not rows_shown(page)  # no empty form that a receipt then replaces
    assert not page.get_by_text(tr("form_first_loading")).is_visible()
    release(page, held)
    page.get_by_role("button", name=tr("form_correct")).wait_for(timeout=60000)
    page.locator("#ss-first").wait_for(state="detached", timeout=60000)


def test_a_link_whose_form_comes_back_shows_the_rows_again(app: dict[str, Any],
                                                           phone: Any) -> None:
    url = app["urls"][2]
    page = phone.new_page()
    open_form(page, url)
    page.evaluate(f"() => localStorage.setItem({NO_FORM_KEY_JS}, '1')")  # as if it showed none
    page.close()

    page, held = held_page(phone)
    page.goto(url, wait_until="commit")
    page.get_by_text(tr("form_first_opening")).wait_for()
    assert not rows_shown(page)
    release(page, held)
    page.locator("#ss-first").wait_for(state="detached", timeout=60000)
    tap_score(page, 3, 7)  # the form is there and takes taps
    assert page.evaluate(f"() => localStorage.getItem({NO_FORM_KEY_JS})") is None
    page.close()

    page, held = held_page(phone)
    page.goto(url, wait_until="commit")
    first(page, 1, 7).wait_for()  # the rows are back for the next open
    assert rows_shown(page)
    release(page, held)
    page.locator("#ss-first").wait_for(state="detached", timeout=60000)


def test_arrow_keys_move_along_a_row_of_the_first_screen(app: dict[str, Any], phone: Any) -> None:
    page, held = held_page(phone)
    page.goto(app["urls"][3], wait_until="commit")
    first(page, 2, 0).focus()
    focused = "() => [document.activeElement.closest('[data-item]').dataset.item, " \
              "document.activeElement.dataset.score]"
    page.keyboard.press("ArrowRight")
    assert page.evaluate(focused) == ["2", "1"]
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")  # from the first score to the last, as radio groups do
    assert page.evaluate(focused) == ["2", "5"]  # item 2's maximum is 5
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Space")
    assert first_chosen(page) == {2: "4"}
    page.keyboard.press("Tab")  # one stop per row, as in a radio group: on to the next item
    assert page.evaluate(focused) == ["3", "0"]
    page.keyboard.press("Shift+Tab")  # back to the row's chosen score
    assert page.evaluate(focused) == ["2", "4"]
    release(page, held)
    page.locator("#ss-first").wait_for(state="detached", timeout=60000)

