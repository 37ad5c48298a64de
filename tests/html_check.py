"""Strict HTML checks: what a browser would silently repair is a test failure here."""

from __future__ import annotations

import html5lib


def html_errors(markup: str) -> list[str]:
    """Every parse error in ``markup`` (an HTML document), as "line:column code" strings."""
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    parser.parse(markup)
    return [f"{line}:{column} {code} {data or ''}".strip() for (line, column), code, data in parser.errors]
