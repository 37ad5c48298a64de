from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from accounts.middleware import idle_seconds_left
from pages.navigation import main_navigation


def site(request: HttpRequest) -> dict[str, Any]:
    """What the page shell needs on every page."""
    return {
        "service_name": settings.SERVICE_NAME,
        "neutral_page_titles": settings.NEUTRAL_PAGE_TITLES,
        "neutral_page_title": settings.NEUTRAL_PAGE_TITLE,
        "supportline_number": settings.SUPPORTLINE_NUMBER,
        "session_idle_minutes": settings.SESSION_IDLE_MINUTES,
        "session_idle_seconds": idle_seconds_left(request) if _signed_in(request) else None,
        "main_navigation": main_navigation(request),
    }


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)
