"""The main navigation: which sections a person sees, signed in or not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from accounts.access import RESET_GROUP
from chat.models import CHAT_SUPERVISORS_GROUP, CHAT_SUPPORTERS_GROUP
from mysupportspace.addresses import address
from referrals.models import CASEWORKERS_GROUP

# Groups whose work is in the admin (supervisors keep the chat's canned responses there).
ADMIN_GROUPS = frozenset({"Content editors", CHAT_SUPERVISORS_GROUP})


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    active: bool


# (label, URL name, URL namespace whose every page marks the item as current ("" for that page
# alone), shown to: "all", "guests", "members", "caseworkers", "chat" (chat supporters and
# supervisors), "resetters" (staff who may reset a sign-in) or "editors" (staff who may change
# something in the admin): nobody sees an item that leads to "page not found" or an empty admin)
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
    ("Reset a sign-in", "accounts:staff-reset-second-factor", "", "resetters"),
    ("Admin", "admin:index", "", "editors"),
    ("Sign in", "accounts:sign-in", "", "guests"),
    ("Create an account", "accounts:start", "", "guests"),
]


def main_navigation(request: HttpRequest) -> list[NavItem]:
    user: Any = getattr(request, "user", None)
    # Someone part-way through signing in or setting up two-factor sees nothing of the account yet.
    signed_in = bool(user and user.is_authenticated and getattr(user, "is_verified", lambda: False)())
    part_way = bool(user and user.is_authenticated and not signed_in)
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    current_path = request.path
    audiences = {"all"}
    if signed_in:
        audiences.add("members")
    elif not part_way:
        audiences.add("guests")
    if signed_in and user.is_staff:
        # One query for every staff audience: the groups decide what leads somewhere.
        groups = set(user.groups.values_list("name", flat=True))
        everything = user.is_superuser
        if everything or CASEWORKERS_GROUP in groups:
            audiences.add("caseworkers")
        if everything or groups & {CHAT_SUPPORTERS_GROUP, CHAT_SUPERVISORS_GROUP}:
            audiences.add("chat")
        if everything or RESET_GROUP in groups:
            audiences.add("resetters")
        if everything or groups & ADMIN_GROUPS:
            audiences.add("editors")
    items = []
    for label, url_name, section, audience in SECTIONS:
        if audience not in audiences:
            continue
        href = address(url_name)  # worked out once per process
        active = current_path == href or (bool(section) and namespace == section)
        items.append(NavItem(label=label, href=href, active=active))
    return items
