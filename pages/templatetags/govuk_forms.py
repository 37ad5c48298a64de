"""The GOV.UK error summary at the top of the page, whichever form on the page has the errors, and a
dropdown's options."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BaseForm
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def page_error_summary(context: Any) -> str:
    """The summary for the page's ``form``, placed first in the main content so it is in view on load.

    The form itself then leaves its own summary out (see forms/_error_summary.html).
    """
    form = context.get("form")
    if not isinstance(form, BaseForm) or not form.errors:
        return ""
    form.error_summary_shown = True  # type: ignore[attr-defined]
    return render_to_string("forms/_page_error_summary.html", {"form": form})


@register.simple_tag
def select_options(optgroups: list[tuple[str | None, list[dict[str, Any]], int]]) -> SafeString:
    """A dropdown's options (and option groups), escaped as the template engine would.

    Drawn here rather than by a template loop, which cost about 30 microseconds an option: the diary's
    month filter has one option a month.
    """
    parts: list[str] = []
    for group_name, options, _index in optgroups:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in options:
            attrs = "".join(
                format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
                for name, value in option["attrs"].items()
                if value is not False
            )
            parts.append(
                format_html('\n  <option value="{}"{}>{}</option>', str(option["value"]), mark_safe(attrs), option["label"])  # noqa: S308 - each part escaped by format_html
            )
        if group_name:
            parts.append("\n  </optgroup>")
    return mark_safe("".join(parts))  # noqa: S308 - each part escaped by format_html
