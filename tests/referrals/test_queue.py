from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from referrals.models import AuditEntry, CaseNote, Handoff, HandoffStatus, RequestStatus, SupportRequest
from tests.factories import make_user, signed_in_client
from tests.referrals.conftest import request_form

pytestmark = pytest.mark.django_db

CHECK_SEVERE = {
    "safe_now": "yes",
    "worried_about_harm": "no",
    "daily_life": "very_much",
    "harm_thoughts": "no",
    "someone_to_talk_to": "yes",
}


@pytest.fixture
def alices_request(alice_client: Client) -> SupportRequest:
    alice_client.post("/get-support/caseworker/", request_form(name="Alice"))
    return SupportRequest.objects.get()


STAFF_PAGES = [
    ("get", "/staff/requests/"),
    ("get", "/staff/requests/{pk}/"),
    ("post", "/staff/requests/{pk}/claim/"),
    ("post", "/staff/requests/{pk}/close/"),
    ("post", "/staff/requests/{pk}/contact/"),
    ("post", "/staff/requests/{pk}/note/"),
    ("post", "/staff/requests/{pk}/status/"),
    ("get", "/staff/handoffs/{handoff}/"),
    ("post", "/staff/handoffs/{handoff}/send-again/"),
    ("post", "/staff/handoffs/{handoff}/dealt-with/"),
]


@pytest.mark.parametrize(("method", "path"), STAFF_PAGES)
def test_people_who_are_not_caseworkers_get_404(
    alices_request: SupportRequest, alice_client: Client, charlie_client: Client, method: str, path: str
) -> None:
    url = path.format(pk=alices_request.pk, handoff=Handoff.objects.get().pk)
    other_staff = signed_in_client(make_user("editor@example.org", is_staff=True))
    for visitor in (alice_client, charlie_client, other_staff):
        assert getattr(visitor, method)(url, {"status-status": "closed", "note-text": "x"}).status_code == 404
    assert SupportRequest.objects.get().status == RequestStatus.NEW
    assert not CaseNote.objects.exists()


@pytest.mark.parametrize(("method", "path"), STAFF_PAGES)
def test_signed_out_visitors_are_sent_to_sign_in(
    alices_request: SupportRequest, client: Client, method: str, path: str
) -> None:
    url = path.format(pk=alices_request.pk, handoff=Handoff.objects.get().pk)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")


def test_staff_without_two_factor_cannot_open_the_queue(caseworker: Any) -> None:
    password_only = Client()
    password_only.force_login(caseworker)
    response = password_only.get("/staff/requests/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")


def test_the_queue_puts_the_most_urgent_first_then_the_longest_waiting(
    caseworker_client: Client, alice_client: Client, charlie_client: Client
) -> None:
    alice_client.post("/get-support/caseworker/", request_form())  # oldest, no check
    charlie_client.post("/get-support/check/", CHECK_SEVERE)
    charlie_client.post("/get-support/caseworker/", request_form())
    Client().post("/get-support/out-of-hours/", request_form())  # newest, no check
    newest, urgent, oldest = (
        SupportRequest.objects.order_by("-created_at")[0],
        SupportRequest.objects.get(impact_outcome="severe"),
        SupportRequest.objects.order_by("created_at")[0],
    )
    html = caseworker_client.get("/staff/requests/").content.decode()
    positions = [html.index(f'href="/staff/requests/{item.pk}/"') for item in (urgent, oldest, newest)]
    assert positions == sorted(positions)
    assert "Severe impact" in html


def test_a_caseworker_sees_the_safe_contact_instructions_and_the_view_is_audited(
    caseworker_client: Client, caseworker: Any, alices_request: SupportRequest
) -> None:
    html = caseworker_client.get(f"/staff/requests/{alices_request.pk}/").content.decode()
    assert "How to contact them safely" in html
    assert "<li>Call 07700 900982, mornings (Not on Tuesdays).</li>" in html
    assert "<li>If they do not answer, do not leave a voicemail.</li>" in html
    assert "<li>Do not send them a text.</li>" in html
    assert "<li>Do not email them.</li>" in html
    assert "bluebell" in html
    assert html.index("How to contact them safely") < html.index("Change the status")
    entry = AuditEntry.objects.get()
    assert (entry.staff, entry.support_request, entry.action) == (caseworker, alices_request, "viewed")


