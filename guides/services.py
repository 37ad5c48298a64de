"""Writes for guides: a person's place, answers and saved items; loading the shipped content; export."""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from guides.models import (
    ActivityAnswer,
    Audience,
    Guide,
    GuideProgress,
    RightsPage,
    SavedItem,
    Status,
    Step,
    StepKind,
    Topic,
)
from mysupportspace.compiled import CompiledQuery

if TYPE_CHECKING:
    from accounts.models import User


# --- A person working through a guide --------------------------------------------------------


@transaction.atomic
def save_step(*, user: User, step: Step, answer: Any = None, go_to: Step | None, finish: bool = False) -> GuideProgress:
    """Keep the person's answer to ``step`` (when it is an activity) and move their place to ``go_to``.

    ``finish`` marks the guide completed (the person pressed "Finish" on the last step); their
    place stays on that step. An empty answer removes any earlier one.
    """
    if step.kind == StepKind.ACTIVITY:
        if answer in (None, "", []):
            ActivityAnswer.objects.filter(user=user, step=step).delete()
        else:
            ActivityAnswer.objects.update_or_create(user=user, step=step, defaults={"answer": answer})
    place = go_to or step
    progress, created = GuideProgress.objects.get_or_create(
        user=user, guide_id=step.guide_id, defaults={"current_step": place, "position": place.order}
    )
    changed = []
    if not created:
        progress.current_step, progress.position = place, place.order
        changed += ["current_step", "position"]
    if finish and progress.completed_at is None:
        progress.completed_at = timezone.now()
        changed.append("completed_at")
    if changed:
        progress.save(update_fields=[*changed, "updated"])
    return progress


@transaction.atomic
def restart_guide(*, user: User, guide: Guide) -> GuideProgress:
    """Start again from the first step. Earlier answers are kept, to be changed or left as they are."""
    first = guide.step_number(1)
    progress, _ = GuideProgress.objects.update_or_create(
        user=user,
        guide=guide,
        defaults={
            "current_step": first,
            "position": first.order if first else 0,
            "completed_at": None,
            "started_at": timezone.now(),
        },
    )
    return progress


def save_to_things_that_help(*, user: User, step: Step | None = None, guide: Guide | None = None) -> SavedItem:
    """Add a technique, tips or a whole guide to the person's list (once: saving again changes nothing)."""
    if (step is None) == (guide is None):
        raise ValueError("Save either a step or a guide.")
    if step is not None and not step.can_be_saved:
        raise ValueError("Only techniques and tips can be saved.")
    lookup = {"user": user, "step": step} if step is not None else {"user": user, "guide": guide}
    try:
        with transaction.atomic():
            item, _ = SavedItem.objects.get_or_create(**lookup)
    except IntegrityError:  # the same thing saved twice at once: the other request won
        item = SavedItem.objects.get(**lookup)
    return item


# --- Download my data ---------------------------------------------------------------------------


def export_for(user: User) -> dict[str, Any]:
    """Everything guides hold about a person: where they are in each guide, their answers, their saved items."""
    progress = GuideProgress.objects.filter(user=user).select_related("guide", "current_step").order_by("started_at")
    answers = (
        ActivityAnswer.objects.filter(user=user)
        .select_related("step__guide")
        .order_by("step__guide__title", "step__order")
    )
    return {
        "progress": [
            {
                "guide": row.guide.title,
                "current_step": row.current_step.title if row.current_step else None,
                "started_at": row.started_at.isoformat(),
                "completed_at": row.completed_at.isoformat() if row.completed_at else None,
                "updated": row.updated.isoformat(),
            }
            for row in progress
        ],
        "activity_answers": [
            {
                "guide": row.step.guide.title,
                "step": row.step.title,
                "question": row.step.prompt,
                "answer": row.answer,
                "updated": row.updated.isoformat(),
            }
            for row in answers
        ],
        "things_that_help_me": [
            {"title": item.title, "guide": item.guide_title, "saved_at": item.created_at.isoformat()}
            for item in SavedItem.objects.for_user(user)
        ],
    }


# --- Shipped content -----------------------------------------------------------------------------

STEP_FIELDS = ("kind", "title", "body", "timer_seconds", "activity", "prompt", "options", "scale_low", "scale_high")


class ContentError(ValueError):
    """A shipped content file says something the service cannot load."""


