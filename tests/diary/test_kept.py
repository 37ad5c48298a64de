"""An entry being written is not lost when the session ends: it is kept, sealed, until the person signs in again."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from diary.drafts import COOKIE
from diary.models import DiaryEntry, KeptDraft
from tests.accounts.helpers import WIZARD
from tests.diary.conftest import MARKER
from tests.diary.helpers import form_data, make_entry
from tests.factories import PASSWORD, current_code, make_user, signed_in_client

pytestmark = pytest.mark.django_db


def _open_form_then_time_out(user: Any, path: str = "/diary/new/") -> tuple[Client, dict[str, Any]]:
    """A browser that opened the form while signed in, whose session then ended."""
    client = signed_in_client(user)
    form = client.get(path).context["form"]
    hidden = {field.name: field.value() for field in form.hidden_fields()}
    data = {"keeper": client.get(path).context["keeper"], **{k: v for k, v in hidden.items() if v is not None}}
    client.session.flush()  # what the idle timeout does on the server
    return client, data


def _sign_in(client: Client, user: Any, *, next_url: str = "") -> Any:
    url = "/account/sign-in/" + (f"?next={next_url}" if next_url else "")
    client.get(url)
    client.post(url, {WIZARD: "auth", "auth-username": user.email, "auth-password": PASSWORD})
    return client.post(url, {WIZARD: "token", "token-otp_token": current_code(user)})


def test_writing_sent_after_the_session_ended_is_kept_until_the_person_signs_in(alice: Any) -> None:
    client, hidden = _open_form_then_time_out(alice)

    response = client.post("/diary/new/", form_data(mood="2", text=f"Half a page {MARKER}", **hidden))

    assert response.status_code == 302
    assert response["Location"] == "/account/sign-in/?next=/diary/new/"
    assert not DiaryEntry.objects.exists()
    assert KeptDraft.objects.filter(owner=alice).count() == 1
    sign_in_page = client.get(response["Location"]).content.decode()
    assert "what you were writing is not saved yet. We have kept it" in sign_in_page and MARKER not in sign_in_page

    after_sign_in = _sign_in(client, alice, next_url="/diary/new/")
    assert after_sign_in["Location"] == "/diary/new/"
    form_page = client.get("/diary/new/")
    page = form_page.content.decode()
    assert f"Half a page {MARKER}" in page
    assert "This is what you wrote before you were signed out" in page
    assert 'value="2" id="id_mood_1" checked' in page
    # Back in the form, the kept copy is gone.
    assert not KeptDraft.objects.exists()
    assert form_page.cookies[COOKIE]["max-age"] == 0

    saved = client.post("/diary/new/", form_data(mood="2", text=f"Half a page {MARKER}", **hidden))
    assert saved.status_code == 302
    assert DiaryEntry.objects.get(owner=alice).text == f"Half a page {MARKER}"


def test_the_browser_holds_only_a_key_and_the_database_only_sealed_bytes(alice: Any) -> None:
    client, hidden = _open_form_then_time_out(alice)
    response = client.post("/diary/new/", form_data(text=MARKER, **hidden))
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 24 * 60 * 60
    assert MARKER not in cookie.value
    draft = KeptDraft.objects.get()
    assert MARKER.encode() not in bytes(draft.sealed)
    assert draft.expires_at - draft.created_at == datetime.timedelta(hours=24)


def test_a_kept_draft_is_given_back_only_to_its_owner(alice: Any, charlie: Any) -> None:
    client, hidden = _open_form_then_time_out(alice)
    client.post("/diary/new/", form_data(text=MARKER, **hidden))

    _sign_in(client, charlie)  # someone else signs in on the same browser
    assert MARKER not in client.get("/diary/new/").content.decode()
    assert "Carry on writing" not in client.get("/account/").content.decode()
    assert KeptDraft.objects.filter(owner=alice).exists()

    client.post("/account/sign-out/")
    _sign_in(client, alice)
    assert "Carry on writing" in client.get("/account/").content.decode()
    assert MARKER in client.get("/diary/new/").content.decode()


def test_a_kept_draft_opens_only_in_the_browser_that_sent_it(alice: Any) -> None:
    client, hidden = _open_form_then_time_out(alice)
    client.post("/diary/new/", form_data(text=MARKER, **hidden))
    elsewhere = Client()
    _sign_in(elsewhere, alice)
    assert MARKER not in elsewhere.get("/diary/new/").content.decode()
    # A cookie with the right draft but another key opens nothing either.
    value = client.cookies[COOKIE].value
    elsewhere.cookies[COOKIE] = value.split(".")[0] + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
    assert MARKER not in elsewhere.get("/diary/new/").content.decode()


@pytest.mark.parametrize("keeper", ["", "not-a-token", "MQ:1aaaaa:forged-signature"])
def test_without_a_valid_keeper_nothing_is_kept(alice: Any, keeper: str) -> None:
    client, hidden = _open_form_then_time_out(alice)
    hidden["keeper"] = keeper
    response = client.post("/diary/new/", form_data(text=MARKER, **hidden))
    assert response["Location"] == "/account/sign-in/?next=/diary/new/"
    assert not KeptDraft.objects.exists() and COOKIE not in response.cookies


def test_a_change_sent_after_the_session_ended_is_kept_for_that_entry(alice: Any) -> None:
    entry = make_entry(alice, text="Before")
    client, hidden = _open_form_then_time_out(alice, f"/diary/{entry.pk}/edit/")
    response = client.post(f"/diary/{entry.pk}/edit/", form_data(text=f"After {MARKER}", **hidden))
    assert response["Location"] == f"/account/sign-in/?next=/diary/{entry.pk}/edit/"
    _sign_in(client, alice)
    assert MARKER not in client.get("/diary/new/").content.decode()
    page = client.get(f"/diary/{entry.pk}/edit/").content.decode()
    assert f"After {MARKER}" in page
    assert client.post(f"/diary/{entry.pk}/edit/", form_data(text=f"After {MARKER}", **hidden)).status_code == 302
    entry.refresh_from_db()
    assert entry.text == f"After {MARKER}"


def test_the_idle_scripts_last_copy_is_kept_and_ends_the_session(alice: Any) -> None:
    client = signed_in_client(alice)
    keeper = client.get("/diary/new/").context["keeper"]
    response = client.post("/diary/new/", form_data(text=MARKER, keeper=keeper, keep_only="1"))
    assert response.status_code == 204
    assert not DiaryEntry.objects.exists() and KeptDraft.objects.filter(owner=alice).exists()
    # Keeping the writing does not keep an unattended session open.
    assert client.get("/diary/")["Location"].startswith("/account/sign-in/")
    _sign_in(client, alice)
    home = client.get("/account/").content.decode()
    assert "You were signed out while you were writing" in home and 'href="/diary/new/"' in home
    assert MARKER in client.get("/diary/new/").content.decode()


def test_a_kept_draft_expires(alice: Any) -> None:
    client, hidden = _open_form_then_time_out(alice)
    client.post("/diary/new/", form_data(text=MARKER, **hidden))
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
        _sign_in(client, alice)
        assert MARKER not in client.get("/diary/new/").content.decode()


def test_a_kept_draft_can_be_thrown_away(alice: Any) -> None:
    client, hidden = _open_form_then_time_out(alice)
    client.post("/diary/new/", form_data(text=MARKER, **hidden))
    _sign_in(client, alice)
    assert "Delete what was kept" in client.get("/diary/").content.decode()
    client.post("/diary/kept/forget/")
    assert not KeptDraft.objects.exists()
    assert MARKER not in client.get("/diary/new/").content.decode()


def test_the_entry_forms_still_need_a_two_factor_session(client: Client, alice: Any) -> None:
    entry = make_entry(alice)
    for path in ("/diary/new/", f"/diary/{entry.pk}/edit/"):
        assert client.get(path)["Location"] == f"/account/sign-in/?next={path}"
        client.force_login(alice)  # a password alone
        assert client.get(path)["Location"] == f"/account/sign-in/?next={path}"
        assert "_auth_user_id" not in client.session
    newcomer = make_user("new@example.org", two_factor=False)
    client.force_login(newcomer)  # part-way through setting up two-factor
    for response in (client.get("/diary/new/"), client.post("/diary/new/", form_data())):
        assert response.status_code == 302
        assert response["Location"].startswith(("/account/sign-in/", "/account/two-factor/set-up/"))
    assert not DiaryEntry.objects.filter(owner=newcomer).exists()


def test_writing_kept_for_an_entry_deleted_since_goes_into_a_new_entry(alice: Any) -> None:
    entry = make_entry(alice, text="Before")
    client, hidden = _open_form_then_time_out(alice, f"/diary/{entry.pk}/edit/")
    client.post(f"/diary/{entry.pk}/edit/", form_data(text=f"After {MARKER}", **hidden))
    edit_url = f"/diary/{entry.pk}/edit/"
    entry.delete()  # in another browser, say
    _sign_in(client, alice)
    response = client.get(edit_url)
    assert response["Location"] == "/diary/new/"
    page = client.get("/diary/new/").content.decode()
    assert f"After {MARKER}" in page and 'id="id_version"' not in page
