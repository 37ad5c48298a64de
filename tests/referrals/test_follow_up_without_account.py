"""A way back in without an account: the private key given after an out-of-hours request shows what
happened, in plain words, and lets the person change how to reach them, withdraw, or ask again. The key
is typed in (a POST), never part of an address, so it is not kept in the browser's history."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.http import HttpResponse
from django.test import Client

from referrals import follow_up
from referrals.models import CaseNote, NoteKind, RequestStatus, SupportRequest
from tests.referrals.conftest import request_form
from tests.referrals.test_outcomes import TUESDAY_AFTERNOON, TUESDAY_MORNING, WEDNESDAY_AFTERNOON, _attempt, _close

pytestmark = pytest.mark.django_db


def _ask_without_an_account(client: Client, **overrides: object) -> tuple[SupportRequest, str]:
    """Send the out-of-hours form signed out; return the request and the private key the page gave."""
    response = client.post(
        "/get-support/out-of-hours/", request_form(safe_times=["morning", "afternoon"], **overrides), follow=True
    )
    html = response.content.decode()
    assert "We will not show it again, and we never send it by email or text." in html
    return SupportRequest.objects.latest("pk"), _key_on(html)


def _key_on(html: str) -> str:
    found = re.search(r'<strong class="app-setup-key">([A-Z0-9-]+)</strong>', html)
    assert found is not None, html
    return follow_up.normalised(found.group(1))


def _open(client: Client, key: str) -> HttpResponse:
    """Type the key in, as the person would."""
    return client.post("/r/", {"key": key})


def test_the_confirmation_gives_a_private_key_that_says_nothing_about_the_person(client: Client) -> None:
    support_request, key = _ask_without_an_account(client)
    html = client.get("/get-support/out-of-hours/sent/").content.decode()
    assert key not in html.replace(follow_up.written(key), "")  # shown once, to write down; in no address
    assert "/r/" + key not in html
    assert len(key) == 20 and set(key) <= set(follow_up.ALPHABET)
    assert follow_up.written(key) in html  # in groups of four, to write down
    assert "Anyone with the key can see this request" in html
    for revealing in ["Sam", "07700", str(support_request.pk), support_request.reference]:
        assert revealing not in key
    # Only a digest is kept; the key itself is nowhere in the database row.
    assert key not in str(SupportRequest.objects.filter(pk=support_request.pk).values().get())
    assert support_request.follow_up_digest == follow_up.digest(key)
    # No email carries it.
    assert all(key not in message.body for message in mail.outbox)


def test_the_key_opens_the_request_in_a_new_browser_and_shows_its_status(client: Client) -> None:
    support_request, key = _ask_without_an_account(client)
    elsewhere = Client()
    response = _open(elsewhere, key)
    assert response["Location"] == f"/get-support/requests/{support_request.pk}/"
    page = elsewhere.get(response["Location"])
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert '<meta name="robots" content="noindex' in html or page.get("X-Robots-Tag", "").startswith("noindex")
    assert "Your request" in html and support_request.person_status() in html
    assert "You opened this page with your private key" in html
    assert "/get-support/yours/" not in html  # no account to go back to


def test_a_typed_key_opens_it_too_with_dashes_spaces_and_any_case(client: Client) -> None:
    support_request, key = _ask_without_an_account(client)
    typed = " " + follow_up.written(key).lower().replace("-", " - ") + " "
    response = Client().post("/r/", {"key": typed})
    assert response["Location"] == f"/get-support/requests/{support_request.pk}/"


def test_a_wrong_key_opens_nothing_and_says_what_to_do(client: Client) -> None:
    support_request, _ = _ask_without_an_account(client)
    stranger = Client()
    wrong = "B" * 20
    response = _open(stranger, wrong)
    assert response.status_code == 404
    assert "That key does not open a request" in response.content.decode()
    assert stranger.get(f"/r/{support_request.pk}/").status_code == 404  # no address takes a key
    assert stranger.post("/r/", {"key": "not a key"}).status_code == 404
    # Knowing the number is not enough: the request page sends someone signed out to sign in.
    page = stranger.get(f"/get-support/requests/{support_request.pk}/")
    assert page.status_code == 302 and page["Location"].startswith("/account/sign-in/")


def test_someone_elses_key_does_not_open_a_signed_in_persons_request(alice_client: Client, client: Client) -> None:
    alice_client.post("/get-support/out-of-hours/", request_form())
    alices = SupportRequest.objects.get()
    assert alices.user is not None and alices.follow_up_digest == ""  # she has her account to come back to
    sent = alice_client.get("/get-support/out-of-hours/sent/").content.decode()
    assert f'href="/get-support/requests/{alices.pk}/"' in sent and "/r/" not in sent
    _, key = _ask_without_an_account(client)
    elsewhere = Client()
    _open(elsewhere, key)
    assert elsewhere.get(f"/get-support/requests/{alices.pk}/").status_code in (302, 404)


def test_guessing_keys_is_limited(client: Client) -> None:
    for _ in range(20):
        assert _open(client, "C" * 20).status_code == 404
    assert _open(client, "C" * 20).status_code == 429


def test_the_person_sees_the_outcome_in_plain_words_and_asks_again(caseworker_client: Client, client: Client) -> None:
    support_request, key = _ask_without_an_account(client)
    for when in (TUESDAY_MORNING, TUESDAY_AFTERNOON, WEDNESDAY_AFTERNOON):
        _attempt(caseworker_client, support_request, when)
    _close(caseworker_client, support_request, outcome="not_reached")

    person = Client()  # days later, another browser session
    _open(person, key)
    html = person.get(f"/get-support/requests/{support_request.pk}/").content.decode()
    assert "Closed: we could not reach you" in html
    assert "We tried to reach you on Tuesday morning, Tuesday afternoon and Wednesday afternoon and could not." in html
    ask_again = f"/get-support/requests/{support_request.pk}/ask-again/"
    assert f'href="{ask_again}"' in html

    response = person.get(ask_again)
    assert response["Location"] == f"/get-support/out-of-hours/?after={support_request.pk}"
    form = person.get(response["Location"]).content.decode()
    assert f"You are asking again after your request {support_request.reference}" in form
    assert 'value="07700 900982"' in form  # what they told us before, to change

    sent = person.post(
        response["Location"], request_form(safe_times=["any"], voicemail_safe="yes"), follow=True
    ).content.decode()
    again = SupportRequest.objects.latest("pk")
    assert again.follows == support_request and again.user is None and again.safe_times == ["any"]
    assert _key_on(sent) != key
    # The caseworker sees the earlier request's history with the new one.
    queue_page = caseworker_client.get(f"/staff/requests/{again.pk}/").content.decode()
    assert "This asks again after" in queue_page and support_request.reference in queue_page
    # The earlier page now points to the new request.
    assert "You asked again on" in person.get(f"/get-support/requests/{support_request.pk}/").content.decode()


def test_asking_again_after_a_request_this_session_did_not_open_starts_afresh(client: Client) -> None:
    support_request, _ = _ask_without_an_account(client)
    SupportRequest.objects.filter(pk=support_request.pk).update(status=RequestStatus.CLOSED)
    stranger = Client()
    form = stranger.get(f"/get-support/out-of-hours/?after={support_request.pk}").content.decode()
    assert "asking again" not in form and "07700 900982" not in form


def test_the_person_changes_how_to_reach_them_and_the_caseworker_sees_it(
    caseworker_client: Client, client: Client
) -> None:
    support_request, key = _ask_without_an_account(client)
    person = Client()
    _open(person, key)
    change = f"/get-support/requests/{support_request.pk}/change/"
    assert person.get(change).status_code == 200
    data = {key: value for key, value in request_form(safe_times=["any"]).items() if key != "name"}
    response = person.post(change, data)
    assert response["Location"] == f"/get-support/requests/{support_request.pk}/"
    support_request.refresh_from_db()
    assert support_request.safe_times == ["any"]
    note = CaseNote.objects.get(request=support_request, kind=NoteKind.PERSON_CHANGED)
    assert note.author is None and "safe times" in note.text
    assert "by them" in caseworker_client.get(f"/staff/requests/{support_request.pk}/").content.decode()


def test_the_person_withdraws_it(client: Client) -> None:
    support_request, key = _ask_without_an_account(client)
    person = Client()
    _open(person, key)
    response = person.post(f"/get-support/requests/{support_request.pk}/withdraw/")
    assert response.status_code == 302
    support_request.refresh_from_db()
    assert support_request.status == RequestStatus.CLOSED and support_request.closing_outcome == "withdrew"
    assert "Nobody will contact you about this request" in person.get(response["Location"]).content.decode()


def test_a_double_post_keeps_the_first_key(client: Client) -> None:
    data = request_form()
    client.post("/get-support/out-of-hours/", data)
    first = client.get("/get-support/out-of-hours/sent/").content.decode()
    client.post("/get-support/out-of-hours/", data)
    second = client.get("/get-support/out-of-hours/sent/").content.decode()
    assert SupportRequest.objects.count() == 1
    key = _key_on(first)
    assert _key_on(second) == key
    assert _open(Client(), key).status_code == 302