def _fingerprint(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def load_shipped_content(*, fixtures_dir: Path, stdout: Any) -> None:
    """Upsert the topics, guides, steps and rights pages in ``fixtures_dir`` by slug.

    Each row remembers a fingerprint of the file section it came from. A section that has not
    changed since the last load is left alone, so what editors changed in the admin stays; a
    section that changed in the file is loaded again, and the file wins. New rows are published;
    an existing row keeps the status an editor gave it. Rows that are not in the files are not touched.
    """
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        for path in sorted((fixtures_dir / "guides").glob("*.toml")):
            try:
                _load_topic_file(path, counts)
            except (KeyError, TypeError, ValidationError, tomllib.TOMLDecodeError) as error:
                raise ContentError(f"{path}: {error}") from error
        for path in sorted((fixtures_dir / "rights").glob("*.toml")):
            try:
                _load_rights_file(path, counts)
            except (KeyError, TypeError, ValidationError, tomllib.TOMLDecodeError) as error:
                raise ContentError(f"{path}: {error}") from error
    stdout.write(
        f"Guides and rights pages: {counts['created']} added, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged."
    )


def _upsert(
    model: type[Any], slug: str, fields: dict[str, Any], fingerprint: str, counts: dict[str, int], **on_create: Any
) -> tuple[Any, bool]:
    """Create or update one row by slug; returns (row, changed)."""
    row = model.objects.filter(slug=slug).first()
    if row is None:
        row = model(slug=slug, content_fingerprint=fingerprint, **fields, **on_create)
        row.full_clean()
        row.save()
        counts["created"] += 1
        return row, True
    if row.content_fingerprint == fingerprint:
        counts["unchanged"] += 1
        return row, False
    for name, value in fields.items():
        setattr(row, name, value)
    row.content_fingerprint = fingerprint
    row.full_clean()
    row.save()
    counts["updated"] += 1
    return row, True


def _load_topic_file(path: Path, counts: dict[str, int]) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    topic_data = data["topic"]
    topic, _ = _upsert(
        Topic,
        topic_data["slug"],
        {
            "title": topic_data["title"],
            "summary": topic_data["summary"].strip(),
            "order": topic_data.get("order", 0),
            "audience": topic_data.get("audience", Audience.VICTIM),
            "crime_types": topic_data.get("crime_types", []),
        },
        _fingerprint(topic_data),
        counts,
        published=True,
    )
    for index, guide_data in enumerate(data.get("guides", []), start=1):
        fields = {
            "topic": topic,
            "title": guide_data["title"],
            "summary": guide_data["summary"].strip(),
            "audience": guide_data.get("audience", topic.audience),
            "members_only": guide_data.get("members_only", False),
            "minutes": guide_data.get("minutes", 10),
            "order": index * 10,
            "crime_types": guide_data.get("crime_types", []),
        }
        guide, changed = _upsert(
            Guide,
            guide_data["slug"],
            fields,
            _fingerprint({**guide_data, "order": index}),
            counts,
            status=Status.PUBLISHED,
        )
        if changed:
            _load_steps(guide, guide_data.get("steps", []))


def _load_steps(guide: Guide, steps_data: list[dict[str, Any]]) -> None:
    """Make the guide's steps match the file, position by position.

    Steps are updated in place rather than replaced, so people's places and answers stay with
    them; steps beyond the end of the file's list are removed (people on them move to a
    sensible step, see GuideProgress.resume_step).
    """
    existing = list(guide.steps.order_by("order", "pk"))
    for index, step_data in enumerate(steps_data, start=1):
        unknown = set(step_data) - set(STEP_FIELDS)
        if unknown:
            raise ContentError(f"step {index} of {guide.slug} has unknown keys: {', '.join(sorted(unknown))}")
        step = existing[index - 1] if index <= len(existing) else Step(guide=guide)
        step.order = index * 10
        step.kind = step_data["kind"]
        step.title = step_data["title"]
        step.body_markdown = step_data.get("body", "").strip()
        step.timer_seconds = step_data.get("timer_seconds")
        step.activity_type = step_data.get("activity", "")
        step.prompt = step_data.get("prompt", "")
        step.options = step_data.get("options", [])
        step.scale_low = step_data.get("scale_low", "")
        step.scale_high = step_data.get("scale_high", "")
        step.full_clean(exclude=["guide"])
        step.save()
    for surplus in existing[len(steps_data) :]:
        surplus.delete()


def _load_rights_file(path: Path, counts: dict[str, int]) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    _upsert(
        RightsPage,
        data["slug"],
        {
            "title": data["title"],
            "summary": data["summary"].strip(),
            "order": data.get("order", 0),
            "body_markdown": data["body"].strip(),
        },
        _fingerprint(data),
        counts,
        status=Status.PUBLISHED,
    )


# --- A signed-in person on a step -----------------------------------------------------------------


def _place_query(user_id: int, guide_id: int, step_id: int) -> QuerySet[Any]:
    from django.contrib.auth import get_user_model

    progress = GuideProgress.objects.filter(user=OuterRef("pk"), guide=guide_id)
    return (
        get_user_model()
        ._default_manager.filter(pk=user_id)
        .annotate(
            _completed=Exists(progress.filter(completed_at__isnull=False)),
            _saved=Exists(SavedItem.objects.filter(user=OuterRef("pk"), step=step_id)),
        )
        .values_list("_completed", "_saved")
    )


# Built once per process: a step is the page people open most.
_PLACE = CompiledQuery(_place_query, arguments=3)


def place_on_step(*, user: User, guide: Guide, step: Step) -> tuple[bool, bool]:
    """Whether the person has finished this guide, and whether this step is on their list of things that help
    (one statement)."""
    for completed, saved in _PLACE.rows(user.pk, guide.pk, step.pk):
        return bool(completed), bool(saved)
    return False, False
