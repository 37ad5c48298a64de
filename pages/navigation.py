"""The main navigation: which sections a person sees, signed in or not."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from accounts.access import can_reset_second_factors


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    active: bool


# (label, URL name, URL namespace whose every page marks the item as current ("" for that page
# alone), shown to: "all", "guests", "members", "staff" or "resetters" (staff who may reset a sign-in))
SECTIONS: list[tuple[str, str, str, str]] = [
    ("Home", "pages:home", "", "all"),
    ("Guides", "guides:topics", "guides", "all"),
    ("Your rights", "rights:index", "rights", "all"),
    ("Get support", "referrals:start", "referrals", "all"),
    ("Your space", "accounts:home", "", "members"),
    ("Diary", "diary:list", "diary", "members"),
    ("Settings", "accounts:settings", "", "members"),
    ("Requests", "referrals:caseworkers:queue", "", "staff"),
    ("Reset a sign-in", "accounts:staff-reset-second-factor", "", "resetters"),
    ("Sign in", "accounts:sign-in", "", "guests"),
    ("Create an account", "accounts:start", "", "guests"),
]


def main_navigation(request: HttpRequest) -> list[NavItem]:
    user = getattr(request, "user", None)
    # Someone part-way through signing in or setting up two-factor sees nothing of the account yet.
    signed_in = bool(user and user.is_authenticated and getattr(user, "is_verified", lambda: False)())
    part_way = bool(user and user.is_authenticated and not signed_in)
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    current_path = request.path
    items = []
    for label, url_name, section, audience in SECTIONS:
        if (audience in {"members", "staff", "resetters"} and not signed_in) or (
            audience == "guests" and (signed_in or part_way)
        ):
            continue
        if audience == "staff" and not request.user.is_staff:
            continue
        if audience == "resetters" and not can_reset_second_factors(request.user):
            continue
        href = reverse(url_name)
        active = current_path == href or (bool(section) and namespace == section)
        items.append(NavItem(label=label, href=href, active=active))
    return items
