"""What search engines may see: which public pages are indexable, their descriptions, the sitemap.

Every page is ``noindex`` unless it is named here. Private pages never are; nor are forms,
search results, sign-in and sign-up, or anything shown only to signed-in people.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

# Public pages that say the same to everyone (URL name: description when the page has no object of its own).
INDEXABLE_PAGES: dict[str, str] = {
    "pages:home": "Free, private self-help for anyone affected by crime, and the people supporting them. "
    "Guides, a private diary, your rights, and ways to talk to someone.",
    "pages:help-now": "Numbers to call and places to get help now, day or night, if you have been affected by crime.",
    "pages:using-safely": "How to use this site safely if someone may see your phone or computer: "
    "quick exit, private browsing and clearing your history.",
    "pages:accessibility": "How accessible this site is, and how to tell us about a problem.",
    "pages:privacy": "What we keep about you, why, for how long, and your rights.",
    "guides:topics": "Free guides for people affected by crime and the people supporting them, "
    "worked through at your own pace.",
    "guides:topic": "",
    "guides:guide": "",
    "rights:index": "Your rights as a victim or witness of crime, compensation, time off for court, "
    "and how the justice system works.",
    "rights:page": "",
    "referrals:start": "Ways to get support from a person: a caseworker, online therapy, specialist "
    "organisations and live chat.",
    "referrals:directory": "Specialist organisations that support people affected by crime, by need and area.",
}


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""


def page_object(context: Any) -> Any:
    """The topic, guide or rights page a page is about, if it is about one."""
    for key in ("guide", "page", "topic"):
        value = context.get(key)
        if value is not None and hasattr(value, "summary"):
            return value
    return None


def is_indexable(request: HttpRequest, context: Any) -> bool:
    if request.method != "GET" or _route(request) not in INDEXABLE_PAGES or context.get("preview"):
        return False
    obj = page_object(context)
    return not getattr(obj, "members_only", False)


def description(request: HttpRequest, context: Any) -> str:
    obj = page_object(context)
    if obj is not None and _route(request) in {"guides:topic", "guides:guide", "rights:page"}:
        return " ".join(str(obj.summary).split())
    return INDEXABLE_PAGES.get(_route(request)) or INDEXABLE_PAGES["pages:home"]


def sitemap_urls() -> list[str]:
    """Paths of every public page worth finding by search, the same for everyone."""
    from guides.models import Guide, RightsPage, Topic

    # Pages with a description of their own here take no arguments; the others are listed from the content.
    paths = [reverse(name) for name, words in INDEXABLE_PAGES.items() if words]
    paths += [topic.get_absolute_url() for topic in Topic.objects.published()]
    paths += [guide.get_absolute_url() for guide in Guide.objects.published().filter(members_only=False)]
    paths += [page.get_absolute_url() for page in RightsPage.objects.published()]
    return paths
