"""Every guides page is served in a fixed number of queries, however many guides, steps and progress rows there are."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from guides.models import ActivityAnswer, Guide, GuideProgress, SavedItem, Status, Step, StepKind
from tests.guides.factories import make_rights_page, make_topic

pytestmark = pytest.mark.django_db

# A signed-in person's page also reads the session, the user and the two-factor device, and
# saves the session (3 + 3 queries).
MAX_QUERIES = {"topics": 8, "topic": 9, "guide": 10, "step": 10, "home": 16, "things": 7, "search": 12, "rights": 7}
MAX_QUERIES_SIGNED_OUT = {"topics": 1, "topic": 3, "guide": 2, "step": 2, "search": 3, "rights": 1}


def _build(size: int, person: Any) -> None:
    """``size`` published guides in one topic, six steps each, the person part-way through every one."""
    topic = make_topic("big-topic")
    guides = Guide.objects.bulk_create(
        Guide(topic=topic, slug=f"guide-{n}", title=f"Guide {n}", summary="A guide.", status=Status.PUBLISHED, order=n)
        for n in range(size)
    )
    kinds = [
        StepKind.INFORMATION,
        StepKind.ACTIVITY,
        StepKind.TECHNIQUE,
        StepKind.TIPS,
        StepKind.INFORMATION,
        StepKind.TIPS,
    ]
    steps = Step.objects.bulk_create(
        Step(
            guide=guide,
            order=(index + 1) * 10,
            kind=kind,
            title=f"Step {index + 1}",
            body_html="<p>words</p>",
            activity_type="text" if kind == StepKind.ACTIVITY else "",
            prompt="What do you think?" if kind == StepKind.ACTIVITY else "",
        )
        for guide in guides
        for index, kind in enumerate(kinds)
    )
    by_guide: dict[int, list[Step]] = {}
    for step in steps:
        by_guide.setdefault(step.guide_id, []).append(step)
    GuideProgress.objects.bulk_create(
        GuideProgress(user=person, guide=guide, current_step=by_guide[guide.pk][2], position=30) for guide in guides
    )
    ActivityAnswer.objects.bulk_create(
        ActivityAnswer(user=person, step=by_guide[g.pk][1], answer="mine") for g in guides
    )
    SavedItem.objects.bulk_create(SavedItem(user=person, step=by_guide[g.pk][2]) for g in guides)
    make_rights_page()


@pytest.mark.parametrize("size", [1, 500])
def test_guide_pages_take_a_fixed_number_of_queries(
    size: int, alice: Any, alice_client: Client, client: Client, django_assert_max_num_queries: Any
) -> None:
    _build(size, alice)
    pages = {
        "topics": "/guides/",
        "topic": "/guides/topics/big-topic/",
        "guide": "/guides/guide-0/",
        "step": "/guides/guide-0/steps/2/",
        "home": "/account/",
        "things": "/guides/things-that-help-me/",
        "search": "/guides/search/?q=guide",
        "rights": "/rights/victims-code/",
    }
    for name, url in pages.items():
        with django_assert_max_num_queries(MAX_QUERIES[name]):
            response = alice_client.get(url)
        assert response.status_code == 200, url
    for name, most in MAX_QUERIES_SIGNED_OUT.items():
        with django_assert_max_num_queries(most):
            assert client.get(pages[name]).status_code == 200


@pytest.mark.parametrize("size", [1, 500])
def test_saving_a_step_takes_a_fixed_number_of_queries(
    size: int, alice: Any, alice_client: Client, django_assert_max_num_queries: Any
) -> None:
    _build(size, alice)
    with django_assert_max_num_queries(16):
        response = alice_client.post("/guides/guide-0/steps/2/save/", {"action": "next", "answer": "changed"})
    assert response["Location"] == "/guides/guide-0/steps/3/"
