from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import User
from tests.accounts.helpers import submit_password
from tests.factories import PASSWORD, current_code

pytestmark = pytest.mark.django_db


def _rows_referring_to(user_id: int) -> dict[str, int]:
    """Every row in every table with a foreign key to the user model, or a user_id-like column."""
    found = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey) and field.related_model is User:
                count = model._base_manager.filter(**{field.name: user_id}).count()
                if count:
                    found[f"{model._meta.label}.{field.name}"] = count
    return found


def test_download_my_data_is_one_json_file_with_every_section(alice_client: Client, alice) -> None:
    services.replace_backup_codes(user=alice)
    response = alice_client.post("/account/settings/download/")

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="account-data-')
    data = json.loads(response.content)
    assert data["account"]["email"] == "alice@example.org"
    assert data["account"]["role"] == "victim"
    assert data["account"]["two_factor"] == {
        "authenticator_set_up": True,
        "passkeys": [],
        "backup_codes_left": 10,
        "reset_by_staff": [],
    }
    from accounts import registry

    assert set(registry.exporters()) <= set(data)


def test_the_download_page_is_a_page_first(alice_client: Client) -> None:
    response = alice_client.get("/account/settings/download/")
    assert response.status_code == 200
    assert "Download my information" in response.content.decode()


def test_deleting_needs_password_and_code(alice_client: Client, alice) -> None:
    response = alice_client.post("/account/settings/delete/", {"password": "wrong", "code": current_code(alice)})
    assert "That password is not right" in response.content.decode()
    response = alice_client.post("/account/settings/delete/", {"password": PASSWORD, "code": "000000"})
    assert "That code did not work" in response.content.decode()
    assert User.objects.filter(pk=alice.pk).exists()


def test_deleting_removes_every_row_referring_to_the_person(alice_client: Client, alice, charlie) -> None:
    services.replace_backup_codes(user=alice)
    # A failed sign-in leaves a record kept by email address; it must go too.
    submit_password(Client(), "alice@example.org", "wrong password")
    user_id = alice.pk
    assert _rows_referring_to(user_id)

    response = alice_client.post("/account/settings/delete/", {"password": PASSWORD, "code": current_code(alice)})

    assert response["Location"] == "/account/deleted/"
    assert not User.objects.filter(pk=user_id).exists()
    assert _rows_referring_to(user_id) == {}
    from accounts import guard
    from accounts.models import SignInFailure

    assert not SignInFailure.objects.filter(account_key=guard.account_key("alice@example.org")).exists()
    from django.contrib.sessions.models import Session

    assert all(s.get_decoded().get("_auth_user_id") != str(user_id) for s in Session.objects.all())
    assert "_auth_user_id" not in alice_client.session
    # charlie is untouched
    assert TOTPDevice.objects.filter(user=charlie).exists()
    assert "Your account has been deleted" in alice_client.get("/account/deleted/").content.decode()
    # And nobody can sign in as alice any more.
    assert "Enter a correct email address" in submit_password(Client(), "alice@example.org", PASSWORD).content.decode()
