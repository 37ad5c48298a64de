"""Download my data and delete my account include impact checks, requests and hand-offs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from accounts import services as account_services
from referrals.models import AuditEntry, CaseNote, Handoff, ImpactCheck, SupportRequest
from tests.referrals.conftest import request_form
from tests.referrals.test_silvercloud import consent_form

pytestmark = pytest.mark.django_db

CHECK = {
    "safe_now": "yes",
    "worried_about_harm": "no",
    "daily_life": "quite_a_lot",
    "harm_thoughts": "no",
    "someone_to_talk_to": "yes",
}


@pytest.fixture
def alice_has_used_referrals(alice_client: Client) -> None:
    alice_client.post("/get-support/check/", CHECK)
    alice_client.post("/get-support/caseworker/", request_form(name="Alice", code_word="bluebell"))
    alice_client.post("/get-support/silvercloud/consent/", consent_form())


def test_download_includes_checks_requests_and_hand_offs(
    alice_client: Client, alice_has_used_referrals: None, charlie_client: Client
) -> None:
    charlie_client.post("/get-support/caseworker/", request_form(name="Charlie"))
    response = alice_client.post("/account/settings/download/")
    data = json.loads(response.content)["referrals"]
    assert [check["outcome"] for check in data["impact_checks"]] == ["moderate"]
    assert data["impact_checks"][0]["daily_life"] == "quite_a_lot"
    [request] = data["requests"]
    assert request["name"] == "Alice"
    assert request["code_word"] == "bluebell"
    assert request["phone"] == "07700900982"
    assert {handoff["to"] for handoff in data["handoffs"]} == {"SilverCloud", "Case management system"}
    assert "Charlie" not in response.content.decode()


def test_deleting_the_account_deletes_everything_and_keeps_an_anonymous_audit(
    alice: Any, alice_has_used_referrals: None, caseworker_client: Client, charlie_client: Client
) -> None:
    charlie_client.post("/get-support/caseworker/", request_form(name="Charlie"))
    alices = SupportRequest.objects.get(user=alice)
    caseworker_client.get(f"/staff/requests/{alices.pk}/")
    caseworker_client.post(f"/staff/requests/{alices.pk}/note/", {"note-text": "Called back"})

    account_services.delete_account(user=alice)

    assert not ImpactCheck.objects.exists()
    assert list(SupportRequest.objects.values_list("name", flat=True)) == ["Charlie"]
    assert not Handoff.objects.filter(payload__name="Alice").exists()
    assert Handoff.objects.count() == 1  # Charlie's
    assert not CaseNote.objects.exists()
    # Staff actions stay on record, pointing at nothing and naming no one but the staff member.
    entries = list(AuditEntry.objects.values_list("reference", "support_request", "staff_email"))
    assert entries and all(support_request is None for _, support_request, _ in entries)
    assert {reference for reference, _, _ in entries} == {alices.reference}


def test_the_eraser_is_registered() -> None:
    from accounts import registry

    assert "referrals" in registry.erasers()
    assert "referrals" in registry.exporters()
