"""Addresses worked out once per process (mysupportspace/addresses.py) are the ones reverse() gives."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from mysupportspace import addresses


def test_the_same_as_reverse_for_any_id() -> None:
    for pk in (1, 7, 10, 123456789, 2**40):
        assert addresses.address_with_id("diary:entry", pk) == reverse("diary:entry", kwargs={"pk": pk})
    assert addresses.address("diary:list") == reverse("diary:list")


def test_only_integer_ids_and_urls_that_take_one() -> None:
    with pytest.raises(ValueError):
        addresses.address_with_id("diary:entry", "1; drop")  # type: ignore[arg-type]
    with pytest.raises(Exception):  # noqa: B017 - NoReverseMatch: this URL takes no id
        addresses.address_with_id("diary:list", 1)


def test_a_new_script_prefix_is_honoured(settings: Any) -> None:
    from django.urls import set_script_prefix

    addresses.address_with_id("diary:entry", 1)
    set_script_prefix("/support/")
    try:
        assert addresses.address_with_id("diary:entry", 5) == "/support/diary/5/"
        assert addresses.address("diary:list") == "/support/diary/"
    finally:
        set_script_prefix("/")
    assert addresses.address_with_id("diary:entry", 5) == "/diary/5/"
