"""Wording shared by diagnostics, hover, hints, symbols and code actions."""

from __future__ import annotations

from charseg_server.lsp.languages import display_name


def percent(confidence: float) -> str:
    """Format a confidence from 0 to 1 as a whole percentage, such as ``97%``."""
    return f"{round(confidence * 100)}%"


def line_span(first: int, last: int) -> str:
    """Describe 0-based lines as 1-based ones: ``Line 12`` or ``Lines 12–30``."""
    if first == last:
        return f"Line {first + 1}"
    return f"Lines {first + 1}–{last + 1}"


def looks_like(first: int, last: int, label: str, confidence: float) -> str:
    """Describe lines and their language: ``Lines 3–9 look like Go (91%)``."""
    verb = "looks" if first == last else "look"
    name = display_name(label)
    return f"{line_span(first, last)} {verb} like {name} ({percent(confidence)})"
