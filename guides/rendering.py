"""Editor-written Markdown to safe HTML: markdown-it-py renders, nh3 keeps only a short allow-list.

Raw HTML in the Markdown is not passed through at all; nh3 is the second line of defence,
run when content is saved and again every time it is shown, so a row changed behind the
admin's back (or a future rule change here) can never put script on a page.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "hr", "code", "pre"}
)
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Removed together with everything inside them, not just unwrapped.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "svg", "math", "iframe", "object", "embed", "template", "noscript"}
)
# GOV.UK Frontend styles classes, not bare elements: every allowed element gets its class here,
# and any class the input carried is dropped.
GOVUK_CLASSES = {
    "p": {"class": "govuk-body"},
    "ul": {"class": "govuk-list govuk-list--bullet"},
    "ol": {"class": "govuk-list govuk-list--number"},
    "a": {"class": "govuk-link"},
    "h2": {"class": "govuk-heading-m"},
    "h3": {"class": "govuk-heading-s"},
    "h4": {"class": "govuk-heading-s"},
    "blockquote": {"class": "govuk-inset-text"},
    "hr": {"class": "govuk-section-break govuk-section-break--m govuk-section-break--visible"},
}


def _refuse_hidden_characters(tag: str, attribute: str, value: str) -> str | None:
    """Drop a link with control characters in it: browsers disagree on how to read such a URL's scheme."""
    if attribute == "href" and any(ord(character) < 32 or ord(character) == 127 for character in value):
        return None
    return value


_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def sanitise(html: str) -> str:
    """Keep only the allow-listed tags, attributes and link schemes; links get rel="noopener noreferrer"."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_refuse_hidden_characters,
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer",
        set_tag_attribute_values=GOVUK_CLASSES,
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Markdown as written by an editor, as sanitised HTML ready to show."""
    return sanitise(_markdown.render(text or ""))
