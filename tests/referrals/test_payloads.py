"""What partner systems receive: every kind of payload matches its published, versioned schema."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from pytest_httpserver import HTTPServer

from referrals.models import Handoff, Organisation, SupportRequest
from tests.referrals.conftest import request_form
from tests.referrals.schemas import SCHEMAS, assert_matches_schema, validator_for

pytestmark = pytest.mark.django_db

CHECK_DANGER = {
    "safe_now": "no",
    "worried_about_harm": "yes",
    "daily_life": "very_much",
    "harm_thoughts": "no",
    "someone_to_talk_to": "yes",
}


def test_every_published_schema_is_valid_and_versioned() -> None:
    files = sorted(path.name for path in SCHEMAS.glob("*.json"))
    assert files == ["caseworker-request.v3.json", "caseworker-update.v1.json", "silvercloud-registration.v2.json"]
    for path in SCHEMAS.glob("*.json"):
        schema_id = json.loads(path.read_text())["$id"]
        validator_for(schema_id)


@pytest.mark.django_db(transaction=True)
def test_a_request_update_and_close_all_match_their_schemas(
    alice_client: Client, caseworker_client: Client, receiving_end: HTTPServer, run_worker: Any
) -> None:
    receiving_end.expect_request("/caseworker", method="POST").respond_with_data("ok")
    alice_client.post("/get-support/check/", CHECK_DANGER)
    alice_client.post(
        "/get-support/caseworker/", request_form(contact_method="text", text_safe="yes", area="kent", share_guides="")
    )
    support_request = SupportRequest.objects.get()
    alice_client.post(
        f"/get-support/requests/{support_request.pk}/change/",
        request_form(contact_method="email", email="sam@example.org", email_safe="yes"),
    )
    organisation = Organisation.objects.create(slug="refuge", name="Refuge", summary="s", opening_hours="Any time")
    caseworker_client.post(
        f"/staff/requests/{support_request.pk}/close/",
        {"close-outcome": "referred", "close-referred_to": organisation.pk, "close-referral_consent": "on"},
    )
    run_worker()

    bodies = [json.loads(request.get_data()) for request, _ in receiving_end.log]
    assert [body["schema"] for body in bodies] == ["caseworker-request/3", "caseworker-update/1", "caseworker-update/1"]
    first, changed, closed = bodies
    assert first["urgency_reasons"] == [
        {"code": "not_safe_now", "label": "Said they may be in danger now"},
        {"code": "worried_about_harm", "label": "Worried someone will hurt them or someone close in the next few days"},
        {"code": "hard_to_cope", "label": "Finding it hard to cope with everyday life"},
    ]
    assert first["area"] == {"code": "kent", "label": "Kent"}
    assert first["contact"]["method"] == {"code": "text", "label": "Text message"}
    assert changed["event"] == "changed" and "contact_method" in changed["changed_fields"]
    assert closed["outcome"] == {"code": "referred", "label": "Referred to a partner organisation"}
    assert closed["referred_to"] == "Refuge"
    for body in bodies:
        assert_matches_schema(body)


def test_a_silvercloud_registration_matches_its_schema(alice_client: Client) -> None:
    alice_client.post(
        "/get-support/silvercloud/consent/",
        {
            "name": "Al",
            "topics": ["sleep"],
            "consent": "on",
            "submission_token": "0b7e5f7e-5a3c-4b8a-9d55-1b2c3d4e5f60",
        },
    )
    assert_matches_schema(Handoff.objects.get().payload)


def test_the_schemas_catch_a_payload_that_breaks_them(alice_client: Client) -> None:
    alice_client.post("/get-support/caseworker/", request_form())
    payload = Handoff.objects.get().payload
    assert_matches_schema(payload)
    payload["contact"]["method"] = "phone"  # words without their code
    with pytest.raises(AssertionError, match="contact"):
        assert_matches_schema(payload)
    payload["contact"]["method"] = {"code": "text", "label": "Text message"}
    payload["contact"]["text_safe"] = False  # texting someone who said texts are not safe
    with pytest.raises(AssertionError, match="text_safe"):
        assert_matches_schema(payload)
