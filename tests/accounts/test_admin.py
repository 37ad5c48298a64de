from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import make_user, signed_in_client

pytestmark = pytest.mark.django_db


def test_admin_opens_for_verified_staff() -> None:
    staff = make_user("staff@example.org", is_staff=True, is_superuser=True)
    assert signed_in_client(staff).get("/admin/").status_code == 200


def test_admin_refuses_staff_with_a_password_alone(client: Client) -> None:
    staff = make_user("staff@example.org", is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")


def test_admin_refuses_verified_non_staff(alice_client: Client) -> None:
    response = alice_client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/" not in alice_client.get(response["Location"]).content.decode()[:0]
    assert alice_client.get("/admin/accounts/user/").status_code == 302


def test_admin_shows_no_password_hashes_or_codes() -> None:
    staff = make_user("staff@example.org", is_staff=True, is_superuser=True)
    html = signed_in_client(staff).get(f"/admin/accounts/user/{staff.pk}/change/").content.decode()
    assert "md5$" not in html


def test_create_staff_makes_an_account_that_signs_in_with_two_factor_set_up_first() -> None:
    from django.core.management import call_command

    from tests.accounts.helpers import submit_password

    call_command("create_staff", "editor@example.org", "--password", "a long staff passphrase")
    client = Client()
    response = submit_password(client, "editor@example.org", "a long staff passphrase")
    assert response.status_code == 302
    assert client.get("/admin/")["Location"] == "/account/two-factor/set-up/"


def test_create_staff_refuses_a_weak_password() -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="too common"):
        call_command("create_staff", "editor@example.org", "--password", "password")


def test_admin_never_shows_an_authenticator_secret(alice) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    staff = make_user("staff@example.org", is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.get(user=alice)
    client = signed_in_client(staff)
    html = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in html
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code in {403, 404}


def test_content_editors_can_edit_guides_but_not_people() -> None:
    from django.core.management import call_command

    call_command(
        "create_staff", "editor@example.org", "--group", "Content editors", "--password", "a long staff passphrase"
    )
    from accounts import services
    from accounts.models import User

    editor = User.objects.get(email="editor@example.org")
    services.set_up_two_factor(user=editor, hex_key=services.new_totp_key(), verified_t=0)
    client = signed_in_client(editor)
    assert client.get("/admin/guides/guide/").status_code == 200
    assert client.get("/admin/guides/guide/add/").status_code == 200
    assert client.get("/admin/referrals/organisation/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 403