def test_a_caseworker_claims_a_request_once(
    caseworker_client: Client, caseworker: Any, alices_request: SupportRequest
) -> None:
    response = caseworker_client.post(f"/staff/requests/{alices_request.pk}/claim/")
    assert response["Location"] == f"/staff/requests/{alices_request.pk}/"
    alices_request.refresh_from_db()
    assert alices_request.status == RequestStatus.CLAIMED
    assert alices_request.claimed_by == caseworker

    other = make_user("kim@example.org", is_staff=True)
    other.groups.add(*caseworker.groups.all())
    signed_in_client(other).post(f"/staff/requests/{alices_request.pk}/claim/")
    alices_request.refresh_from_db()
    assert alices_request.claimed_by == caseworker
    assert AuditEntry.objects.filter(action="claimed").count() == 1


def test_the_person_sees_the_status_change(
    caseworker_client: Client, alice_client: Client, alices_request: SupportRequest
) -> None:
    caseworker_client.post(f"/staff/requests/{alices_request.pk}/claim/")
    assert (
        "A caseworker is working on your request"
        in alice_client.get(f"/get-support/requests/{alices_request.pk}/").content.decode()
    )


def test_recording_that_they_spoke_marks_it_contacted(
    caseworker_client: Client, caseworker: Any, alices_request: SupportRequest
) -> None:
    caseworker_client.post(
        f"/staff/requests/{alices_request.pk}/contact/",
        {"contact-contact_outcome": "spoke", "contact-text": "Talked about compensation"},
    )
    alices_request.refresh_from_db()
    assert alices_request.status == RequestStatus.CONTACTED
    assert alices_request.claimed_by == caseworker
    note = CaseNote.objects.get()
    assert (note.kind, note.contact_outcome, note.author) == ("contact_attempt", "spoke", caseworker)
    html = caseworker_client.get(f"/staff/requests/{alices_request.pk}/").content.decode()
    assert "Talked about compensation" in html


def test_no_answer_is_recorded_without_changing_the_status(
    caseworker_client: Client, alices_request: SupportRequest
) -> None:
    caseworker_client.post(f"/staff/requests/{alices_request.pk}/contact/", {"contact-contact_outcome": "no_answer"})
    alices_request.refresh_from_db()
    assert alices_request.status == RequestStatus.NEW
    assert CaseNote.objects.get().contact_outcome == "no_answer"


def test_notes_and_status_changes_are_recorded_and_audited(
    caseworker_client: Client, alices_request: SupportRequest
) -> None:
    caseworker_client.post(f"/staff/requests/{alices_request.pk}/note/", {"note-text": "Prefers mornings"})
    caseworker_client.post(f"/staff/requests/{alices_request.pk}/status/", {"status-status": "claimed"})
    response = caseworker_client.post(f"/staff/requests/{alices_request.pk}/close/", {"close-outcome": "supported"})
    assert response["Location"] == "/staff/requests/"
    alices_request.refresh_from_db()
    assert alices_request.status == RequestStatus.CLOSED
    assert alices_request.closing_outcome == "supported"
    assert alices_request.closed_at is not None
    assert CaseNote.objects.get(kind="note").text == "Prefers mornings"
    assert list(AuditEntry.objects.order_by("pk").values_list("action", "detail")) == [
        ("note_added", ""),
        ("status_changed", "New to Claimed"),
        ("closed", "Supported"),
    ]
    assert (
        f'href="/staff/requests/{alices_request.pk}/"' not in caseworker_client.get("/staff/requests/").content.decode()
    )
    assert (
        f'href="/staff/requests/{alices_request.pk}/"'
        in caseworker_client.get("/staff/requests/?show=closed").content.decode()
    )


