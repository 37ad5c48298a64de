from __future__ import annotations

import re
import time

import pytest
from django.core import mail
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import BackupCodeDevice
from tests.accounts.helpers import is_verified, submit_password
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _code_for_shown_key(html: str, at: float | None = None) -> str:
    """Read the key the page shows as text, as a person typing it into an app would."""
    import base64

    key_text = re.search(r'id="setup-key">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    key = base64.b32decode(key_text + "=" * (-len(key_text) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6, drift=0)
    totp.time = at if at is not None else time.time()
    return f"{totp.token():06d}"


@pytest.fixture
def newcomer_client(client: Client) -> Client:
    """Confirmed their email in this browser, then signed in with their password for the first time."""
    user = make_user("new@example.org", two_factor=False)
    session = client.session
    session["two_factor_setup_allowed_for"] = user.pk
    session.save()
    response = submit_password(client, "new@example.org", PASSWORD)
    assert response.status_code == 302
    return client


def test_first_sign_in_goes_to_set_up_and_nothing_else_opens(newcomer_client: Client) -> None:
    assert newcomer_client.get("/account/")["Location"] == "/account/two-factor/set-up/"
    assert newcomer_client.get("/account/settings/")["Location"] == "/account/two-factor/set-up/"
    response = newcomer_client.get("/account/two-factor/set-up/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in html
    assert 'id="setup-key"' in html


def test_the_qr_code_uses_the_neutral_label(newcomer_client: Client, settings) -> None:
    import base64

    html = newcomer_client.get("/account/two-factor/set-up/").content.decode()
    svg = base64.b64decode(re.search(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", html).group(1))
    assert b"<svg" in svg
    assert "support" not in html.split('id="setup-key"')[0].lower().split("authenticator app")[-1]


def test_a_right_code_sets_up_two_factor_and_shows_backup_codes_once(newcomer_client: Client) -> None:
    html = newcomer_client.get("/account/two-factor/set-up/").content.decode()
    response = newcomer_client.post("/account/two-factor/set-up/", {"code": _code_for_shown_key(html)})

    assert response["Location"] == "/account/backup-codes/"
    assert is_verified(newcomer_client)
    device = TOTPDevice.objects.get(user__email="new@example.org")
    assert device.confirmed and device.name == "default"
    codes_page = newcomer_client.get("/account/backup-codes/").content.decode()
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", codes_page)
    assert len(codes) == 10
    assert BackupCodeDevice.objects.get(user=device.user).remaining() == 10
    again = newcomer_client.get("/account/backup-codes/").content.decode()
    assert not re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", again)
    assert newcomer_client.get("/account/").status_code == 200


def test_the_code_used_at_set_up_cannot_be_used_to_sign_in(newcomer_client: Client) -> None:
    html = newcomer_client.get("/account/two-factor/set-up/").content.decode()
    code = _code_for_shown_key(html)
    newcomer_client.post("/account/two-factor/set-up/", {"code": code})

    other = Client()
    submit_password(other, "new@example.org", PASSWORD)
    other.post("/account/sign-in/", {"sign_in_view-current_step": "token", "token-otp_token": code})
    assert not is_verified(other)


@pytest.mark.parametrize("code", ["", "12ab56", "000000"])
def test_a_bad_code_at_set_up_saves_nothing(newcomer_client: Client, code: str) -> None:
    newcomer_client.get("/account/two-factor/set-up/")
    response = newcomer_client.post("/account/two-factor/set-up/", {"code": code})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'href="#id_code"' in html
    assert not TOTPDevice.objects.exists()
    assert not BackupCodeDevice.objects.exists()
    assert not is_verified(newcomer_client)


def test_the_key_stays_the_same_while_setting_up(newcomer_client: Client) -> None:
    first = newcomer_client.get("/account/two-factor/set-up/").content.decode()
    newcomer_client.post("/account/two-factor/set-up/", {"code": "000000"})
    second = newcomer_client.get("/account/two-factor/set-up/").content.decode()
    key = re.compile(r'id="setup-key">([A-Z2-7 ]+)<')
    assert key.search(first).group(1) == key.search(second).group(1)


def test_submitting_set_up_twice_makes_one_device(newcomer_client: Client) -> None:
    html = newcomer_client.get("/account/two-factor/set-up/").content.decode()
    code = _code_for_shown_key(html)
    newcomer_client.post("/account/two-factor/set-up/", {"code": code})
    response = newcomer_client.post("/account/two-factor/set-up/", {"code": code})
    assert response.status_code == 302
    assert TOTPDevice.objects.count() == 1
    assert BackupCodeDevice.objects.count() == 1


def test_someone_with_two_factor_cannot_open_set_up_to_add_another(alice_client: Client) -> None:
    response = alice_client.get("/account/two-factor/set-up/")
    assert response["Location"] == "/account/"
    assert TOTPDevice.objects.count() == 1


def test_a_password_alone_in_another_browser_cannot_connect_an_authenticator(client: Client) -> None:
    """Someone who knows the password before the person set up two-factor gets an email sent, not a QR code."""
    make_user("new@example.org", two_factor=False)
    submit_password(client, "new@example.org", PASSWORD)

    response = client.get("/account/two-factor/set-up/")
    html = response.content.decode()
    assert "Check your email" in html
    assert 'id="setup-key"' not in html
    assert client.post("/account/two-factor/set-up/", {"code": "123456"}).status_code == 200
    assert not TOTPDevice.objects.exists()
    assert mail.outbox[-1].subject == "Finish setting up your account"
    assert len(mail.outbox) == 1  # not resent on every visit


def test_the_emailed_link_lets_this_browser_set_up(client: Client) -> None:
    make_user("new@example.org", two_factor=False)
    submit_password(client, "new@example.org", PASSWORD)
    client.get("/account/two-factor/set-up/")
    link = re.search(r"https?://[^/]+(/account/two-factor/set-up/[^\s]+/)", mail.outbox[-1].body).group(1)

    response = client.get(link)

    assert response["Location"] == "/account/two-factor/set-up/"
    assert 'id="setup-key"' in client.get("/account/two-factor/set-up/").content.decode()


def test_the_emailed_link_expires_after_an_hour(client: Client) -> None:
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    make_user("new@example.org", two_factor=False)
    submit_password(client, "new@example.org", PASSWORD)
    client.get("/account/two-factor/set-up/")
    link = re.search(r"https?://[^/]+(/account/two-factor/set-up/[^\s]+/)", mail.outbox[-1].body).group(1)
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        response = client.get(link)
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert "two_factor_setup_allowed_for" not in client.session


def test_public_pages_show_nothing_of_the_account_part_way_through_set_up(newcomer_client: Client) -> None:
    html = newcomer_client.get("/").content.decode()
    assert "Sign in" in html
    assert "Your space" not in html


def test_the_set_up_page_opens_the_app_on_this_phone_and_groups_the_key_in_fours(newcomer_client: Client) -> None:
    html = newcomer_client.get("/account/two-factor/set-up/").content.decode()
    link = re.search(r'href="(otpauth://totp/[^"]+)"[^>]*>Open in my authenticator app<', html).group(1)
    key_text = re.search(r'id="setup-key">([A-Z2-7 ]+)<', html).group(1)
    assert all(len(group) == 4 for group in key_text.split())
    assert f"secret={key_text.replace(' ', '')}" in link.replace("&amp;", "&")
    assert f'data-copy-text="{key_text.replace(" ", "")}"' in html


def test_a_wrong_code_puts_the_error_summary_first_linking_to_the_field(newcomer_client: Client) -> None:
    html = newcomer_client.post("/account/two-factor/set-up/", {"code": "000000"}).content.decode()
    main = html.split('id="main-content"')[1]
    assert main.index("govuk-error-summary") < main.index("<h1")
    assert '<a href="#id_code">That code did not work' in main
    assert main.count("govuk-error-summary__title") == 1


def test_nothing_private_is_in_the_navigation_before_set_up(newcomer_client: Client) -> None:
    html = newcomer_client.get("/account/two-factor/set-up/").content.decode()
    navigation = html.split('aria-label="Main"')[1].split("</nav>")[0]
    for private in ["Your space", "Diary", "Settings", "Requests"]:
        assert private not in navigation
    assert "Sign out" in navigation
    assert "Create an account" not in navigation


@pytest.mark.django_db(transaction=True)  # the task worker commits as it goes
def test_only_the_browser_that_typed_the_email_code_may_connect_the_first_authenticator(client: Client) -> None:
    from tests.factories import run_tasks

    client.post("/account/start/", {"is_16_or_over": "yes"})
    client.post(
        "/account/signup/",
        {"email": "sam@example.org", "password1": PASSWORD, "password2": PASSWORD, "role": "victim"},
    )
    run_tasks()
    code = re.search(r"\b(\d{4}-\d{4})\b", mail.outbox[-1].body).group(1)
    assert client.post("/account/confirm-email/", {"action": "verify", "code": code})["Location"] == (
        "/account/sign-in/"
    )

    # Someone else with the password, in another browser (or the mail app's own browser): no QR code.
    other = Client()
    submit_password(other, "sam@example.org", PASSWORD)
    html = other.get("/account/", follow=True).content.decode()
    assert 'id="setup-key"' not in html and "otpauth://" not in html

    # The browser that typed the code: the set-up page.
    submit_password(client, "sam@example.org", PASSWORD)
    html = client.get("/account/", follow=True).content.decode()
    assert 'id="setup-key"' in html and "otpauth://" in html
