from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from pages.navigation import main_navigation


def site(request: HttpRequest) -> dict[str, Any]:
    """What the page shell needs on every page."""
    return {
        "service_name": settings.SERVICE_NAME,
        "neutral_page_titles": settings.NEUTRAL_PAGE_TITLES,
        "neutral_page_title": settings.NEUTRAL_PAGE_TITLE,
        "supportline_number": settings.SUPPORTLINE_NUMBER,
        "session_idle_minutes": settings.SESSION_IDLE_MINUTES,
        "session_idle_seconds": settings.SESSION_COOKIE_AGE,
        "main_navigation": main_navigation(request),
    }