def test_reopening_as_new_releases_the_claim(caseworker_client: Client, alices_request: SupportRequest) -> None:
    caseworker_client.post(f"/staff/requests/{alices_request.pk}/claim/")
    caseworker_client.post(f"/staff/requests/{alices_request.pk}/status/", {"status-status": "new"})
    alices_request.refresh_from_db()
    assert alices_request.claimed_by is None


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        ("note", {"note-text": ""}, "Enter a note"),
        ("contact", {"contact-text": "x"}, "Select what happened"),
        ("status", {"status-status": "lost"}, "Select a status"),
    ],
)
def test_staff_forms_show_errors_and_save_nothing(
    caseworker_client: Client, alices_request: SupportRequest, path: str, data: dict[str, str], message: str
) -> None:
    response = caseworker_client.post(f"/staff/requests/{alices_request.pk}/{path}/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert not CaseNote.objects.exists()
    assert SupportRequest.objects.get().status == RequestStatus.NEW


def test_mine_shows_only_what_i_claimed(
    caseworker_client: Client, alice_client: Client, charlie_client: Client
) -> None:
    alice_client.post("/get-support/caseworker/", request_form())
    charlie_client.post("/get-support/caseworker/", request_form())
    mine, other = SupportRequest.objects.order_by("pk")
    caseworker_client.post(f"/staff/requests/{mine.pk}/claim/")
    html = caseworker_client.get("/staff/requests/?show=mine").content.decode()
    assert f'href="/staff/requests/{mine.pk}/"' in html
    assert f'href="/staff/requests/{other.pk}/"' not in html


def test_the_queue_loads_in_a_fixed_number_of_queries(
    caseworker_client: Client, alice_client: Client, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        alice_client.post("/get-support/caseworker/", request_form())
    for item in SupportRequest.objects.all()[:3]:
        caseworker_client.post(f"/staff/requests/{item.pk}/claim/")
    with django_assert_max_num_queries(12):
        caseworker_client.get("/staff/requests/")


def test_a_kept_silvercloud_hand_off_needs_attention_until_dealt_with(
    caseworker_client: Client, caseworker: Any, alice_client: Client
) -> None:
    from tests.referrals.test_silvercloud import consent_form

    alice_client.post("/get-support/silvercloud/consent/", consent_form())
    handoff = Handoff.objects.get()
    assert handoff.status == HandoffStatus.KEPT
    queue = caseworker_client.get("/staff/requests/").content.decode()
    assert f'href="/staff/handoffs/{handoff.pk}/"' in queue
    detail = caseworker_client.get(f"/staff/handoffs/{handoff.pk}/").content.decode()
    assert "alice@example.org" in detail
    assert "Worry and anxiety" in detail

    caseworker_client.post(f"/staff/handoffs/{handoff.pk}/dealt-with/")

    handoff.refresh_from_db()
    assert handoff.resolved_by == caseworker
    assert f'href="/staff/handoffs/{handoff.pk}/"' not in caseworker_client.get("/staff/requests/").content.decode()
    assert list(AuditEntry.objects.filter(handoff=handoff).values_list("action", flat=True)) == [
        "handoff_resolved",
        "viewed",
    ]
    assert "Sent" in alice_client.get("/get-support/yours/").content.decode()


def test_caseworkers_get_a_link_to_the_queue_on_their_home_page(
    caseworker_client: Client, alice_client: Client
) -> None:
    assert 'href="/staff/requests/"' in caseworker_client.get("/account/").content.decode()
    assert 'href="/staff/requests/"' not in alice_client.get("/account/").content.decode()


def test_the_caseworkers_group_is_created_by_a_migration() -> None:
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group

    migration = importlib.import_module("referrals.migrations.0002_caseworkers_group_and_needs")
    Group.objects.filter(name="Caseworkers").delete()
    migration.create(apps, None)
    migration.create(apps, None)  # safe to run twice
    assert Group.objects.filter(name="Caseworkers").count() == 1


def test_get_support_is_the_current_section_on_its_pages_but_not_on_the_staff_pages(
    caseworker_client: Client,
) -> None:
    current = 'href="/get-support/" aria-current="page"'
    assert current in caseworker_client.get("/get-support/organisations/").content.decode()
    assert current not in caseworker_client.get("/staff/requests/").content.decode()


def test_the_staff_pages_never_read_a_diary(caseworker_client: Client, alices_request: SupportRequest) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        for path in ["/staff/requests/", f"/staff/requests/{alices_request.pk}/"]:
            assert caseworker_client.get(path).status_code == 200
    assert not [query for query in queries.captured_queries if "diary" in query["sql"]]


def test_urgency_shows_the_answers_behind_it_and_the_role_is_visible(
    caseworker_client: Client, alice_client: Client, charlie_client: Client
) -> None:
    danger = dict(CHECK_SEVERE, safe_now="no")
    alice_client.post("/get-support/check/", danger)
    alice_client.post("/get-support/caseworker/", request_form())
    charlie_client.post(
        "/get-support/check/",
        {
            "safe_now": "yes",
            "worried_about_harm": "no",
            "daily_life": "very_much",
            "harm_thoughts": "no",
            "someone_to_talk_to": "yes",
        },
    )
    charlie_client.post("/get-support/caseworker/", request_form())
    in_danger, struggling = SupportRequest.objects.order_by("pk")
    assert in_danger.urgency_reason_labels()[0] == "Said they may be in danger now"
    assert struggling.urgency_reason_labels() == ["Finding it hard to cope with everyday life"]
    html = caseworker_client.get("/staff/requests/").content.decode()
    assert "Said they may be in danger now" in html
    assert "Finding it hard to cope with everyday life" in html
    assert "I have experienced crime" in html
    detail = caseworker_client.get(f"/staff/requests/{struggling.pk}/").content.decode()
    assert "Why this is urgent: Finding it hard to cope with everyday life." in detail
    assert "Said they may be in danger now" not in detail


def test_the_queue_filters_by_police_force_area(
    caseworker_client: Client, alice_client: Client, charlie_client: Client
) -> None:
    alice_client.post("/get-support/caseworker/", request_form(area="kent"))
    charlie_client.post("/get-support/caseworker/", request_form())
    in_kent, nowhere = SupportRequest.objects.order_by("pk")
    assert in_kent.area_name == "Kent"
    html = caseworker_client.get("/staff/requests/?area=kent").content.decode()
    assert f'href="/staff/requests/{in_kent.pk}/"' in html
    assert f'href="/staff/requests/{nowhere.pk}/"' not in html
    html = caseworker_client.get("/staff/requests/?area=none").content.decode()
    assert f'href="/staff/requests/{in_kent.pk}/"' not in html
    assert f'href="/staff/requests/{nowhere.pk}/"' in html
    assert caseworker_client.get("/staff/requests/?area=atlantis").status_code == 200


def test_an_unknown_area_is_refused_on_the_form(alice_client: Client) -> None:
    html = alice_client.post("/get-support/caseworker/", request_form(area="atlantis")).content.decode()
    assert "Select a place from the list" in html
    assert not SupportRequest.objects.exists()


def test_the_request_page_shows_changes_first_and_folds_the_views_away(
    caseworker_client: Client, alices_request: SupportRequest
) -> None:
    for _ in range(3):
        caseworker_client.get(f"/staff/requests/{alices_request.pk}/")
    caseworker_client.post(f"/staff/requests/{alices_request.pk}/claim/")
    html = caseworker_client.get(f"/staff/requests/{alices_request.pk}/").content.decode()
    changes = html.split('id="changes"')[1].split("</ul>")[0]
    views = html.split('id="views"')[1].split("</details>")[0]
    assert "claimed" in changes and "opened" not in changes
    assert "Who opened it (4 times)" in views
    assert AuditEntry.objects.filter(action="viewed").count() == 4  # every view is kept


def test_on_postgresql_the_open_queue_is_read_in_order_from_its_own_index() -> None:
    """A page of the queue and its count never sort or scan every request, however many there are."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: run with DATABASE_URL set")
    page = SupportRequest.objects.for_queue().open()[:50]
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        # A test database is too small for the planner to prefer any index: rule out the alternatives,
        # so a Sort left in the plan means no index gives the queue's order.
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "request_open_queue" in plan, plan
    assert "Sort" not in plan, plan
