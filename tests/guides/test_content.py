"""The shipped content in fixtures/: complete, loaded idempotently, and kind to editors' changes and people's progress."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from guides.models import ActivityAnswer, Guide, GuideProgress, RightsPage, Status, Step, StepKind, Topic
from guides.services import ContentError, load_shipped_content

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SOURCE_TOPICS = {
    "stalking-and-harassment",
    "online-crime",
    "antisocial-behaviour",
    "social-media-harassment",
    "financial-abuse",
    "romance-fraud",
    "investment-fraud",
    "coronavirus-scams",
    "domestic-abuse-during-coronavirus",
    "face-coverings-and-anxiety",
    "surviving-hate-crime",
    "home-safety",
}


def _load(directory: Path = FIXTURES) -> str:
    out = io.StringIO()
    load_shipped_content(fixtures_dir=directory, stdout=out)
    return out.getvalue()


@pytest.fixture
def own_fixtures(tmp_path: Path) -> Path:
    """A copy of the shipped content that a test may change."""
    shutil.copytree(FIXTURES / "guides", tmp_path / "guides")
    shutil.copytree(FIXTURES / "rights", tmp_path / "rights")
    return tmp_path


def test_every_topic_has_a_complete_guide() -> None:
    call_command("load_content", stdout=io.StringIO())

    assert set(Topic.objects.values_list("slug", flat=True)) >= SOURCE_TOPICS
    assert Topic.objects.filter(published=False).count() == 0
    for topic in Topic.objects.prefetch_related("guides__steps"):
        complete = [
            guide
            for guide in topic.guides.all()
            if len(steps := guide.ordered_steps()) >= 4
            and {StepKind.TECHNIQUE, StepKind.ACTIVITY} <= {step.kind for step in steps}
        ]
        assert complete, f"{topic.slug} has no guide with four steps, a technique and an activity"
    assert Guide.objects.exclude(status=Status.PUBLISHED).count() == 0
    assert {"coping-sleep", "coping-anxiety", "coping-anger", "coping-routine"} <= set(
        Guide.objects.values_list("slug", flat=True)
    )
    assert Guide.objects.filter(audience="supporter", topic__slug="supporting-someone").count() >= 1
    assert set(RightsPage.objects.published().values_list("slug", flat=True)) == {
        "victims-code",
        "criminal-injuries-compensation",
        "rights-at-work",
        "justice-system",
        "home-security",
        "more-support",
    }


def test_every_shipped_page_opens(client: Client, alice_client: Client) -> None:
    _load()
    for guide in Guide.objects.prefetch_related("steps"):
        visitor = alice_client if guide.members_only else client
        assert visitor.get(f"/guides/{guide.slug}/").status_code == 200
        for number in range(1, len(guide.ordered_steps()) + 1):
            response = visitor.get(f"/guides/{guide.slug}/steps/{number}/")
            assert response.status_code == 200, (guide.slug, number)
    for page in RightsPage.objects.all():
        assert client.get(f"/rights/{page.slug}/").status_code == 200


def test_loading_again_changes_nothing() -> None:
    first = _load()
    steps_before = list(Step.objects.order_by("pk").values_list("pk", "title", "body_html"))
    second = _load()

    assert "0 unchanged" in first
    assert "0 added, 0 updated" in second
    assert list(Step.objects.order_by("pk").values_list("pk", "title", "body_html")) == steps_before


def test_editors_changes_stay_while_the_file_is_unchanged() -> None:
    _load()
    Guide.objects.filter(slug="coping-sleep").update(status=Status.DRAFT, title="Sleep (being revised)")
    RightsPage.objects.filter(slug="victims-code").update(status=Status.DRAFT)
    Topic.objects.filter(slug="home-safety").update(published=False)
    _load()

    guide = Guide.objects.get(slug="coping-sleep")
    assert (guide.status, guide.title) == (Status.DRAFT, "Sleep (being revised)")
    assert RightsPage.objects.get(slug="victims-code").status == Status.DRAFT
    assert not Topic.objects.get(slug="home-safety").published


def test_a_changed_file_updates_its_guide_and_keeps_peoples_place_and_answers(own_fixtures: Path, alice: Any) -> None:
    _load(own_fixtures)
    guide = Guide.objects.get(slug="coping-sleep")
    steps = guide.ordered_steps()
    activity = next(step for step in steps if step.kind == StepKind.ACTIVITY)
    ActivityAnswer.objects.create(user=alice, step=activity, answer=3)
    GuideProgress.objects.create(user=alice, guide=guide, current_step=steps[-1], position=steps[-1].order)
    Guide.objects.filter(slug="coping-anger").update(status=Status.DRAFT)

    path = own_fixtures / "guides" / "coping.toml"
    text = path.read_text()
    text = text.replace('title = "Sleeping better"', 'title = "Sleeping better after crime"', 1)
    # Drop the guide's last step from the file.
    sleep_part, rest = text.split('slug = "coping-anxiety"', 1)
    last_step = sleep_part.rindex("[[guides.steps]]")
    next_guide = sleep_part.rindex("[[guides]]")
    text = sleep_part[:last_step] + sleep_part[next_guide:] + 'slug = "coping-anxiety"' + rest
    path.write_text(text)
    output = _load(own_fixtures)

    assert "0 added, 1 updated" in output
    guide.refresh_from_db()
    assert guide.title == "Sleeping better after crime"
    assert guide.status == Status.PUBLISHED
    kept = guide.ordered_steps()
    assert [step.pk for step in kept] == [step.pk for step in steps[:-1]]
    assert ActivityAnswer.objects.get(user=alice).answer == 3
    progress = GuideProgress.objects.get(user=alice)
    assert progress.resume_step(kept) == kept[-1]  # the removed last step: the new last one
    # Other guides in the same file had no change, so an editor's draft stays a draft.
    assert Guide.objects.get(slug="coping-anger").status == Status.DRAFT


def test_rows_that_are_not_in_the_files_are_left_alone(own_fixtures: Path) -> None:
    _load(own_fixtures)
    topic = Topic.objects.create(slug="editors-topic", title="Written in the admin", summary="x", published=True)
    Guide.objects.create(topic=topic, slug="editors-guide", title="Editor's guide", summary="x")
    (own_fixtures / "guides" / "home-safety.toml").unlink()
    _load(own_fixtures)
    assert Guide.objects.filter(slug="editors-guide").exists()
    assert Topic.objects.filter(slug="home-safety").exists()


def test_a_mistake_in_a_file_names_the_file_and_loads_nothing(own_fixtures: Path) -> None:
    path = own_fixtures / "guides" / "home-safety.toml"
    path.write_text(path.read_text().replace('kind = "tips"', 'kind = "poem"', 1))
    with pytest.raises(ContentError, match=r"home-safety\.toml"):
        _load(own_fixtures)
    assert not Guide.objects.exists()


def test_the_renamed_fraud_reporting_service_is_used() -> None:
    """Action Fraud became Report Fraud in December 2025 (same number, reportfraud.police.uk)."""
    for path in (FIXTURES / "guides").glob("*.toml"):
        text = path.read_text()
        assert "Action Fraud" not in text, path.name
        assert "actionfraud" not in text.lower(), path.name
    assert "reportfraud.police.uk" in (FIXTURES / "guides" / "online-crime.toml").read_text()
