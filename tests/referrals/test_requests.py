from __future__ import annotations

import uuid
from typing import Any

import pytest
import time_machine
from django.test import Client

from referrals.models import Handoff, HandoffStatus, RequestKind, SupportRequest
from tests.factories import make_user, signed_in_client
from tests.referrals.conftest import request_form

pytestmark = pytest.mark.django_db


# --- Asking for a caseworker ----------------------------------------------------------------


def test_a_person_asks_for_a_caseworker_and_sees_its_status(alice_client: Client, alice: Any) -> None:
    response = alice_client.post("/get-support/caseworker/", request_form())
    support_request = SupportRequest.objects.get()
    assert response["Location"] == f"/get-support/requests/{support_request.pk}/"
    assert support_request.user == alice
    assert support_request.kind == RequestKind.CASEWORKER
    assert support_request.contact_method == "phone"
    assert support_request.phone == "07700900982"
    assert support_request.safe_times == ["morning"]
    assert (support_request.voicemail_safe, support_request.text_safe, support_request.email_safe) == (
        False,
        None,
        None,
    )
    assert support_request.code_word == "bluebell"
    assert support_request.help_topics == ["compensation", "court"]
    html = alice_client.get(response["Location"]).content.decode()
    assert "With our team: a caseworker will get in touch" in html
    assert "Not safe: we will not leave one" in html
    assert "Not safe: we will not text you" in html


def test_the_request_and_its_hand_off_are_written_together(alice_client: Client) -> None:
    alice_client.post("/get-support/caseworker/", request_form())
    handoff = Handoff.objects.get()
    assert handoff.support_request == SupportRequest.objects.get()
    # No endpoint in the embedded default: kept for the caseworker queue, not sent anywhere.
    assert handoff.status == HandoffStatus.KEPT
    assert handoff.payload["contact"]["phone"] == "07700900982"


def test_a_person_can_share_the_guides_they_worked_on(alice_client: Client, alice: Any) -> None:
    from guides.models import Guide, GuideProgress, Status, Topic

    topic = Topic.objects.create(slug="t", title="T", summary="s", published=True)
    guide = Guide.objects.create(topic=topic, slug="g", title="Sleeping better", summary="s", status=Status.PUBLISHED)
    GuideProgress.objects.create(user=alice, guide=guide)
    assert "Sleeping better" in alice_client.get("/get-support/caseworker/").content.decode()

    alice_client.post("/get-support/caseworker/", request_form(share_guides="on"))

    assert SupportRequest.objects.get().guides_shared == [{"title": "Sleeping better", "finished": False}]


def test_guides_are_not_shared_unless_chosen(alice_client: Client, alice: Any) -> None:
    from guides.models import Guide, GuideProgress, Status, Topic

    topic = Topic.objects.create(slug="t", title="T", summary="s", published=True)
    guide = Guide.objects.create(topic=topic, slug="g", title="Sleeping better", summary="s", status=Status.PUBLISHED)
    GuideProgress.objects.create(user=alice, guide=guide)
    alice_client.post("/get-support/caseworker/", request_form())
    assert SupportRequest.objects.get().guides_shared == []


def test_a_request_after_a_severe_check_is_urgent(alice_client: Client) -> None:
    alice_client.post(
        "/get-support/check/",
        {
            "safe_now": "yes",
            "worried_about_harm": "yes",
            "daily_life": "a_little",
            "harm_thoughts": "no",
            "someone_to_talk_to": "yes",
        },
    )
    alice_client.post("/get-support/caseworker/", request_form())
    support_request = SupportRequest.objects.get()
    assert support_request.impact_outcome == "severe"
    assert support_request.is_urgent


def test_signed_out_visitors_are_sent_to_sign_in_for_the_caseworker_form(client: Client) -> None:
    response = client.get("/get-support/caseworker/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")


def test_a_person_sees_only_their_own_requests(alice_client: Client, charlie_client: Client) -> None:
    alice_client.post("/get-support/caseworker/", request_form())
    support_request = SupportRequest.objects.get()
    assert charlie_client.get(f"/get-support/requests/{support_request.pk}/").status_code == 404
    assert support_request.reference not in charlie_client.get("/get-support/yours/").content.decode()
    assert support_request.reference in alice_client.get("/get-support/yours/").content.decode() or (
        f"/get-support/requests/{support_request.pk}/" in alice_client.get("/get-support/yours/").content.decode()
    )


