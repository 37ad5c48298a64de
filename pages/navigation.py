"""The main navigation: which sections a person sees, signed in or not."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from chat.models import is_chat_supporter
from referrals.models import is_caseworker


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    active: bool


# (label, URL name, URL namespace whose every page marks the item as current ("" for that page
# alone), shown to: "all", "guests", "members", "caseworkers", "chat" (chat supporters and
# supervisors) or "editors" (staff who may change something in the admin): nobody sees an item
# that would lead them to "page not found" or to an empty admin)
SECTIONS: list[tuple[str, str, str, str]] = [
    ("Home", "pages:home", "", "all"),
    ("Guides", "guides:topics", "guides", "all"),
    ("Your rights", "rights:index", "rights", "all"),
    ("Get support", "referrals:start", "referrals", "all"),
    ("Your space", "accounts:home", "", "members"),
    ("Diary", "diary:list", "diary", "members"),
    ("Settings", "accounts:settings", "", "members"),
    ("Requests", "referrals:caseworkers:queue", "", "caseworkers"),
    ("Chat console", "chat:console", "", "chat"),
    ("Admin", "admin:index", "", "editors"),
    ("Sign in", "accounts:sign-in", "", "guests"),
    ("Create an account", "accounts:start", "", "guests"),
]


def main_navigation(request: HttpRequest) -> list[NavItem]:
    signed_in = request.user.is_authenticated if hasattr(request, "user") else False
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    current_path = request.path
    user = request.user if signed_in else None
    staff = bool(user and user.is_staff)
    audiences = {"all", "members" if signed_in else "guests"}
    if staff and is_caseworker(user):
        audiences.add("caseworkers")
    if staff and is_chat_supporter(user):
        audiences.add("chat")
    if staff and (user.is_superuser or user.get_all_permissions()):  # type: ignore[union-attr]
        audiences.add("editors")
    items = []
    for label, url_name, section, audience in SECTIONS:
        if audience not in audiences:
            continue
        href = reverse(url_name)
        active = current_path == href or (bool(section) and namespace == section)
        items.append(NavItem(label=label, href=href, active=active))
    return items
