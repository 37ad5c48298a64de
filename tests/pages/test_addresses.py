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


def test_slugs_the_same_as_reverse() -> None:
    for slug in ("coping-with-anxiety", "a", "step_2", "ABC-123"):
        assert addresses.address_with_slug("guides:guide", slug) == reverse("guides:guide", kwargs={"slug": slug})
        assert addresses.address_with_slug("guides:topic", slug) == reverse("guides:topic", kwargs={"slug": slug})


def test_a_slug_that_is_not_one_goes_to_reverse() -> None:
    from django.urls import NoReverseMatch

    for not_a_slug in ("a/b", "x y", "", "é"):
        with pytest.raises(NoReverseMatch):
            addresses.address_with_slug("guides:guide", not_a_slug)
    with pytest.raises(NoReverseMatch):
        addresses.address_with_slug("diary:list", "anything")


def test_a_new_script_prefix_is_honoured(settings: Any) -> None:
    from django.urls import set_script_prefix

    addresses.address_with_id("diary:entry", 1)
    set_script_prefix("/support/")
    try:
        assert addresses.address_with_id("diary:entry", 5) == "/support/diary/5/"
        assert addresses.address("diary:list") == "/support/diary/"
        assert addresses.address_with_slug("guides:guide", "g") == "/support/guides/g/"
    finally:
        set_script_prefix("/")
    assert addresses.address_with_id("diary:entry", 5) == "/diary/5/"


def test_the_address_tag_draws_what_the_url_tag_does() -> None:
    from django.template import Context, engines

    engine = engines["django"].engine
    for name in ("diary:list", "pages:quick-exit", "accounts:sign-in", "referrals:start"):
        with_url = engine.from_string("{% url '" + name + "' %}").render(Context())
        assert engine.from_string("{% address '" + name + "' %}").render(Context()) == with_url
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        engine.from_string("{% address 'no-such:page' %}").render(Context())