# --- Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"contact_method": None}, "contact_method", "Select how you would like us to contact you"),
        ({"contact_method": "phone", "phone": ""}, "phone", "Enter a phone number, so we can call you"),
        ({"contact_method": "text", "phone": ""}, "phone", "Enter a mobile phone number, so we can text you"),
        ({"contact_method": "email", "email": ""}, "email", "Enter an email address, so we can email you"),
        ({"contact_method": "phone", "phone": "12345"}, "phone", "Enter a UK phone number"),
        ({"contact_method": "phone", "phone": "+1 202 555 0143"}, "phone", "Enter a UK phone number"),
        ({"contact_method": "text", "phone": "01632 960001"}, "phone", "Enter a UK mobile number for texts"),
        ({"contact_method": "email", "email": "sam@"}, "email", "Enter an email address in the correct format"),
        ({"safe_times": None}, "safe_times", "Select when it is safe for us to contact you"),
        ({"voicemail_safe": None}, "voicemail_safe", "Select yes if it is safe for us to leave you a voicemail"),
        ({"code_word": "x" * 51}, "code_word", "50 characters or fewer"),
    ],
)
def test_bad_input_gets_a_clear_error_and_nothing_is_saved(
    alice_client: Client, changes: dict[str, Any], field: str, message: str
) -> None:
    response = alice_client.post("/get-support/caseworker/", request_form(**changes))
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert f'href="#id_{field}' in html
    assert message in html
    assert "Error: Ask a caseworker" in html
    assert SupportRequest.objects.count() == 0
    assert Handoff.objects.count() == 0


def test_what_was_typed_is_kept_after_an_error(alice_client: Client) -> None:
    html = alice_client.post(
        "/get-support/caseworker/", request_form(phone="", safe_times_note="Only after 2pm")
    ).content.decode()
    assert "Only after 2pm" in html
    assert 'value="morning" id="id_safe_times_0" checked' in html


@pytest.mark.parametrize(
    ("method", "number", "stored"),
    [
        ("phone", "+44 (0)20 7946 0018", "02079460018"),
        ("phone", "0161-496-0000", "01614960000"),
        ("text", "+447700900982", "07700900982"),
        ("text", "0044 7700 900982", "07700900982"),
    ],
)
def test_uk_numbers_are_accepted_in_their_usual_forms(
    alice_client: Client, method: str, number: str, stored: str
) -> None:
    alice_client.post("/get-support/caseworker/", request_form(contact_method=method, phone=number, text_safe="yes"))
    assert SupportRequest.objects.get().phone == stored


def test_only_the_detail_for_the_chosen_method_is_kept(alice_client: Client) -> None:
    alice_client.post(
        "/get-support/caseworker/",
        request_form(contact_method="email", email="sam@example.org", phone="07700900982", email_safe="yes"),
    )
    support_request = SupportRequest.objects.get()
    assert support_request.email == "sam@example.org"
    assert support_request.phone == ""


def test_a_half_typed_email_does_not_block_a_phone_request(alice_client: Client) -> None:
    alice_client.post("/get-support/caseworker/", request_form(contact_method="phone", email="sam@"))
    assert SupportRequest.objects.count() == 1


def test_posting_the_same_form_twice_makes_one_request(alice_client: Client) -> None:
    form = request_form()
    first = alice_client.post("/get-support/caseworker/", form)
    second = alice_client.post("/get-support/caseworker/", form)
    assert SupportRequest.objects.count() == 1
    assert Handoff.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_form_without_its_token_asks_to_send_again_and_keeps_what_was_typed(alice_client: Client) -> None:
    response = alice_client.post("/get-support/caseworker/", request_form(submission_token="not-a-token"))
    html = response.content.decode()
    assert "Something went wrong with the form" in html
    assert "bluebell" in html
    assert SupportRequest.objects.count() == 0
    # The page now carries a fresh token, so sending it again works.
    import re

    token = re.search(r'name="submission_token"[^>]* value="([0-9a-f-]{36})"', html)
    assert token
    alice_client.post("/get-support/caseworker/", request_form(submission_token=token.group(1)))
    assert SupportRequest.objects.count() == 1


def test_a_flood_of_posts_from_one_person_is_stopped(alice_client: Client) -> None:
    for _ in range(10):
        alice_client.post("/get-support/caseworker/", request_form())
    response = alice_client.post("/get-support/caseworker/", request_form())
    assert response.status_code == 429
    assert SupportRequest.objects.count() == 10


# --- Out-of-hours requests, no account needed ----------------------------------------------------


def test_anyone_can_ask_out_of_hours_without_an_account(client: Client) -> None:
    assert client.get("/get-support/out-of-hours/").status_code == 200
    response = client.post("/get-support/out-of-hours/", request_form(name="Sam"))
    assert response["Location"] == "/get-support/out-of-hours/sent/"
    support_request = SupportRequest.objects.get()
    assert support_request.kind == RequestKind.OUT_OF_HOURS
    assert support_request.user is None
    assert support_request.name == "Sam"


