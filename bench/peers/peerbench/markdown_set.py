"""Markdown documents with fenced code blocks whose info strings are removed.

The truth of a block's body is the language its info string named, mapped to
a charseg label. Every other character, fence lines included, is
``markdown``. The tools see the document with the info strings removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .embedded import Span, embedded_runs, excerpt
from .rle import Runs

# NOTE: CommonMark allows at most 3 spaces before a fence. Any indentation is
# accepted here because fences inside list items are indented further.
_OPENING = re.compile(r"^([ \t]*)(`{3,}|~{3,})(.*)$")

#: Info-string languages (lowercase) that map to a charseg label; others map to
#: ``other``. ``console`` and ``pycon`` are sessions (commands and output), so
#: they are ``other`` as well.
INFO_LABELS = {
    **dict.fromkeys(["python", "py", "python3", "py3"], "python"),
    "scala": "scala",
    "java": "java",
    **dict.fromkeys(["kotlin", "kt", "kts"], "kotlin"),
    **dict.fromkeys(["javascript", "js", "jsx", "mjs", "cjs", "node"], "javascript"),
    **dict.fromkeys(["typescript", "ts", "tsx"], "typescript"),
    **dict.fromkeys(["c", "h"], "c"),
    **dict.fromkeys(["cpp", "c++", "cc", "cxx", "hpp"], "cpp"),
    **dict.fromkeys(["csharp", "cs", "c#"], "csharp"),
    **dict.fromkeys(["go", "golang"], "go"),
    **dict.fromkeys(["rust", "rs"], "rust"),
    **dict.fromkeys(["ruby", "rb"], "ruby"),
    "php": "php",
    **dict.fromkeys(
        ["sh", "bash", "shell", "zsh", "ksh", "shellscript"], "shellscript"
    ),
    **dict.fromkeys(
        ["sql", "mysql", "postgresql", "psql", "pgsql", "plpgsql", "sqlite"], "sql"
    ),
    **dict.fromkeys(["html", "htm", "xhtml"], "html"),
    "css": "css",
    **dict.fromkeys(["markdown", "md"], "markdown"),
    **dict.fromkeys(["json", "jsonc", "json5"], "json"),
    **dict.fromkeys(["yaml", "yml"], "yaml"),
    **dict.fromkeys(["haskell", "hs"], "haskell"),
    "lua": "lua",
    "r": "r",
    **dict.fromkeys(["perl", "pl"], "perl"),
    **dict.fromkeys(["latex", "tex"], "latex"),
    "xml": "xml",
    **dict.fromkeys(["text", "txt", "plaintext", "plain"], "plaintext"),
}


@dataclass(frozen=True)
class Fence:
    """A fenced code block, as code-point offsets into its document."""

    start: int
    """Start of the opening fence line."""
    info_start: int
    """First character after the fence characters on the opening line."""
    info_end: int
    """End of the opening line, before its newline."""
    body_start: int
    body_end: int
    """Start of the closing fence line, or the end of an unclosed document."""
    end: int
    """End of the closing fence line, its newline included."""
    info: str


def info_language(info: str) -> str:
    """Return the language word of an info string: ``rust,ignore`` -> ``rust``."""
    words = info.split()
    if not words:
        return ""
    word = words[0].split(",")[0].strip("{}").lstrip(".")
    return word.lower()


def info_label(info: str) -> str:
    """Map an info string to a charseg label; unknown languages map to ``other``."""
    return INFO_LABELS.get(info_language(info), "other")


def find_fences(text: str) -> list[Fence]:
    """Return the fenced code blocks of a Markdown text, in order."""
    fences = []
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    index = 0
    while index < len(lines):
        match = _OPENING.match(lines[index].rstrip("\r\n"))
        if not match or (match.group(2)[0] == "`" and "`" in match.group(3)):
            index += 1
            continue
        marker = match.group(2)
        start = offsets[index]
        info_start = start + len(match.group(1)) + len(marker)
        info_end = start + len(lines[index].rstrip("\r\n"))
        close = _closing_line(lines, index + 1, marker)
        body_end = offsets[close] if close is not None else len(text)
        end = offsets[close + 1] if close is not None else len(text)
        fences.append(
            Fence(
                start=start,
                info_start=info_start,
                info_end=info_end,
                body_start=offsets[index + 1],
                body_end=body_end,
                end=end,
                info=match.group(3).strip(),
            )
        )
        index = close + 1 if close is not None else len(lines)
    return fences


def _closing_line(lines: list[str], first: int, marker: str) -> int | None:
    for index in range(first, len(lines)):
        stripped = lines[index].strip()
        if len(stripped) >= len(marker) and set(stripped) == {marker[0]}:
            return index
    return None


def strip_info(text: str, fences: list[Fence]) -> tuple[str, list[Span]]:
    """Remove the info strings; return the new text and each body's span."""
    parts = []
    spans = []
    position = 0
    removed = 0
    for fence in fences:
        parts.append(text[position : fence.info_start])
        removed += fence.info_end - fence.info_start
        position = fence.info_end
        spans.append(
            Span(
                fence.body_start - removed,
                fence.body_end - removed,
                info_label(fence.info),
            )
        )
    parts.append(text[position:])
    return "".join(parts), spans


def markdown_document(text: str) -> tuple[str, Runs] | None:
    """Return the stripped text and truth of a usable document, else None.

    A document is usable when it has fenced blocks and every one of them has
    an info string, because a block without one has no known language. Of a long
    document, an excerpt between blocks is kept.
    """
    fences = find_fences(text)
    if not fences or not all(fence.info for fence in fences):
        return None
    blocks = [Span(fence.start, fence.end, "block") for fence in fences]
    bounds = excerpt(text, blocks)
    if bounds is None:
        return None
    text = text[bounds[0] : bounds[1]]
    stripped, spans = strip_info(text, find_fences(text))
    return stripped, embedded_runs(stripped, spans, "markdown")
