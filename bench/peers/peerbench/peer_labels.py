"""Mapping each peer's language names to charseg labels.

Names a map leaves out become ``other``, the label for code in a language
outside charseg's set.
"""

from __future__ import annotations

#: Pygments lexer aliases (Pygments 2.21). A lexer maps through the first of
#: its aliases found here. ``console`` (shell sessions) is not a shell script.
PYGMENTS = {
    "python": "python",
    "python2": "python",
    "numpy": "python",
    "scala": "scala",
    "java": "java",
    "kotlin": "kotlin",
    "javascript": "javascript",
    "jsx": "javascript",
    "typescript": "typescript",
    "tsx": "typescript",
    "c": "c",
    "cpp": "cpp",
    "csharp": "csharp",
    "go": "go",
    "rust": "rust",
    "ruby": "ruby",
    "php": "php",
    "bash": "shellscript",
    "sql": "sql",
    "mysql": "sql",
    "postgresql": "sql",
    "plpgsql": "sql",
    "sqlite3": "sql",
    "tsql": "sql",
    "html": "html",
    "css": "css",
    "markdown": "markdown",
    "json": "json",
    "yaml": "yaml",
    "haskell": "haskell",
    "lua": "lua",
    "splus": "r",
    "perl": "perl",
    "tex": "latex",
    "xml": "xml",
    "text": "plaintext",
}

#: highlight.js language names (11.x) passed as the auto-detection subset.
#: highlight.js has one language, ``xml``, for both HTML and XML; it maps to
#: ``html`` here, so highlight.js never predicts ``xml``.
HIGHLIGHTJS = {
    "python": "python",
    "scala": "scala",
    "java": "java",
    "kotlin": "kotlin",
    "javascript": "javascript",
    "typescript": "typescript",
    "c": "c",
    "cpp": "cpp",
    "csharp": "csharp",
    "go": "go",
    "rust": "rust",
    "ruby": "ruby",
    "php": "php",
    "bash": "shellscript",
    "sql": "sql",
    "xml": "html",
    "css": "css",
    "markdown": "markdown",
    "json": "json",
    "yaml": "yaml",
    "haskell": "haskell",
    "lua": "lua",
    "r": "r",
    "perl": "perl",
    "latex": "latex",
    "plaintext": "plaintext",
}

#: Magika content-type labels (Magika 1.0, model standard_v3_3).
MAGIKA = {
    "python": "python",
    "scala": "scala",
    "java": "java",
    "kotlin": "kotlin",
    "javascript": "javascript",
    "typescript": "typescript",
    "c": "c",
    "cpp": "cpp",
    "cs": "csharp",
    "go": "go",
    "rust": "rust",
    "ruby": "ruby",
    "php": "php",
    "shell": "shellscript",
    "sql": "sql",
    "html": "html",
    "css": "css",
    "markdown": "markdown",
    "json": "json",
    "jsonl": "json",
    "yaml": "yaml",
    "haskell": "haskell",
    "lua": "lua",
    "r": "r",
    "perl": "perl",
    "latex": "latex",
    "xml": "xml",
    "txt": "plaintext",
}

#: guesslang language ids (file extensions) from @vscode/vscode-languagedetection.
GUESSLANG = {
    "py": "python",
    "scala": "scala",
    "java": "java",
    "kt": "kotlin",
    "js": "javascript",
    "ts": "typescript",
    "c": "c",
    "cpp": "cpp",
    "cs": "csharp",
    "go": "go",
    "rs": "rust",
    "rb": "ruby",
    "php": "php",
    "sh": "shellscript",
    "sql": "sql",
    "html": "html",
    "css": "css",
    "md": "markdown",
    "json": "json",
    "yaml": "yaml",
    "hs": "haskell",
    "lua": "lua",
    "r": "r",
    "pm": "perl",
    "tex": "latex",
    "xml": "xml",
}


def to_label(mapping: dict[str, str], name: str | None) -> str:
    """Map a peer's language name; a missing name means no language found."""
    if not name:
        return "plaintext"
    return mapping.get(name, "other")


def pygments_label(aliases: list[str]) -> str:
    """Map a Pygments lexer through the first of its aliases that is known."""
    for alias in aliases:
        if alias in PYGMENTS:
            return PYGMENTS[alias]
    return "other"
