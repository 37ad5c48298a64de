"""Passkeys in a real Chromium, with its virtual authenticator (the DevTools WebAuthn domain),
on a 390 px phone screen: sign up with one, sign in with it, add an app, remove the passkey;
and another account's passkey does not get anyone in."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django_otp.oath import TOTP
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from tests.conftest import CHROMIUM
from tests.e2e.conftest import assert_accessible, html_problems, watch_html_pages
from tests.factories import current_code, make_user, run_tasks, signed_in_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "sam@example.org"
PASSWORD = "a long and private passphrase"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A browser of its own for each test: Chromium's virtual authenticators now and then refuse
    requests in a browser where another test's authenticator came and went."""
    own_browser = browser.browser_type.launch(
        executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
    )
    context = own_browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    opened = watch_html_pages(page)
    yield page
    problems = html_problems(opened)
    context.close()
    own_browser.close()
    assert problems == {}, "pages that are not well-formed HTML"


@pytest.fixture
def site(server_url: str) -> str:
    """Browsers offer passkeys to https sites and to localhost only."""
    return server_url.replace("127.0.0.1", "localhost")


def add_virtual_authenticator(page: Page) -> tuple[Any, str]:
    # Browsers answer passkey requests only from the page in front.
    page.bring_to_front()
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def press_passkey_button(page: Page, name: str) -> None:
    """Browsers answer passkey requests only from the window in front."""
    page.bring_to_front()
    page.get_by_role("button", name=name).click()


def _open_menu_and_click(page: Page, name: str, role: str = "link") -> None:
    page.get_by_role("button", name="Menu").click()
    page.get_by_role(role, name=name).click()


def _sign_in_with_password(page: Page, site: str) -> None:
    page.goto(f"{site}/account/sign-in/")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()


def test_sign_up_with_a_passkey_sign_in_with_it_add_an_app_and_remove_it(page: Page, site: str, axe: Axe) -> None:
    page.set_viewport_size(PHONE)
    add_virtual_authenticator(page)

    page.goto(f"{site}/")
    _open_menu_and_click(page, "Create an account")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Enter your password again").fill(PASSWORD)
    page.get_by_label("I have experienced crime").check()
    page.get_by_role("button", name="Create account").click()
    run_tasks()
    page.get_by_label("Code from the email").fill(re.search(r"\b(\d{4}-\d{4})\b", mail.outbox[-1].body).group(1))
    page.get_by_role("button", name="Confirm").click()
    _sign_in_with_password(page, site)

    expect(page.locator("h1")).to_have_text("Protect your account")
    expect(page.get_by_text("shared family Apple, Google or Microsoft account")).to_be_visible()
    assert_accessible(axe, page)
    press_passkey_button(page, "Create a passkey")
    expect(page.locator("h1")).to_have_text("Write down your backup codes")
    codes = [code.inner_text() for code in page.locator(".app-backup-codes code").all()]
    sam = User.objects.get(email=EMAIL)
    assert WebAuthnCredential.objects.filter(user=sam).count() == 1
    page.get_by_role("link", name="I have kept my codes safe").click()
    expect(page.locator("h1")).to_have_text("Would you like to tell us what happened?")
    page.get_by_role("button", name="Skip this question").click()
    expect(page.locator("h1")).to_have_text("Your space")

    # Sign out, then back in with the password and the passkey.
    _open_menu_and_click(page, "Sign out", role="button")
    _sign_in_with_password(page, site)
    expect(page.locator("h1")).to_have_text("Use your passkey")
    assert_accessible(axe, page)
    press_passkey_button(page, "Use my passkey")
    expect(page.locator("h1")).to_have_text("Your space")

    # The only passkey cannot be removed; connect an app (checked with a backup code), then it can.
    page.goto(f"{site}/account/settings/")
    assert_accessible(axe, page)
    expect(page.get_by_role("button", name="Remove passkey 1")).to_have_count(0)
    page.get_by_role("link", name="Connect one authenticator app").click()
    page.get_by_label("Code from your authenticator app, or a backup code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("I cannot scan the code").click()
    key_text = page.locator("#setup-key").inner_text().replace(" ", "")
    key = base64.b32decode(key_text + "=" * (-len(key_text) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    page.get_by_label("Code from your authenticator app").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="Continue").click()
    page.goto(f"{site}/account/settings/")
    page.get_by_role("button", name="Remove passkey 1").click()
    expect(page.get_by_text("That passkey is removed")).to_be_visible()
    assert not WebAuthnCredential.objects.filter(user=sam).exists()

    # Still signed in; next time the app's code is asked for.
    page.context.clear_cookies()
    _sign_in_with_password(page, site)
    expect(page.locator("h1")).to_have_text("Enter your code")


def _add_passkey_in_settings(page: Page, site: str, user: Any) -> None:
    client = signed_in_client(user)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site}])
    page.goto(f"{site}/account/settings/passkeys/add/")
    page.get_by_label("Code from your authenticator app, or a backup code").fill(current_code(user))
    page.get_by_role("button", name="Continue").click()
    press_passkey_button(page, "Create a passkey")
    expect(page.get_by_text("Your passkey is added")).to_be_visible()


