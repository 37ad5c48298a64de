"""The guides panel on a person's home page, and showing editor-written HTML safely."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from accounts.models import Role
from guides import catalogue
from guides.models import GuideProgress
from guides.rendering import sanitise
from guides.tailoring import suggested_guides
from pages.home_summary import home_summary
from pages.service_numbers import fill_numbers_in_html, link_numbers_in_html

register = template.Library()

PANEL_ROWS = 3


@register.filter
def shown_content(html: str) -> SafeString:
    """A step's or rights page's stored HTML as shown: sanitised once more, each number placeholder filled
    in and each phone number a tap-to-call link. The same text always gives the same page, so each
    process remembers the last few hundred it drew (a changed text is a new entry; the numbers'
    settings changing forgets them all)."""
    return _shown_content(str(html or ""))


@lru_cache(maxsize=512)
def _shown_content(html: str) -> SafeString:
    return mark_safe(link_numbers_in_html(fill_numbers_in_html(sanitise(html))))  # noqa: S308 - nh3 removed anything unsafe; only links are added


@receiver(setting_changed)
def _forget_shown_content(**kwargs: Any) -> None:
    _shown_content.cache_clear()


@register.inclusion_tag("guides/_home_panel.html", takes_context=True)
def guides_panel(context: dict[str, Any]) -> dict[str, Any]:
    """Continue where you left off, guides suggested for what happened and the person's role, and things
    that help them. One query of its own, the person's place in each guide, whatever the number of
    guides or progress rows: the guides and their steps come from the process's kept list
    (guides/catalogue.py), and what happened and the saved count from the page's shared summary.
    """
    request = context["request"]
    user = request.user
    published = {guide.pk: guide for guide in catalogue.published_guides()}
    places = list(GuideProgress.objects.filter(user=user).order_by("-updated", "-pk"))
    continuing = []
    for progress in places:
        guide = published.get(progress.guide_id)
        if guide is None or progress.is_complete:
            continue
        number = progress.resume_number(guide.ordered_steps())
        if number is None:
            continue
        continuing.append(
            {
                "guide": guide,
                "number": number,
                "total": len(guide.ordered_steps()),
                "url": reverse("guides:step", kwargs={"slug": guide.slug, "number": number}),
            }
        )
        if len(continuing) == PANEL_ROWS:
            break
    summary = home_summary(request)
    crime_types = summary.what_happened.tailoring_types if summary.what_happened else []
    recommended = suggested_guides(
        user=user, crime_types=crime_types, limit=PANEL_ROWS, exclude={progress.guide_id for progress in places}
    )
    return {
        "continuing": continuing,
        "recommended": recommended,
        "tailored": bool(crime_types),
        "is_witness": user.role == Role.WITNESS,
        "saved_count": summary.saved_count,
        "is_supporter": user.is_supporter,
    }
