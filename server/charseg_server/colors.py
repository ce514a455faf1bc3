"""One colour per label, shared with the VS Code extension.

Each colour has a relative luminance between 0.13 and 0.33 (WCAG 2
definition). So its contrast ratio is at least 2.8 against white and against
black, and black or white text on it keeps a contrast ratio of at least 4.5.
The language colours are spread over the hue circle in two luminance bands,
and ``plaintext`` and ``other`` are greys.
"""

from __future__ import annotations

COLORS: dict[str, str] = {
    "python": "#2368A5",
    "scala": "#24A973",
    "java": "#A627B7",
    "kotlin": "#899E22",
    "javascript": "#A54A23",
    "typescript": "#E1728D",
    "c": "#19751D",
    "cpp": "#A584E5",
    "csharp": "#845E1C",
    "go": "#23A69C",
    "rust": "#B22694",
    "ruby": "#63A623",
    "php": "#3B5AD5",
    "shellscript": "#E0776C",
    "sql": "#19743C",
    "html": "#C078E2",
    "css": "#6A6817",
    "markdown": "#2BA0CA",
    "json": "#BA2869",
    "yaml": "#39AB24",
    "haskell": "#614ED9",
    "lua": "#D6803F",
    "r": "#187259",
    "perl": "#DE65DD",
    "latex": "#536E17",
    "xml": "#6596DE",
    "plaintext": "#9A9A9A",
    "other": "#6B6B6B",
}

#: Colour for a label that a custom model has and this palette lacks.
FALLBACK_COLOR = "#808080"


def color_for(label: str) -> str:
    """Return the ``#rrggbb`` colour of ``label``."""
    return COLORS.get(label, FALLBACK_COLOR)


def rgb(color: str) -> tuple[int, int, int]:
    """Return the red, green and blue bytes of a ``#rrggbb`` colour."""
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def relative_luminance(color: str) -> float:
    """Return the WCAG 2 relative luminance of a ``#rrggbb`` colour (0 to 1)."""
    channels = []
    for byte in rgb(color):
        value = byte / 255
        if value <= 0.04045:
            channels.append(value / 12.92)
        else:
            channels.append(((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """Return the WCAG 2 contrast ratio of two colours (1 to 21)."""
    lighter, darker = sorted(
        (relative_luminance(first), relative_luminance(second)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def text_color(background: str) -> str:
    """Return black or white, whichever contrasts more with ``background``."""
    if contrast_ratio(background, "#000000") >= contrast_ratio(background, "#FFFFFF"):
        return "#000000"
    return "#FFFFFF"
