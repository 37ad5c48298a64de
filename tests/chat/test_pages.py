"""The visitor's pages without JavaScript, hours and closures, quick exit, and the staff pages."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from chat import services
from chat.hours import chat_hours, easter_sunday
from chat.models import AuditAction, AuditEntry, Conversation, EndReason, Feedback, State, WrapUp, WrapUpOutcome
from referrals import follow_up
from referrals.models import RequestKind, SupportRequest
from tests.chat.conftest import make_supporter, start, visitor_client
from tests.factories import signed_in_client

UK = ZoneInfo("Europe/London")

START_FORM = {"safe_now": "yes", "nickname": "Sam", "topic": ""}


# --- Hours ---


@pytest.mark.parametrize(
    ("year", "expected"), [(2025, (4, 20)), (2026, (4, 5)), (2027, (3, 28)), (2038, (4, 25)), (2285, (3, 22))]
)
def test_easter_sunday_is_computed_for_any_year(year: int, expected: tuple[int, int]) -> None:
    assert (easter_sunday(year).month, easter_sunday(year).day) == expected


def test_chat_is_open_all_day_every_day_except_christmas_day_and_easter_sunday(settings: Any) -> None:
    hours = chat_hours()
    assert hours.is_open_at(datetime(2026, 12, 24, 23, 59, tzinfo=UK))
    assert not hours.is_open_at(datetime(2026, 12, 25, 0, 0, tzinfo=UK))
    assert not hours.is_open_at(datetime(2026, 12, 25, 23, 59, tzinfo=UK))
    assert hours.is_open_at(datetime(2026, 12, 26, 3, 0, tzinfo=UK))
    assert not hours.is_open_at(datetime(2026, 4, 5, 12, 0, tzinfo=UK))  # Easter Sunday 2026
    assert hours.is_open_at(datetime(2026, 4, 6, 12, 0, tzinfo=UK))  # Easter Monday
    assert not hours.is_open_at(datetime(2027, 3, 28, 12, 0, tzinfo=UK))  # Easter Sunday 2027
    assert hours.describe() == "24 hours a day, every day, except Christmas Day and Easter Sunday"


def test_closed_dates_and_hours_are_configurable_and_checked(settings: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.CHAT_CLOSED_DATES = ["2026-12-28"]
    settings.CHAT_SERVICE_HOURS = "08:00-22:00"
    settings.CHAT_CLOSED_ON_EASTER_SUNDAY = False
    hours = chat_hours()
    assert not hours.is_open_at(datetime(2026, 12, 28, 12, 0, tzinfo=UK))
    assert not hours.is_open_at(datetime(2026, 12, 29, 22, 30, tzinfo=UK))
    assert hours.is_open_at(datetime(2026, 4, 5, 12, 0, tzinfo=UK))
    settings.CHAT_CLOSED_DATES = ["28/12/2026"]
    with pytest.raises(ImproperlyConfigured, match="CHAT_CLOSED_DATES"):
        chat_hours()


@time_machine.travel(datetime(2026, 12, 25, 10, 0, tzinfo=UK), tick=False)
def test_on_christmas_day_the_chat_page_says_it_is_closed_and_offers_other_ways(client: Client, supporter: Any) -> None:
    response = client.get("/chat/")
    page = response.content.decode()
    assert "Live chat is closed on Christmas Day" in page
    assert "116 123" in page and "tel:999" in page and "/get-support/out-of-hours/" in page
    assert client.post("/chat/", START_FORM).status_code == 200
    assert not Conversation.objects.exists()


@time_machine.travel(datetime(2026, 4, 5, 10, 0, tzinfo=UK), tick=False)
def test_on_easter_sunday_the_chat_is_closed(client: Client, supporter: Any) -> None:
    assert "Live chat is closed on Easter Sunday" in client.get("/chat/").content.decode()


def test_when_nobody_is_available_we_say_so_before_anyone_waits(client: Client, db: None) -> None:
    page = client.get("/chat/").content.decode()
    assert "No supporter is free to chat right now" in page
    assert "Samaritans" in page


# --- The visitor, without JavaScript ---


def test_the_pre_chat_form_then_the_queue_shows_the_place_on_each_refresh(client: Client, supporter: Any) -> None:
    first = start("Ahead")
    response = client.post("/chat/", {**START_FORM, "safe_now": "yes"})
    assert response.status_code == 302 and response["Location"] == "/chat/talk/"
    page = client.get("/chat/talk/").content.decode()
    assert "number 2" in page and 'id="leave-queue"' in page
    services.take_next_chat(supporter=supporter)
    assert first.pk
    assert "number 1" in client.get("/chat/talk/").content.decode()


def test_a_visitor_who_is_not_safe_is_marked_at_risk_and_shown_999(client: Client, supporter: Any) -> None:
    client.post("/chat/", {**START_FORM, "safe_now": "no"})
    conversation = Conversation.objects.get()
    assert conversation.at_risk
    assert 'href="tel:999"' in client.get("/chat/talk/").content.decode()


def test_the_chat_page_has_a_neutral_title_and_is_not_stored(client: Client, supporter: Any, settings: Any) -> None:
    settings.NEUTRAL_PAGE_TITLE = "Notes"
    client.post("/chat/", START_FORM)
    response = client.get("/chat/talk/")
    assert "<title>Notes</title>" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_talking_without_javascript_send_and_check_for_new_messages(client: Client, supporter: Any) -> None:
    client.post("/chat/", START_FORM)
    conversation = Conversation.objects.get()
    services.take_next_chat(supporter=supporter)
    services.send_supporter_message(conversation=conversation, supporter=supporter, text="Hello Sam, I am here")
    page = client.get("/chat/talk/").content.decode()
    assert "Hello Sam, I am here" in page and "Check for new messages" in page
    response = client.post("/chat/talk/send/", {"text": "Thank you"})
    assert response.status_code == 302
    assert [m.text for m in services.messages_after(conversation, 2)] == ["Thank you"]
    response = client.post("/chat/talk/send/", {"text": "x" * 2001})
    assert response.status_code == 400
    assert "2,000 characters or fewer" in response.content.decode()
    assert conversation.messages.count() == 3


def test_ending_asks_once_then_the_one_question_and_nothing_kept(client: Client, supporter: Any) -> None:
    client.post("/chat/", START_FORM)
    conversation = Conversation.objects.get()
    services.take_next_chat(supporter=supporter)
    assert "Are you sure you want to end the chat?" in client.get("/chat/talk/end/").content.decode()
    assert client.post("/chat/talk/end/")["Location"] == "/chat/ended/"
    conversation.refresh_from_db()
    assert conversation.end_reason == EndReason.VISITOR_ENDED
    page = client.get("/chat/ended/").content.decode()
    assert "Did this chat help?" in page and "Keep a copy" not in page
    client.post("/chat/ended/", {"helped": "yes"})
    assert Feedback.objects.get().helped == "yes"
    assert services.VISITOR_SESSION_KEY not in client.session
    assert client.get("/chat/talk/")["Location"] == "/chat/"


def test_leaving_the_queue(client: Client, supporter: Any) -> None:
    client.post("/chat/", START_FORM)
    client.post("/chat/talk/leave/")
    assert Conversation.objects.get().end_reason == EndReason.LEFT_QUEUE
    assert "You have left the queue" in client.get("/chat/ended/").content.decode()


def test_quick_exit_ends_the_chat_and_the_supporter_sees_why(client: Client, supporter: Any) -> None:
    client.post("/chat/", START_FORM)
    conversation = Conversation.objects.get()
    services.take_next_chat(supporter=supporter)
    response = client.get("/exit/")
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert (conversation.state, conversation.end_reason) == (State.ENDED, EndReason.QUICK_EXIT)
    page = signed_in_client(supporter).get(f"/staff/chat/{conversation.pk}/").content.decode()
    assert "Left using quick exit: do not try to contact them" in page


def test_a_signed_in_visitor_may_share_titles_and_keep_a_copy(alice_client: Client, alice: Any, supporter: Any) -> None:
    alice_client.post("/chat/", {**START_FORM, "share": "on"})
    conversation = Conversation.objects.get()
    assert conversation.shared_role == "I have experienced crime"
    assert conversation.kept_by is None
    services.take_next_chat(supporter=supporter)
    services.send_visitor_message(conversation=conversation, text="Keep this")
    alice_client.post("/chat/talk/end/")
    assert "Keep a copy of this chat" in alice_client.get("/chat/ended/").content.decode()
    alice_client.post("/chat/ended/", {"keep_copy": "on"})
    exported = services.export_for(alice)
    assert [m["text"] for m in exported[0]["messages"]][1] == "Keep this"


def test_a_signed_in_visitors_chat_is_not_in_their_data_unless_kept(
    alice_client: Client, alice: Any, supporter: Any
) -> None:
    alice_client.post("/chat/", START_FORM)
    alice_client.post("/chat/talk/end/")
    alice_client.post("/chat/ended/", {})
    assert services.export_for(alice) == []
    assert Conversation.objects.get().kept_by is None


def test_the_contact_form_sends_a_request_to_the_caseworker_queue(client: Client, supporter: Any) -> None:
    client.post("/chat/", START_FORM)
    conversation = Conversation.objects.get()
    assert client.get("/chat/talk/contact/").status_code == 404
    services.take_next_chat(supporter=supporter)
    supporter_client = signed_in_client(supporter)
    supporter_client.post(f"/staff/chat/{conversation.pk}/contact-form/")
    assert "Give your contact details safely" in client.get("/chat/talk/").content.decode()
    form = {
        "name": "Sam",
        "contact_method": "phone",
        "phone": "07700 900982",
        "safe_times": ["morning"],
        "voicemail_safe": "no",
        "submission_token": "7b0c4c1e-3a3c-4a55-9f59-8d6c6f2f6f01",
    }
    response = client.post("/chat/talk/contact/", form)
    assert response.status_code == 302 and response["Location"] == "/chat/talk/contact/"
    client.post("/chat/talk/contact/", form)
    request = SupportRequest.objects.get()
    assert (request.kind, request.phone) == (RequestKind.CHAT, "07700900982")
    assert request.handoffs.count() == 1
    assert "07700" not in " ".join(m.text for m in services.messages_after(conversation))

    # No account here: the next page gives a private key to come back with, as out of hours does.
    sent = client.get("/chat/talk/contact/").content.decode()
    assert "Your details have been sent to our caseworkers" in sent
    assert "We will not show it again after this chat, and we never send it by email or text." in sent
    found = re.search(r'<strong class="app-setup-key">([A-Z0-9-]+)</strong>', sent)
    assert found is not None
    key = follow_up.normalised(found.group(1))
    assert request.follow_up_digest == follow_up.digest(key)  # the same key as the first post's
    assert key not in " ".join(m.text for m in services.messages_after(conversation))
    later = Client()
    opened = later.post("/r/", {"key": key})
    assert opened["Location"] == f"/get-support/requests/{request.pk}/"
    assert "Your request" in later.get(opened["Location"]).content.decode()


# --- Staff ---


def test_the_console_takes_the_next_chat_and_opens_it(supporter_client: Client, supporter: Any) -> None:
    start("Other")
    at_risk = start("Unsafe", at_risk=True)
    page = supporter_client.get("/staff/chat/").content.decode()
    assert page.index("Unsafe") < page.index("Other") and "Not safe or at risk" in page
    response = supporter_client.post("/staff/chat/take/")
    assert response["Location"] == f"/staff/chat/{at_risk.pk}/"
    supporter_client.post(f"/staff/chat/{at_risk.pk}/send/", {"text": "Hello"})
    assert services.messages_after(at_risk)[-1].text == "Hello"
    assert AuditEntry.objects.filter(conversation=at_risk, action=AuditAction.VIEWED).count() == 0
    supporter_client.get(f"/staff/chat/{at_risk.pk}/")
    assert AuditEntry.objects.filter(conversation=at_risk, action=AuditAction.VIEWED).count() == 1


def test_availability_is_set_from_the_console(db: None) -> None:
    carol = make_supporter("carol@example.org", available=False)
    client = signed_in_client(carol)
    client.post("/staff/chat/availability/", {"available": "yes"})
    assert carol.chat_status.is_available
    client.post("/staff/chat/availability/", {"available": "no"})
    carol.chat_status.refresh_from_db()
    assert not carol.chat_status.is_available


def test_outsiders_and_other_supporters_get_404(charlie_client: Client, supporter: Any, dana: Any) -> None:
    conversation = start()
    services.take_next_chat(supporter=supporter)
    assert charlie_client.get("/staff/chat/").status_code == 404
    assert charlie_client.get(f"/staff/chat/{conversation.pk}/").status_code == 404
    dana_client = signed_in_client(dana)
    assert dana_client.get(f"/staff/chat/{conversation.pk}/").status_code == 404
    assert dana_client.post(f"/staff/chat/{conversation.pk}/send/", {"text": "x"}).status_code == 404
    assert dana_client.get("/staff/chat/board/").status_code == 404


def test_a_supervisor_sees_every_chat_and_the_board(supervisor: Any, supporter: Any) -> None:
    conversation = start()
    services.take_next_chat(supporter=supporter)
    start("Waiting")
    client = signed_in_client(supervisor)
    assert client.get(f"/staff/chat/{conversation.pk}/").status_code == 200
    board = client.get("/staff/chat/board/").content.decode()
    assert "Waiting" in board and "bob@example.org" in board and "1 of 3" in board


def test_end_then_wrap_up_with_a_referral_to_a_partner(supporter_client: Client, supporter: Any) -> None:
    from referrals.models import Organisation

    organisation = Organisation.objects.create(slug="help", name="Help Org", summary="Helps.", opening_hours="Always")
    conversation = start()
    services.take_next_chat(supporter=supporter)
    supporter_client.post(f"/staff/chat/{conversation.pk}/organisation/", {"organisation": organisation.pk})
    assert services.messages_after(conversation)[-1].text.startswith("Help Org")
    assert (
        supporter_client.post(f"/staff/chat/{conversation.pk}/end/")["Location"]
        == f"/staff/chat/{conversation.pk}/wrap-up/"
    )
    outcome = WrapUpOutcome.objects.get(name="Signposted to a partner organisation")
    response = supporter_client.post(
        f"/staff/chat/{conversation.pk}/wrap-up/",
        {"outcome": outcome.pk, "referral": "partner", "organisation": organisation.pk, "notes": "Went well"},
    )
    assert response.status_code == 302
    assert WrapUp.objects.get().organisation == organisation


def test_block_from_the_console_refuses_the_address(supporter_client: Client, supporter: Any) -> None:
    visitor = Client(REMOTE_ADDR="198.51.100.20")
    visitor.post("/chat/", START_FORM)
    conversation = Conversation.objects.get()
    services.take_next_chat(supporter=supporter)
    supporter_client.post(f"/staff/chat/{conversation.pk}/block/")
    again = Client(REMOTE_ADDR="198.51.100.20")
    again.post("/chat/", START_FORM)
    assert Conversation.objects.count() == 1
    assert "You cannot start a chat" in again.post("/chat/", START_FORM).content.decode()


def test_transfer_from_the_console(supporter_client: Client, supporter: Any, dana: Any) -> None:
    conversation = start()
    services.take_next_chat(supporter=supporter)
    supporter_client.post(f"/staff/chat/{conversation.pk}/transfer/", {"to": dana.pk})
    conversation.refresh_from_db()
    assert conversation.supporter == dana
    assert signed_in_client(dana).get(f"/staff/chat/{conversation.pk}/").status_code == 200


def test_create_staff_accepts_the_chat_groups(db: None) -> None:
    call_command(
        "create_staff", "helper@example.org", "--group", "Chat supporters", "--password", "a long staff passphrase"
    )
    call_command(
        "create_staff", "lead@example.org", "--group", "Chat supervisors", "--password", "a long staff passphrase"
    )


def test_visitor_client_helper_reaches_the_chat(supporter: Any) -> None:
    conversation = start()
    assert visitor_client(conversation).get("/chat/talk/").status_code == 200


def test_a_kept_copy_is_in_download_my_data_and_goes_with_the_account(
    alice_client: Client, alice: Any, supporter: Any
) -> None:
    from accounts import services as accounts

    alice_client.post("/chat/", START_FORM)
    conversation = Conversation.objects.get()
    services.take_next_chat(supporter=supporter)
    alice_client.post("/chat/talk/end/")
    alice_client.post("/chat/ended/", {"keep_copy": "on"})
    assert accounts.export_data(user=alice)["chat"][0]["nickname"] == "Sam"
    accounts.delete_account(user=alice)
    assert not Conversation.objects.filter(pk=conversation.pk).exists()


def test_the_per_visitor_message_limit_counts_every_way_in_together(supporter: Any) -> None:
    conversation = start()
    services.take_next_chat(supporter=supporter)
    with time_machine.travel(datetime(2026, 3, 4, 12, 0, 5, tzinfo=ZoneInfo("UTC")), tick=False):
        for number in range(services.VISITOR_MESSAGE_LIMIT[0]):
            # The function both the socket and the form call.
            services.send_visitor_message(conversation=conversation, text=f"Line {number}")
        response = visitor_client(conversation).post("/chat/talk/send/", {"text": "One too many"})
        assert response.status_code == 429
        assert "sending messages very quickly" in response.content.decode()
        with pytest.raises(services.ChatError) as refused:
            services.send_visitor_message(conversation=conversation, text="And another")
        assert refused.value.code == "too_fast"
    assert conversation.messages.count() == 1 + services.VISITOR_MESSAGE_LIMIT[0]


def test_the_chat_pages_load_in_a_fixed_number_of_queries(
    client: Client, supporter: Any, django_assert_max_num_queries: Any
) -> None:
    client.post("/chat/", START_FORM)
    conversation = Conversation.objects.get()
    services.take_next_chat(supporter=supporter)
    for number in range(30):
        services.send_visitor_message(conversation=conversation, text=f"Line {number}")
    staff = signed_in_client(supporter)
    with django_assert_max_num_queries(9):
        assert "Line 29" in client.get("/chat/talk/").content.decode()
    with django_assert_max_num_queries(16):
        assert "Line 29" in staff.get(f"/staff/chat/{conversation.pk}/").content.decode()
    with django_assert_max_num_queries(15):
        assert staff.get("/staff/chat/").status_code == 200


# --- Sharing what happened ----------------------------------------------------------------------


def test_what_happened_is_offered_unticked_and_not_shared_unless_ticked(
    alice_client: Client, alice: Any, supporter: Any
) -> None:
    from situation.models import WhatHappened

    WhatHappened.objects.create(user=alice, crime_types=["burglary"])
    html = alice_client.get("/chat/").content.decode()
    assert "Share what happened to me with the supporter" in html
    assert 'name="share_what_happened" checked' not in html
    alice_client.post("/chat/", {**START_FORM, "share": "on"})
    conversation = Conversation.objects.get()
    assert conversation.shared_what_happened == []
    services.take_next_chat(supporter=supporter)
    page = signed_in_client(supporter).get(f"/staff/chat/{conversation.pk}/").content.decode()
    assert "I have experienced crime" in page
    assert "Burglary" not in page


def test_what_happened_is_shared_with_the_supporter_when_ticked(
    alice_client: Client, alice: Any, supporter: Any
) -> None:
    from situation.models import WhatHappened

    WhatHappened.objects.create(user=alice, crime_types=["burglary"])
    alice_client.post("/chat/", {**START_FORM, "share_what_happened": "on"})
    conversation = Conversation.objects.get()
    assert conversation.shared_what_happened == ["Burglary (someone broke into my home)"]
    services.take_next_chat(supporter=supporter)
    page = signed_in_client(supporter).get(f"/staff/chat/{conversation.pk}/").content.decode()
    assert "Burglary (someone broke into my home)" in page


def test_what_happened_is_not_offered_when_there_is_nothing_to_share(client: Client, alice_client: Client) -> None:
    assert "share_what_happened" not in alice_client.get("/chat/").content.decode()
    assert "share_what_happened" not in client.get("/chat/").content.decode()
