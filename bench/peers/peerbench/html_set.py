"""HTML pages with inline ``<script>`` and ``<style>`` elements.

The truth is ``html`` outside these elements and the element's language
inside: ``javascript`` for scripts, ``css`` for styles. A script's ``type``
attribute can change that (JSON data, HTML templates).
"""

from __future__ import annotations

import re

from .embedded import Span, embedded_runs, excerpt
from .rle import Runs

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_OPEN_TAG = re.compile(r"<(script|style)\b([^>]*)>", re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)

_JAVASCRIPT_TYPES = {
    "",
    "module",
    "text/javascript",
    "application/javascript",
    "text/ecmascript",
    "application/ecmascript",
    "application/x-javascript",
    "text/babel",
    "text/jsx",
}
_JSON_TYPES = {"application/json", "application/ld+json", "importmap"}
_TEMPLATE_TYPES = {
    "text/html",
    "text/template",
    "text/x-template",
    "text/ng-template",
    "text/x-handlebars-template",
}


def script_label(attributes: str) -> str:
    """Map a ``<script>`` tag's attributes to the label of its content."""
    match = _TYPE.search(attributes)
    kind = match.group(1).lower() if match else ""
    if kind in _JAVASCRIPT_TYPES:
        return "javascript"
    if kind in _JSON_TYPES:
        return "json"
    if kind in _TEMPLATE_TYPES:
        return "html"
    return "other"


def find_elements(text: str) -> list[Span]:
    """Return the content spans of script and style elements outside comments.

    Elements without a closing tag and elements with only whitespace inside
    are left out.
    """
    comments = [match.span() for match in _COMMENT.finditer(text)]
    spans = []
    position = 0
    while True:
        match = _OPEN_TAG.search(text, position)
        if not match:
            return spans
        position = match.end()
        if any(start <= match.start() < end for start, end in comments):
            continue
        name = match.group(1).lower()
        close = re.compile(rf"</{name}\s*>", re.I).search(text, match.end())
        if not close:
            return spans
        position = close.end()
        if not text[match.end() : close.start()].strip():
            continue
        label = "css" if name == "style" else script_label(match.group(2))
        spans.append(Span(match.end(), close.start(), label))


def html_document(text: str) -> tuple[str, Runs] | None:
    """Return the text and truth of a usable page, else None.

    A page is usable when it has a script or style element with content. Of a
    long page, an excerpt around the first such element is kept.
    """
    spans = find_elements(text)
    if not spans:
        return None
    bounds = excerpt(text, spans)
    if bounds is None:
        return None
    text = text[bounds[0] : bounds[1]]
    return text, embedded_runs(text, find_elements(text), "html")
