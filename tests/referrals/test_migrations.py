"""The one old safety answer ("a voicemail or message is safe") becomes three, and a contradiction
in an existing request is flagged to the caseworker rather than silently resolved."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("referrals", "0003_alter_impactcheck_harm_thoughts")]
AFTER = [("referrals", "0005_contact_safety_constraints")]


def test_old_answers_are_split_per_way_of_contact() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    OldRequest = old_apps.get_model("referrals", "SupportRequest")

    def make(method: str, safe: bool) -> int:
        return OldRequest.objects.create(
            kind="caseworker",
            contact_method=method,
            phone="07700900982",
            message_safe=safe,
            submission_token=uuid.uuid4(),
        ).pk

    phone_unsafe = make("phone", False)
    text_safe = make("text", True)
    text_contradiction = make("text", False)
    email_contradiction = make("email", False)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new_apps = executor.loader.project_state(AFTER).apps
    Request = new_apps.get_model("referrals", "SupportRequest")
    CaseNote = new_apps.get_model("referrals", "CaseNote")

    def flags(pk: int) -> tuple[bool | None, ...]:
        item = Request.objects.get(pk=pk)
        return (item.voicemail_safe, item.text_safe, item.email_safe)

    assert flags(phone_unsafe) == (False, False, False)
    assert flags(text_safe) == (True, True, True)
    assert flags(text_contradiction) == (False, True, False)
    assert flags(email_contradiction) == (False, False, True)
    flagged = set(CaseNote.objects.values_list("request_id", flat=True))
    assert flagged == {text_contradiction, email_contradiction}
    assert "Check with them" in CaseNote.objects.get(request_id=text_contradiction).text

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
