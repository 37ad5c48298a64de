"""Small builders for guides test data."""

from __future__ import annotations

from typing import Any

from guides.models import Audience, Guide, RightsPage, Status, Step, StepKind, Topic


def make_topic(slug: str = "feeling-safer", **extra: Any) -> Topic:
    defaults: dict[str, Any] = {"title": slug.replace("-", " ").capitalize(), "summary": "A topic.", "published": True}
    return Topic.objects.create(slug=slug, **{**defaults, **extra})


def make_guide(
    slug: str = "calm-breathing",
    *,
    topic: Topic | None = None,
    steps: int = 0,
    audience: str = Audience.VICTIM,
    status: str = Status.PUBLISHED,
    **extra: Any,
) -> Guide:
    """A published guide; ``steps`` adds that many information steps titled "Step 1", "Step 2"..."""
    topic = topic or Topic.objects.filter(slug="feeling-safer").first() or make_topic()
    defaults: dict[str, Any] = {"title": slug.replace("-", " ").capitalize(), "summary": "A guide.", "minutes": 5}
    guide = Guide.objects.create(topic=topic, slug=slug, audience=audience, status=status, **{**defaults, **extra})
    for number in range(1, steps + 1):
        add_step(guide, title=f"Step {number}")
    return guide


def add_step(guide: Guide, *, kind: str = StepKind.INFORMATION, title: str = "", **extra: Any) -> Step:
    last = guide.steps.order_by("-order").values_list("order", flat=True).first() or 0
    return Step.objects.create(
        guide=guide,
        order=last + 10,
        kind=kind,
        title=title or kind.capitalize(),
        body_markdown=extra.pop("body", "Some words."),
        **extra,
    )


def make_activity_guide(slug: str = "noticing-feelings", **extra: Any) -> Guide:
    """Five steps: information, a text activity, a checklist, a rating and a technique with a timer."""
    guide = make_guide(slug, **extra)
    add_step(guide, title="What this is about")
    add_step(guide, kind=StepKind.ACTIVITY, title="Write it down", activity_type="text", prompt="What is on your mind?")
    add_step(
        guide,
        kind=StepKind.ACTIVITY,
        title="What you have noticed",
        activity_type="checklist",
        prompt="Which of these have you noticed?",
        options=["Poor sleep", "Feeling on edge", "Avoiding places"],
    )
    add_step(
        guide,
        kind=StepKind.ACTIVITY,
        title="How safe you feel",
        activity_type="rating",
        prompt="How safe do you feel today?",
        scale_low="Not safe at all",
        scale_high="Completely safe",
    )
    add_step(guide, kind=StepKind.TECHNIQUE, title="Slow breathing", timer_seconds=90)
    add_step(guide, kind=StepKind.TIPS, title="Tips for today")
    return guide


def make_rights_page(slug: str = "victims-code", **extra: Any) -> RightsPage:
    defaults: dict[str, Any] = {
        "title": "Your rights",
        "summary": "What the Victims' Code means.",
        "body_markdown": "## The right to information\n\nYou should be told what is happening.",
        "status": Status.PUBLISHED,
    }
    return RightsPage.objects.create(slug=slug, **{**defaults, **extra})
