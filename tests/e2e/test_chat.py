"""The live chat in a real Chromium, through Daphne serving the whole ASGI application (websockets
included): a visitor and a supporter in two browser contexts, on the configured channel layer.

Everything is driven through the browsers: the test's own thread has Playwright's event loop
running, so it calls no chat service that broadcasts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect

from chat.models import Conversation
from tests.chat.conftest import make_supporter
from tests.e2e.conftest import assert_accessible
from tests.factories import signed_in_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _new_page(context: BrowserContext) -> Page:
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def visitor(browser: Browser) -> Iterator[Page]:
    """Anyone: no account, JavaScript on."""
    context = browser.new_context()
    yield _new_page(context)
    context.close()


@pytest.fixture
def supporter(browser: Browser, asgi_server_url: str) -> Iterator[Page]:
    """bob, staff in "Chat supporters", signed in and verified with two-factor, on the console (away)."""
    user = make_supporter("bob@example.org", available=False)
    context = browser.new_context()
    session = signed_in_client(user).cookies["sessionid"].value
    context.add_cookies([{"name": "sessionid", "value": session, "url": asgi_server_url}])
    page = _new_page(context)
    page.goto(f"{asgi_server_url}/staff/chat/")
    yield page
    context.close()


def set_available(supporter: Page) -> None:
    supporter.get_by_role("button", name="Set me as available").click()
    expect(supporter.locator("#availability-status")).to_have_text("You are available.")


def start_chat(visitor: Page, url: str, *, nickname: str = "Sam", safe: str = "Yes") -> None:
    visitor.goto(f"{url}/chat/")
    visitor.get_by_label(safe, exact=True).check()
    visitor.get_by_label("What should we call you?").fill(nickname)
    visitor.get_by_role("button", name="Start chat").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Waiting for a supporter")


def take_next(supporter: Page, *, nickname: str = "Sam") -> None:
    """The console hears of the new chat over its socket, without a reload; then the supporter takes it."""
    expect(supporter.locator("#queue")).to_contain_text(nickname)
    supporter.get_by_role("button", name="Take the next chat").click()
    expect(supporter.get_by_role("heading", level=1)).to_have_text(f"Chat with {nickname}")


def send(page: Page, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send", exact=True).click()


def transcript(page: Page) -> Any:
    return page.locator("#chat-messages")


def connected_chat(visitor: Page, supporter: Page, url: str) -> None:
    """Supporter available, visitor started and taken: both on the chat page, connected."""
    set_available(supporter)
    start_chat(visitor, url)
    take_next(supporter)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Chat with a supporter")


# --- The whole journey ---


def test_visitor_and_supporter_talk_both_ways_with_typing_hints(
    visitor: Page, supporter: Page, asgi_server_url: str, axe: Axe
) -> None:
    url = asgi_server_url
    assert_accessible(axe, supporter)  # the console, away
    set_available(supporter)

    visitor.goto(f"{url}/chat/")
    assert_accessible(axe, visitor)
    # The pre-chat form refuses to start without an answer, with a linked error summary.
    visitor.get_by_role("button", name="Start chat").click()
    expect(visitor.get_by_role("alert")).to_contain_text("Select whether it is safe for you to chat now")
    assert_accessible(axe, visitor)

    start_chat(visitor, url)
    expect(visitor.locator("#queue-position")).to_have_text("number 1")
    expect(visitor.locator("#queue-wait")).to_contain_text("About a minute")
    assert_accessible(axe, visitor)

    # The console shows the queue live, then the supporter takes the chat.
    take_next(supporter)
    assert_accessible(axe, supporter)
    # The visitor's waiting page moves to the chat by itself.
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Chat with a supporter")
    # A neutral tab title on every chat page.
    assert visitor.title() == visitor.evaluate("document.body.dataset.neutralTitle")
    assert_accessible(axe, visitor)

    # The supporter types: the visitor sees the hint; then the message arrives and the hint goes.
    supporter.get_by_label("Your message").press_sequentially("Hello Sam")
    expect(visitor.get_by_text("The supporter is typing…")).to_be_visible()
    supporter.get_by_role("button", name="Send", exact=True).click()
    expect(visitor.locator("#chat-messages li", has_text="Hello Sam").locator(".app-chat__who")).to_have_text(
        "Supporter:"
    )
    expect(visitor.get_by_text("The supporter is typing…")).to_be_hidden()

    # The visitor types and answers.
    visitor.get_by_label("Your message").press_sequentially("Hi, thank you")
    expect(supporter.get_by_text("Sam is typing…")).to_be_visible()
    visitor.get_by_role("button", name="Send", exact=True).click()
    expect(supporter.locator("#chat-messages li", has_text="Hi, thank you").locator(".app-chat__who")).to_have_text(
        "Sam:"
    )
    expect(visitor.locator("#chat-messages li", has_text="Hi, thank you").locator(".app-chat__who")).to_have_text(
        "You:"
    )
    # The message box is emptied and keeps the focus, ready for the next message.
    expect(visitor.get_by_label("Your message")).to_have_value("")
    expect(visitor.get_by_label("Your message")).to_be_focused()

    # Stored once each, in order, on the server.
    conversation = Conversation.objects.get()
    assert [(m.sender, m.text) for m in conversation.messages.order_by("seq")] == [
        ("system", "A supporter has joined the chat."),
        ("supporter", "Hello Sam"),
        ("visitor", "Hi, thank you"),
    ]
    assert_accessible(axe, visitor)
    assert_accessible(axe, supporter)
