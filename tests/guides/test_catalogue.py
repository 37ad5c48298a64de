"""Published guides kept per process (guides/catalogue.py): fast to read, never out of date after a save."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from deploy.topology import RedisServer
from guides import catalogue
from guides.models import Guide, Status, Step
from tests.factories import make_user, signed_in_client
from tests.guides.factories import make_guide
from tests.redis_down import needs_redis_server, redis

__all__ = ["redis"]  # the fixture

STEP = "/guides/calm-breathing/steps/1/"


@pytest.fixture(autouse=True)
def _nothing_kept() -> None:
    catalogue._forget()


def _a_moment_later(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock moved on past the time a process trusts the content version it last read."""
    later = time.monotonic() + catalogue.VERSION_CHECK_SECONDS + 0.1
    monkeypatch.setattr(catalogue.time, "monotonic", lambda: later)


def _title(client: Client, path: str = STEP) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.context["step"].title


@pytest.mark.django_db
def test_a_step_read_again_costs_no_query(client: Client, django_assert_num_queries: Any) -> None:
    make_guide(steps=2)
    client.get(STEP)
    with django_assert_num_queries(0):
        assert client.get(STEP).status_code == 200


@pytest.mark.django_db
def test_an_editors_save_shows_on_the_next_request(client: Client) -> None:
    guide = make_guide(steps=2)
    assert _title(client) == "Step 1"
    step = guide.steps.order_by("order").first()
    step.title = "Breathing out slowly"
    step.save()
    assert _title(client) == "Breathing out slowly"
    guide.status = Status.DRAFT
    guide.save()
    assert client.get(STEP).status_code == 404


