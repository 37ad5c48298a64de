"""Where a person picks a guide up again, as the number the home page and the guide's page show."""

from __future__ import annotations

from typing import Any

import pytest

from guides.models import GuideProgress, Step
from tests.guides.factories import make_guide

pytestmark = pytest.mark.django_db


def _number(progress: GuideProgress) -> int | None:
    progress = GuideProgress.objects.get(pk=progress.pk)
    return progress.resume_number(progress.guide.ordered_steps())


def test_the_number_is_the_step_to_resume_in_every_case(alice: Any) -> None:
    guide = make_guide("five-steps", steps=5)
    steps = guide.ordered_steps()
    other = make_guide("another", steps=2)
    # Two steps with the same order: ties go by id, as ordered_steps sorts them.
    same_order = Step.objects.create(guide=guide, order=steps[2].order, kind=steps[2].kind, title="Tied")
    progress = GuideProgress.objects.create(user=alice, guide=guide, current_step=steps[3], position=steps[3].order)
    # In order: steps[0], steps[1], steps[2], same_order, steps[3], steps[4].
    cases: list[tuple[Step | None, int, int]] = [
        (steps[0], 0, 1),
        (steps[3], steps[3].order, 5),
        (same_order, same_order.order, 4),
        (steps[2], steps[2].order, 3),
        (None, 0, 1),  # nothing yet: the first step
        (None, steps[1].order + 5, 3),  # its step deleted: the next one after where it stood
        (None, 10_000, 6),  # past the end: the last step
        (other.ordered_steps()[1], steps[0].order + 5, 2),  # a step of another guide: treated like a deleted one
    ]
    for current, position, expected in cases:
        GuideProgress.objects.filter(pk=progress.pk).update(current_step=current, position=position)
        assert _number(progress) == expected, (current, position)


def test_a_deleted_current_step_resumes_at_the_next_one(alice: Any) -> None:
    guide = make_guide("four-steps", steps=4)
    steps = guide.ordered_steps()
    progress = GuideProgress.objects.create(user=alice, guide=guide, current_step=steps[2], position=steps[2].order)
    steps[2].delete()
    assert _number(progress) == 3


def test_a_guide_without_steps_has_no_number(alice: Any) -> None:
    guide = make_guide("empty")
    progress = GuideProgress.objects.create(user=alice, guide=guide)
    assert _number(progress) is None
