"""Sharing what happened (the person's crime types) with a caseworker request: only when ticked."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from referrals.models import Handoff, SupportRequest
from situation.models import WhatHappened
from tests.referrals.conftest import request_form
from tests.referrals.schemas import assert_matches_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_said_what_happened(alice: Any) -> WhatHappened:
    return WhatHappened.objects.create(user=alice, crime_types=["burglary", "fraud"], reported="yes")


def test_the_choice_is_offered_unticked_with_what_they_said(
    alice_client: Client, alice_said_what_happened: WhatHappened
) -> None:
    html = alice_client.get("/get-support/caseworker/").content.decode()
    assert "Share what happened to me" in html
    assert "Burglary (someone broke into my home), Fraud or a scam" in html
    assert 'name="share_what_happened"' in html
    assert 'name="share_what_happened" checked' not in html


def test_the_choice_is_not_offered_when_there_is_nothing_to_share(alice_client: Client, alice: Any) -> None:
    assert 'name="share_what_happened"' not in alice_client.get("/get-support/caseworker/").content.decode()
    WhatHappened.objects.create(user=alice, crime_types=["rather-not-say"])
    assert 'name="share_what_happened"' not in alice_client.get("/get-support/caseworker/").content.decode()


def test_what_happened_is_not_shared_unless_ticked(
    alice_client: Client, alice_said_what_happened: WhatHappened, caseworker_client: Client
) -> None:
    alice_client.post("/get-support/caseworker/", request_form())
    support_request = SupportRequest.objects.get()
    assert support_request.crime_types_shared == []
    payload = Handoff.objects.get().payload
    assert payload["what_happened"] == []
    assert "burglary" not in str(payload).lower()
    assert_matches_schema(payload)
    html = caseworker_client.get(f"/staff/requests/{support_request.pk}/").content.decode()
    assert "Burglary" not in html


def test_ticked_it_goes_to_the_caseworker_and_the_payload_with_stable_codes(
    alice_client: Client, alice_said_what_happened: WhatHappened, caseworker_client: Client
) -> None:
    alice_client.post("/get-support/caseworker/", request_form(share_what_happened="on"))
    support_request = SupportRequest.objects.get()
    assert support_request.crime_types_shared == ["burglary", "fraud"]
    payload = Handoff.objects.get().payload
    assert payload["schema"] == "caseworker-request/3"
    assert payload["what_happened"] == [
        {"code": "burglary", "label": "Burglary (someone broke into my home)"},
        {"code": "fraud", "label": "Fraud or a scam"},
    ]
    assert_matches_schema(payload)
    staff_html = caseworker_client.get(f"/staff/requests/{support_request.pk}/").content.decode()
    assert "Burglary (someone broke into my home), Fraud or a scam" in staff_html
    own_html = alice_client.get(f"/get-support/requests/{support_request.pk}/").content.decode()
    assert "What happened, shared" in own_html


def test_the_schema_rejects_a_crime_type_without_its_code(
    alice_client: Client, alice_said_what_happened: WhatHappened
) -> None:
    alice_client.post("/get-support/caseworker/", request_form(share_what_happened="on"))
    payload = Handoff.objects.get().payload
    payload["what_happened"] = ["Burglary"]
    with pytest.raises(AssertionError, match="what_happened"):
        assert_matches_schema(payload)


def test_a_later_change_to_what_happened_does_not_change_what_was_shared(
    alice_client: Client, alice_said_what_happened: WhatHappened
) -> None:
    alice_client.post("/get-support/caseworker/", request_form(share_what_happened="on"))
    alice_said_what_happened.delete()
    assert SupportRequest.objects.get().crime_types_shared == ["burglary", "fraud"]


def test_out_of_hours_requests_never_carry_it(
    client: Client, alice: Any, alice_said_what_happened: WhatHappened
) -> None:
    from tests.factories import signed_in_client

    signed_in_client(alice).post("/get-support/out-of-hours/", request_form(share_what_happened="on", name="Sam"))
    assert SupportRequest.objects.get().crime_types_shared == []
    assert Handoff.objects.get().payload["what_happened"] == []


def test_it_is_in_download_my_data(alice: Any, alice_client: Client, alice_said_what_happened: WhatHappened) -> None:
    from referrals.services import export_for

    alice_client.post("/get-support/caseworker/", request_form(share_what_happened="on"))
    [exported] = export_for(alice)["requests"]
    assert exported["what_happened_shared"] == ["burglary", "fraud"]
