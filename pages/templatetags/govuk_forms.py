"""The GOV.UK error summary at the top of the page, whichever form on the page has the errors."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BaseForm
from django.template.loader import render_to_string

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