def test_a_passkey_of_another_account_does_not_work_here(page: Page, site: str, axe: Axe) -> None:
    page.set_viewport_size(PHONE)
    cdp, authenticator = add_virtual_authenticator(page)
    alice = make_user("alice@example.org")
    charlie = make_user("charlie@example.org")
    _add_passkey_in_settings(page, site, charlie)
    _add_passkey_in_settings(page, site, alice)
    # This phone now holds charlie's passkey only.
    alices = WebAuthnCredential.objects.get(user=alice)
    cdp.send(
        "WebAuthn.removeCredential",
        {"authenticatorId": authenticator, "credentialId": base64.b64encode(bytes(alices.credential_id)).decode()},
    )

    page.context.clear_cookies()
    page.goto(f"{site}/account/sign-in/")
    page.get_by_label("Email address").fill("alice@example.org")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Use a passkey instead").click()
    expect(page.locator("h1")).to_have_text("Use your passkey")

    # The browser finds none of alice's passkeys here.
    page.get_by_role("button", name="Use my passkey").click()
    expect(page.get_by_text("Your passkey was not used")).to_be_visible()

    # Answering with charlie's passkey anyway (any passkey the phone holds) is refused by the server.
    page.evaluate(
        """async () => {
          const options = JSON.parse(document.getElementById('passkey-options').textContent);
          options.allowCredentials = [];
          const credential = await navigator.credentials.get(
            {publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options)});
          const field = document.querySelector('[data-passkey-field]');
          field.value = JSON.stringify(credential.toJSON());
          field.form.submit();
        }"""
    )
    expect(page.locator(".govuk-error-summary")).to_contain_text("That passkey did not work")
    assert_accessible(axe, page)
    page.goto(f"{site}/account/")
    expect(page.locator("h1")).to_have_text("Sign in")


def test_while_guarded_a_passkey_works_in_place_of_the_code(page: Page, site: str, axe: Axe) -> None:
    from accounts import guard

    page.set_viewport_size(PHONE)
    add_virtual_authenticator(page)
    alice = make_user("alice@example.org")
    _add_passkey_in_settings(page, site, alice)
    for _ in range(5):
        guard.record_failure(email="alice@example.org", address="203.0.113.5")

    page.context.clear_cookies()
    page.goto(f"{site}/account/sign-in/")
    page.get_by_label("Email address").fill("alice@example.org")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_label("Code from your authenticator app, or a backup code")).to_be_visible()
    assert_accessible(axe, page)
    # The page asks again for the password with the code or passkey (it is never kept in the page).
    page.get_by_label("Password").fill("correct horse battery staple")
    press_passkey_button(page, "Use a passkey instead of a code")
    expect(page.locator("h1")).to_have_text("Your space")
