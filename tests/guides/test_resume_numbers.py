"""The person's home counts where to resume each guide in SQL: always the step resume_step picks."""

from __future__ import annotations

from typing import Any

import pytest

from guides.models import GuideProgress, Step
from tests.guides.factories import make_guide

pytestmark = pytest.mark.django_db


def _numbers(progress: GuideProgress) -> tuple[int | None, int | None]:
    counted = GuideProgress.objects.with_resume_numbers().get(pk=progress.pk)  # type: ignore[attr-defined]
    steps = progress.guide.ordered_steps()
    step = GuideProgress.objects.get(pk=progress.pk).resume_step(steps)
    return counted.resume_number(), (steps.index(step) + 1 if step is not None else None)


def test_the_counted_number_matches_resume_step_in_every_case(alice: Any) -> None:
    guide = make_guide("five-steps", steps=5)
    steps = guide.ordered_steps()
    other = make_guide("another", steps=2)
    # Two steps with the same order: ties go by id, as ordered_steps sorts them.
    same_order = Step.objects.create(guide=guide, order=steps[2].order, kind=steps[2].kind, title="Tied")
    progress = GuideProgress.objects.create(user=alice, guide=guide, current_step=steps[3], position=steps[3].order)
    cases: list[tuple[Step | None, int]] = [
        (steps[0], 0),
        (steps[3], steps[3].order),
        (same_order, same_order.order),
        (steps[2], steps[2].order),
        (None, 0),  # nothing yet: the first step
        (None, steps[1].order + 5),  # its step deleted: the next one after where it stood
        (None, 10_000),  # past the end: the last step
        (other.ordered_steps()[1], 15),  # a step of another guide: treated like a deleted one
    ]
    for current, position in cases:
        GuideProgress.objects.filter(pk=progress.pk).update(current_step=current, position=position)
        counted, expected = _numbers(progress)
        assert counted == expected, (current, position)


def test_a_deleted_current_step_resumes_at_the_next_one(alice: Any) -> None:
    guide = make_guide("four-steps", steps=4)
    steps = guide.ordered_steps()
    progress = GuideProgress.objects.create(user=alice, guide=guide, current_step=steps[2], position=steps[2].order)
    steps[2].delete()
    assert _numbers(progress) == (3, 3)


def test_a_guide_without_steps_has_no_number(alice: Any) -> None:
    guide = make_guide("empty")
    progress = GuideProgress.objects.create(user=alice, guide=guide)
    assert _numbers(progress) == (None, None)
