"""The live chat in a real Chromium, through Daphne serving the whole ASGI application (websockets
included): a visitor and a supporter in two browser contexts, on the configured channel layer.

Everything is driven through the browsers: the test's own thread has Playwright's event loop
running, so it calls no chat service that broadcasts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, WebSocketRoute, expect

from chat.models import CHAT_SUPERVISORS_GROUP, Conversation, EndReason
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

    # An empty message goes to the server as a plain form, which says what is wrong.
    visitor.get_by_role("button", name="Send", exact=True).click()
    expect(visitor.get_by_role("alert")).to_contain_text("Write a message before sending")
    assert_accessible(axe, visitor)

    # Stored once each, in order, on the server.
    conversation = Conversation.objects.get()
    assert [(m.sender, m.text) for m in conversation.messages.order_by("seq")] == [
        ("system", "A supporter has joined the chat."),
        ("supporter", "Hello Sam"),
        ("visitor", "Hi, thank you"),
    ]
    assert_accessible(axe, visitor)
    assert_accessible(axe, supporter)


def messages_with(page: Page, text: str) -> Any:
    return transcript(page).locator("li", has_text=text)


def test_a_cut_connection_comes_back_by_itself_and_shows_what_was_sent_meanwhile_once(
    visitor: Page, supporter: Page, asgi_server_url: str
) -> None:
    # The visitor's socket runs through Playwright, so the test can cut it and hold it down.
    sockets: list[WebSocketRoute] = []
    network = {"down": False}

    def route(socket: WebSocketRoute) -> None:
        if network["down"]:
            socket.close()
            return
        socket.connect_to_server()
        sockets.append(socket)

    visitor.route_web_socket(re.compile(r"/ws/chat/$"), route)
    connected_chat(visitor, supporter, asgi_server_url)
    send(supporter, "Before the cut")
    expect(messages_with(visitor, "Before the cut")).to_have_count(1)

    network["down"] = True
    connections_before = len(sockets)
    sockets[-1].close()
    expect(visitor.locator("#chat-connection")).to_have_text("Reconnecting… Your messages are safe.")
    send(supporter, "While you were away")
    send(supporter, "And this as well")
    expect(messages_with(supporter, "And this as well")).to_have_count(1)
    visitor.wait_for_timeout(1500)  # at least one more try refused
    expect(messages_with(visitor, "While you were away")).to_have_count(0)

    network["down"] = False
    expect(messages_with(visitor, "While you were away")).to_have_count(1)
    expect(messages_with(visitor, "And this as well")).to_have_count(1)
    expect(visitor.locator("#chat-connection")).to_have_text("")
    assert len(sockets) == connections_before + 1

    # Talking goes on both ways over the new socket, and nothing appears twice.
    send(visitor, "I am back")
    expect(messages_with(supporter, "I am back")).to_have_count(1)
    send(supporter, "Welcome back")
    expect(messages_with(visitor, "Welcome back")).to_have_count(1)
    numbers = transcript(visitor).locator("li").evaluate_all("items => items.map(item => Number(item.dataset.seq))")
    assert numbers == list(range(1, 7))


# --- Leaving ---


def storage_left(page: Page) -> dict[str, Any]:
    return page.evaluate(
        """async () => ({
            local: window.localStorage.length,
            session: window.sessionStorage.length,
            indexed: (await window.indexedDB.databases()).length,
        })"""
    )


def test_quick_exit_ends_the_chat_and_the_supporter_is_told_not_to_contact_them(
    visitor: Page, supporter: Page, asgi_server_url: str, neutral_site: str
) -> None:
    connected_chat(visitor, supporter, asgi_server_url)
    send(visitor, "Someone is coming")
    expect(messages_with(supporter, "Someone is coming")).to_have_count(1)

    visitor.locator("body").press("Shift")
    visitor.locator("body").press("Shift")
    visitor.locator("body").press("Shift")
    visitor.wait_for_url(neutral_site)

    # The supporter's open chat says so at once, without a reload, and so does the page afterwards.
    reason = "Left using quick exit: do not try to contact them"
    expect(supporter.locator("#chat-connection")).to_have_text(reason)
    expect(supporter.locator("#chat-send-form")).to_be_hidden()
    supporter.reload()
    expect(supporter.locator("#chat-ended-reason")).to_contain_text(reason)
    assert Conversation.objects.get().end_reason == EndReason.QUICK_EXIT

    # Nothing of the chat in this browser: going back to the site starts afresh.
    visitor.goto(f"{asgi_server_url}/chat/talk/")
    expect(visitor).to_have_url(f"{asgi_server_url}/chat/")
    assert storage_left(visitor) == {"local": 0, "session": 0, "indexed": 0}


def test_ending_asks_once_then_one_question_and_nothing_is_kept_in_the_browser(
    visitor: Page, supporter: Page, asgi_server_url: str, axe: Axe
) -> None:
    connected_chat(visitor, supporter, asgi_server_url)
    send(visitor, "Thank you for listening")
    expect(messages_with(supporter, "Thank you for listening")).to_have_count(1)
    talk_response = visitor.request.get(f"{asgi_server_url}/chat/talk/")
    assert "no-store" in talk_response.headers["cache-control"]

    # The supporter sends the safe-contact form; the visitor opens it from the chat and comes back.
    supporter.get_by_role("button", name="Send the contact details form").click()
    visitor.get_by_role("link", name="Give your contact details safely").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("How can a caseworker contact you safely?")
    assert_accessible(axe, visitor)
    visitor.get_by_label("Phone call").check()
    visitor.get_by_label("Phone number").fill("07700 900982")
    visitor.get_by_role("group", name="is it safe for us to leave a voicemail").get_by_label("No", exact=True).check()
    visitor.get_by_label("Mornings").check()
    visitor.get_by_role("button", name="Send my details").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Your details have been sent to our caseworkers")
    expect(visitor.locator("main .app-setup-key")).to_have_text(re.compile(r"^[A-Z0-9]{4}(-[A-Z0-9]{4}){4}$"))
    assert_accessible(axe, visitor)
    visitor.get_by_role("link", name="Go back to the chat").click()

    visitor.get_by_role("button", name="End chat").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Are you sure you want to end the chat?")
    assert_accessible(axe, visitor)
    visitor.get_by_role("button", name="Yes, end the chat").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("The chat has ended")
    assert_accessible(axe, visitor)

    # The supporter sees a normal end, not a quick exit; then writes the wrap-up.
    expect(supporter.locator("#chat-connection")).to_have_text("They ended the chat")
    supporter.reload()
    expect(supporter.locator("#chat-ended-reason")).to_contain_text("They ended the chat")
    assert_accessible(axe, supporter)
    supporter.get_by_role("link", name="Write the wrap-up").click()
    assert_accessible(axe, supporter)

    visitor.get_by_label("Yes", exact=True).check()
    visitor.get_by_role("button", name="Finish").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert_accessible(axe, visitor)
    assert storage_left(visitor) == {"local": 0, "session": 0, "indexed": 0}
    assert visitor.title() == visitor.evaluate("document.body.dataset.neutralTitle")


# --- Without JavaScript ---


def test_the_whole_chat_works_as_plain_pages_without_javascript(
    browser: Browser, supporter: Page, asgi_server_url: str
) -> None:
    # (axe runs as JavaScript in the page, so these pages are checked by the tests with it on.)
    url = asgi_server_url
    context = browser.new_context(java_script_enabled=False)
    visitor = _new_page(context)
    set_available(supporter)
    start_chat(visitor, url, nickname="Robin", safe="I am not sure")
    expect(visitor.locator("#queue-position")).to_have_text("number 1")
    # Not safe, or unsure: the page says how to leave quickly and where to call.
    expect(visitor.get_by_text("press the Shift key 3 times")).to_be_visible()

    take_next(supporter, nickname="Robin")
    expect(supporter.get_by_text("Said it is not safe, or may be at risk")).to_be_visible()
    # Without JavaScript the queue page moves on when the person refreshes it.
    visitor.get_by_role("button", name="Check my place in the queue").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Chat with a supporter")

    send(visitor, "Can I talk about what happened?")
    expect(messages_with(supporter, "Can I talk about what happened?")).to_have_count(1)
    expect(messages_with(visitor, "Can I talk about what happened?")).to_have_count(1)
    send(supporter, "Of course. Take your time.")
    expect(messages_with(visitor, "Of course")).to_have_count(0)
    visitor.get_by_role("button", name="Check for new messages").click()
    expect(messages_with(visitor, "Of course. Take your time.")).to_have_count(1)

    # An empty message is refused with a clear, linked error.
    visitor.get_by_role("button", name="Send", exact=True).click()
    expect(visitor.get_by_role("alert")).to_contain_text("Write a message before sending")

    # The supporter ends the chat; the visitor learns of it on the next refresh.
    supporter.get_by_role("button", name="End the chat").click()
    expect(supporter.get_by_role("heading", level=1)).to_contain_text("Wrap-up")
    visitor.get_by_role("button", name="Check for new messages").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("The chat has ended")
    expect(visitor.get_by_text("The supporter has ended the chat.")).to_be_visible()
    visitor.get_by_role("button", name="Finish").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Thank you")
    context.close()


def test_a_supporter_without_javascript_checks_for_new_messages(
    browser: Browser, visitor: Page, asgi_server_url: str
) -> None:
    user = make_supporter("bob@example.org", available=False)
    context = browser.new_context(java_script_enabled=False)
    session = signed_in_client(user).cookies["sessionid"].value
    context.add_cookies([{"name": "sessionid", "value": session, "url": asgi_server_url}])
    supporter = _new_page(context)
    supporter.goto(f"{asgi_server_url}/staff/chat/")
    set_available(supporter)
    start_chat(visitor, asgi_server_url)
    supporter.reload()
    take_next(supporter)
    send(supporter, "Hello, I am here")
    expect(messages_with(visitor, "Hello, I am here")).to_have_count(1)
    for text in ("Thank you", "I wanted to ask something"):
        send(visitor, text)
        expect(messages_with(visitor, text)).to_have_count(1)
        supporter.get_by_role("button", name="Check for new messages").click()
        expect(messages_with(supporter, text)).to_have_count(1)
    context.close()


def test_leaving_the_queue_without_javascript(browser: Browser, supporter: Page, asgi_server_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    visitor = _new_page(context)
    set_available(supporter)
    start_chat(visitor, asgi_server_url)
    visitor.get_by_role("button", name="Leave the queue").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("You have left the queue")
    expect(supporter.locator("#queue-count")).to_have_text("0")
    context.close()


# --- Accessibility, small screens, keyboards ---


def test_the_chat_is_usable_with_the_keyboard_alone(visitor: Page, supporter: Page, asgi_server_url: str) -> None:
    set_available(supporter)
    visitor.goto(f"{asgi_server_url}/chat/")
    pre_chat = visitor.locator("#chat-start-form")
    pre_chat.get_by_label("Yes", exact=True).focus()
    visitor.keyboard.press("Space")
    expect(pre_chat.get_by_label("Yes", exact=True)).to_be_checked()
    visitor.keyboard.press("Tab")
    expect(visitor.get_by_label("What should we call you?")).to_be_focused()
    visitor.keyboard.type("Sam")
    visitor.keyboard.press("Tab")
    expect(visitor.get_by_label("What would you like to talk about? (optional)")).to_be_focused()
    visitor.keyboard.press("Tab")
    expect(visitor.get_by_role("button", name="Start chat")).to_be_focused()
    visitor.keyboard.press("Enter")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Waiting for a supporter")

    take_next(supporter)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Chat with a supporter")
    # From the message box: type, Tab to Send, Enter; the focus comes back to the box.
    visitor.get_by_label("Your message").focus()
    visitor.keyboard.type("Typed without a mouse")
    visitor.keyboard.press("Tab")
    expect(visitor.get_by_role("button", name="Send", exact=True)).to_be_focused()
    visitor.keyboard.press("Enter")
    expect(messages_with(supporter, "Typed without a mouse")).to_have_count(1)
    expect(visitor.get_by_label("Your message")).to_be_focused()

    # The supporter answers from the keyboard too.
    supporter.get_by_label("Your message").focus()
    supporter.keyboard.type("Heard you")
    supporter.keyboard.press("Tab")
    supporter.keyboard.press("Enter")
    expect(messages_with(visitor, "Heard you")).to_have_count(1)

    # "End chat" is a link drawn as a button: Space works as on a button; then the confirmation.
    end = visitor.get_by_role("button", name="End chat")
    end.focus()
    visitor.keyboard.press("Space")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Are you sure you want to end the chat?")
    visitor.get_by_role("button", name="Yes, end the chat").focus()
    visitor.keyboard.press("Enter")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("The chat has ended")


def test_new_messages_are_announced_politely(visitor: Page, supporter: Page, asgi_server_url: str) -> None:
    connected_chat(visitor, supporter, asgi_server_url)
    for page in (visitor, supporter):
        region = page.locator("#chat-messages")
        expect(region).to_have_attribute("aria-live", "polite")
        expect(region).to_have_attribute("aria-relevant", "additions")
    send(supporter, "Are you still there?")
    # The new message is added inside the live region (so it is read out), not elsewhere.
    announced = visitor.locator('[aria-live="polite"] li', has_text="Are you still there?")
    expect(announced).to_have_count(1)
    # Connection notices are a status, read out without moving the focus.
    expect(visitor.locator("#chat-connection")).to_have_attribute("role", "status")


def test_the_visitors_pages_fit_a_320_pixel_screen(
    browser: Browser, supporter: Page, asgi_server_url: str, axe: Axe
) -> None:
    """Someone who said it is not safe to chat sees the safety advice too: it must fit and pass axe."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    visitor = _new_page(context)

    def fits() -> None:
        assert visitor.evaluate("document.documentElement.scrollWidth") <= 320, visitor.url
        # Nor does the transcript's own box scroll sideways.
        box = visitor.locator("#chat-messages")
        if box.count():
            assert box.evaluate("list => list.scrollWidth <= list.clientWidth"), visitor.url

    set_available(supporter)
    visitor.goto(f"{asgi_server_url}/chat/")
    fits()
    start_chat(visitor, asgi_server_url, safe="No")
    fits()
    assert_accessible(axe, visitor)
    take_next(supporter)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Chat with a supporter")
    expect(visitor.get_by_text("press the Shift key 3 times")).to_be_visible()
    assert_accessible(axe, visitor)
    # A long word (an address pasted in) wraps rather than pushing the page sideways.
    send(supporter, "https://www.example.org/" + "averylongaddresswithoutspaces" * 5)
    expect(messages_with(visitor, "averylongaddress")).to_have_count(1)
    send(visitor, "Ok")
    expect(messages_with(visitor, "Ok")).to_have_count(1)
    fits()
    visitor.get_by_role("button", name="End chat").click()
    fits()
    visitor.get_by_role("button", name="Yes, end the chat").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("The chat has ended")
    fits()
    context.close()


def test_closed_and_nobody_free_pages_and_the_supervisors_board_pass_axe(
    visitor: Page, asgi_server_url: str, browser: Browser, axe: Axe, settings: Any
) -> None:
    # Nobody available.
    visitor.goto(f"{asgi_server_url}/chat/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("No supporter is free to chat right now")
    assert_accessible(axe, visitor)
    # Closed (a closed date set for today).
    settings.CHAT_CLOSED_DATES = [timezone.localdate().isoformat()]
    visitor.goto(f"{asgi_server_url}/chat/")
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Live chat is closed")
    assert_accessible(axe, visitor)

    supervisor = make_supporter("sue@example.org", group=CHAT_SUPERVISORS_GROUP, available=False)
    context = browser.new_context()
    session = signed_in_client(supervisor).cookies["sessionid"].value
    context.add_cookies([{"name": "sessionid", "value": session, "url": asgi_server_url}])
    page = _new_page(context)
    page.goto(f"{asgi_server_url}/staff/chat/board/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Supervisors’ board")
    assert_accessible(axe, page)
    context.close()