def test_out_of_hours_needs_a_name_or_nickname(client: Client) -> None:
    html = client.post("/get-support/out-of-hours/", request_form(name="")).content.decode()
    assert "Enter your name or a nickname" in html
    assert SupportRequest.objects.count() == 0


@pytest.mark.parametrize(
    ("moment", "promise"),
    [
        # Friday 10am (UK): today.
        ("2026-03-13 10:00", "today, before 5pm"),
        # Friday 4:30pm: too late for today, so Monday.
        ("2026-03-13 16:30", "on Monday 16 March, between 8am and 5pm"),
        # Saturday night: Monday.
        ("2026-03-14 23:00", "on Monday 16 March, between 8am and 5pm"),
        # Tuesday 6am: later that day.
        ("2026-03-17 06:00", "today, between 8am and 5pm"),
    ],
)
def test_the_confirmation_says_when_we_will_be_in_touch(client: Client, moment: str, promise: str) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    when = datetime.fromisoformat(moment).replace(tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(when, tick=False):
        client.post("/get-support/out-of-hours/", request_form())
        html = client.get("/get-support/out-of-hours/sent/").content.decode()
    assert promise in html
    assert "999" in html
    assert "If it is urgent" in html


def test_service_hours_come_from_settings(client: Client, settings: Any) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    settings.REFERRALS_SERVICE_DAYS = ["sat"]
    settings.REFERRALS_SERVICE_HOURS = "09:30-13:00"
    settings.REFERRALS_CLOSED_DATES = ["2026-03-14"]
    with time_machine.travel(datetime(2026, 3, 13, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        client.post("/get-support/out-of-hours/", request_form())
        html = client.get("/get-support/out-of-hours/sent/").content.decode()
    assert "on Saturday 21 March, between 9:30am and 1pm" in html


def test_a_bot_filling_the_hidden_field_is_thanked_and_ignored(client: Client) -> None:
    response = client.post("/get-support/out-of-hours/", request_form(website="http://spam.example"))
    assert response["Location"] == "/get-support/out-of-hours/sent/"
    assert SupportRequest.objects.count() == 0
    assert client.get("/get-support/out-of-hours/sent/").status_code == 200


def test_the_hidden_field_is_hidden_from_people() -> None:
    from django.conf import settings

    scss = (settings.BASE_DIR / "static" / "scss" / "_app.scss").read_text()
    assert ".app-referrals-extra {\n  display: none;" in scss


def test_posting_the_public_form_twice_makes_one_request(client: Client) -> None:
    form = request_form()
    client.post("/get-support/out-of-hours/", form)
    client.post("/get-support/out-of-hours/", form)
    assert SupportRequest.objects.count() == 1


def test_a_flood_from_one_address_is_stopped_with_a_calm_page(client: Client) -> None:
    for _ in range(10):
        client.post("/get-support/out-of-hours/", request_form())
    response = client.post("/get-support/out-of-hours/", request_form())
    assert response.status_code == 429
    assert "Please wait a moment" in response.content.decode()
    assert SupportRequest.objects.count() == 10
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post("/get-support/out-of-hours/", request_form())["Location"] == "/get-support/out-of-hours/sent/"


def test_the_confirmation_page_without_a_request_goes_to_the_form(client: Client) -> None:
    assert client.get("/get-support/out-of-hours/sent/")["Location"] == "/get-support/out-of-hours/"


def test_a_signed_in_person_using_the_public_form_sees_it_on_their_page(alice_client: Client, alice: Any) -> None:
    alice_client.post("/get-support/out-of-hours/", request_form())
    assert SupportRequest.objects.get().user == alice


def test_the_home_panel_shows_open_requests(alice_client: Client) -> None:
    alice_client.post("/get-support/caseworker/", request_form())
    html = alice_client.get("/account/").content.decode()
    assert "Support from a person" in html
    assert "with our team: a caseworker will get in touch" in html


def test_a_caseworker_request_uses_a_fresh_token_each_time_the_form_is_opened(alice_client: Client) -> None:
    import re

    pattern = r'name="submission_token"[^>]* value="([^"]+)"'
    first = re.search(pattern, alice_client.get("/get-support/caseworker/").content.decode())
    second = re.search(pattern, alice_client.get("/get-support/caseworker/").content.decode())
    assert first and second and first.group(1) != second.group(1)
    uuid.UUID(first.group(1))


def test_a_staff_member_without_the_group_is_a_person_like_any_other(db: None) -> None:
    staff = make_user("staff@example.org", is_staff=True)
    assert signed_in_client(staff).get("/staff/requests/").status_code == 404
