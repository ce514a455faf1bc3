"""Remove code or prose in another language from files that embed it.

A corpus file carries one label, so code embedded in it would be trained under
the host's label. Python in a Markdown fence would then teach the model that such
code is Markdown, against the spliced fences whose code carries its own label.
Embedded code is therefore cut out before a file is selected. The same holds for
the POD documentation of Perl files. POD is prose, so if it stayed in, the model
would learn that prose is Perl.
"""

from __future__ import annotations

import re

from charseg_server.lsp.markdown import find_fences

# NOTE: this is a regular expression, not an HTML parser, so an element whose
# closing tag appears inside a string or comment of its own code is cut short.
_HTML_CODE = re.compile(
    r"(<(script|style)\b[^>]*>)(.*?)(</\2\s*>)", re.IGNORECASE | re.DOTALL
)

# A POD block starts with a line such as "=head1" or "=pod" and ends after the
# next "=cut" line, or at the end of the file.
# NOTE: Perl reads POD only where a statement may start, so a line such as
# "=head1" inside a heredoc string is code to Perl but is cut here too.
_POD = re.compile(
    r"^=(?!cut\b)[A-Za-z]\w*.*?(?:^=cut\b[^\n]*(?:\n|\Z)|\Z)",
    re.MULTILINE | re.DOTALL,
)


def without_fences(text: str) -> str:
    """Return a Markdown text with its fenced code blocks removed, fence lines too."""
    parts = []
    position = 0
    for fence in find_fences(text):
        parts.append(text[position : fence.start])
        position = fence.end
    parts.append(text[position:])
    return "".join(parts)


def without_script_and_style(text: str) -> str:
    """Return an HTML text with the content of its script and style elements removed."""
    return _HTML_CODE.sub(r"\1\4", text)


def without_pod(text: str) -> str:
    """Return a Perl text with its POD documentation blocks removed."""
    return _POD.sub("", text)


def remove_embedded_code(label: str, text: str) -> str:
    """Return ``text`` without the code or POD that a file of ``label`` embeds."""
    if label == "markdown":
        return without_fences(text)
    if label == "html":
        return without_script_and_style(text)
    if label == "perl":
        return without_pod(text)
    return text
