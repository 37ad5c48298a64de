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