@pytest.mark.django_db
def test_another_process_reads_again_once_the_save_is_committed(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    guide = make_guide(steps=2)
    _title(client)
    elsewhere = dict(catalogue._kept)  # what another process holds, under the old version
    before = cache.get(catalogue.VERSION_KEY)
    with django_capture_on_commit_callbacks() as callbacks:
        Step.objects.filter(guide=guide, title="Step 1").update(title="Changed")
        catalogue.content_changed()
        # Not before the commit: another process could read the old rows again under a new version.
        assert cache.get(catalogue.VERSION_KEY) == before
    for callback in callbacks:
        callback()
    assert cache.get(catalogue.VERSION_KEY) != before
    catalogue._kept.update(elsewhere)
    assert _title(client) == "Changed"


@pytest.mark.django_db
def test_another_process_trusts_the_version_it_read_for_at_most_a_second(
    client: Client, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    guide = make_guide(steps=2)
    _title(client)
    elsewhere = dict(catalogue._kept), catalogue._checked  # another process, a moment ago
    assert elsewhere[1] is not None
    with django_capture_on_commit_callbacks(execute=True):
        Step.objects.filter(guide=guide, title="Step 1").update(title="Changed")
        catalogue.content_changed()
    catalogue._kept.update(elsewhere[0])
    catalogue._checked = elsewhere[1]
    assert cache.get(catalogue.VERSION_KEY) != elsewhere[1][0]
    assert _title(client) == "Step 1"  # the version it read is still trusted...
    _a_moment_later(monkeypatch)
    assert _title(client) == "Changed"  # ...for a second at most


@pytest.mark.django_db
def test_a_change_without_a_save_is_seen_within_the_time_limit(client: Client, settings: Any) -> None:
    guide = make_guide(steps=2)
    _title(client)
    Step.objects.filter(guide=guide, title="Step 1").update(title="Changed")  # no signal, no new version
    assert _title(client) == "Step 1"  # still kept...
    settings.CONTENT_CACHE_SECONDS = 0
    catalogue._kept.clear()
    _title(client)
    Step.objects.filter(guide=guide, title="Changed").update(title="Changed again")
    assert _title(client) == "Changed again"  # ...but never past CONTENT_CACHE_SECONDS


@pytest.mark.django_db
def test_the_admins_return_to_draft_hides_the_guide_at_once(client: Client) -> None:
    guide = make_guide(steps=1)
    assert client.get(STEP).status_code == 200
    editor = signed_in_client(make_user("editor@example.org", is_staff=True, is_superuser=True))
    response = editor.post("/admin/guides/guide/", {"action": "unpublish", "_selected_action": [guide.pk]}, follow=True)
    assert "returned to draft" in response.content.decode()
    assert Guide.objects.get(pk=guide.pk).status == Status.DRAFT
    assert client.get(STEP).status_code == 404


@pytest.mark.django_db
def test_a_members_only_guide_kept_for_a_member_is_still_closed_to_others(client: Client) -> None:
    make_guide(steps=1, members_only=True)
    assert signed_in_client(make_user("alice@example.org")).get(STEP).status_code == 200
    assert "calm-breathing" in catalogue._kept
    assert client.get(STEP).status_code == 404


@pytest.mark.django_db
def test_made_up_addresses_are_not_kept(client: Client) -> None:
    make_guide(steps=1)
    for number in range(20):
        assert client.get(f"/guides/no-such-guide-{number}/steps/1/").status_code == 404
    assert catalogue._kept == {}


@needs_redis_server
@pytest.mark.django_db
def test_with_the_shared_cache_down_guides_come_from_the_database(
    client: Client, redis: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    guide = make_guide(steps=1)
    assert _title(client) == "Step 1"
    redis.stop()
    Step.objects.filter(guide=guide).update(title="Changed while Redis was down")
    _a_moment_later(monkeypatch)
    assert _title(client) == "Changed while Redis was down"
    Step.objects.filter(guide=guide).update(title="Changed again")
    assert _title(client) == "Changed again"  # nothing is trusted while the version cannot be read


@pytest.mark.django_db
def test_suggested_guides_follow_an_editors_change_at_once(alice_client: Client) -> None:
    make_guide(steps=1, title="Calm breathing")
    assert "Calm breathing" in alice_client.get("/account/").content.decode()
    guide = Guide.objects.get(slug="calm-breathing")
    guide.title = "Slow breathing"
    guide.save()
    home = alice_client.get("/account/").content.decode()
    assert "Slow breathing" in home
    assert "Calm breathing" not in home
    guide.status = Status.DRAFT
    guide.save()
    assert "Slow breathing" not in alice_client.get("/account/").content.decode()


@pytest.mark.django_db
def test_a_signed_out_step_is_drawn_once_and_again_after_a_save(client: Client, django_assert_num_queries: Any) -> None:
    guide = make_guide(steps=2)
    client.get(STEP)
    with django_assert_num_queries(0):
        first = client.get(STEP).content.decode()
    assert "Create a free account</a> to save your place" in first
    step = guide.steps.get(title="Step 1")
    step.body_markdown = "Breathe out slowly, longer than you breathe in."
    step.save()
    assert "Breathe out slowly" in client.get(STEP).content.decode()


@pytest.mark.django_db
def test_the_kept_signed_out_step_is_never_what_a_signed_in_person_sees(client: Client) -> None:
    make_guide(steps=2)
    client.get(STEP)  # kept for people signed out
    alice = signed_in_client(make_user("alice@example.org"))
    page = alice.get(STEP).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page and "Save and come back later" in page
    assert "to save your place" not in page
    assert "to save your place" in client.get(STEP).content.decode()


def _csrf_client(user: Any) -> Client:
    client = signed_in_client(user)
    client.handler.enforce_csrf_checks = True
    return client


def _token(page: str) -> str:
    import re

    # The step's own form (each token on a page is masked differently, all of them valid).
    form = page[page.index(f'action="{STEP}save/"') :]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]


@pytest.mark.django_db
def test_a_signed_in_step_is_kept_without_anyones_token(django_assert_num_queries: Any) -> None:
    make_guide(steps=2)
    alice, bob = make_user("alice@example.org"), make_user("bob@example.org")
    alice_client, bob_client = _csrf_client(alice), _csrf_client(bob)
    alice_page = alice_client.get(STEP).content.decode()
    bob_page = bob_client.get(STEP).content.decode()
    kept = "".join(str(entry[2]) for entry in catalogue._drawn["step-signed-in"].values())
    assert "csrf-stand-in" in kept and "csrf-stand-in" not in alice_page + bob_page
    alice_token, bob_token = _token(alice_page), _token(bob_page)
    assert alice_token not in kept and bob_token not in kept
    # Each person's page carries their own token, which works for them and no one else.
    assert bob_client.post(f"{STEP}save/", {"action": "next", "csrfmiddlewaretoken": "x" * 64}).status_code == 403
    assert bob_client.post(f"{STEP}save/", {"action": "next", "csrfmiddlewaretoken": bob_token}).status_code == 302
    assert alice_client.post(f"{STEP}save/", {"action": "next", "csrfmiddlewaretoken": alice_token}).status_code == 302


@pytest.mark.django_db
def test_a_kept_signed_in_step_shows_each_person_their_own_place() -> None:
    from guides import services
    from guides.models import StepKind
    from tests.guides.factories import add_step

    guide = make_guide(steps=0)
    tip = add_step(guide, kind=StepKind.TIPS, title="Small things")
    add_step(guide, title="After")
    alice, bob = make_user("alice@example.org"), make_user("bob@example.org")
    services.save_step(user=alice, step=tip, go_to=None, finish=True)
    services.save_to_things_that_help(user=alice, step=tip)
    alice_client, bob_client = signed_in_client(alice), signed_in_client(bob)
    for _ in range(2):  # drawn, then kept
        alice_page = alice_client.get(STEP).content.decode()
        bob_page = bob_client.get(STEP).content.decode()
        assert "Completed" in alice_page and "Completed" not in bob_page
        assert "on your list of" in alice_page and "on your list of" not in bob_page
        assert "Save to things that help me" in bob_page and "Save to things that help me" not in alice_page
    assert len(catalogue._drawn["step-signed-in"]) == 2
    step = guide.steps.get(title="Small things")
    step.body_markdown = "A new tip."
    step.save()
    assert "A new tip." in bob_client.get(STEP).content.decode(), "an editor's change shows to people signed in too"
