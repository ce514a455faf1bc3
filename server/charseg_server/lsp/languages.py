"""Names of the model's labels: VS Code language ids, fence info strings, extensions.

Labels are VS Code language identifiers (see :data:`charseg_server.contract.LABELS`).
A model with labels outside these tables still works: its labels are shown as they
are and get no file extension or fence name.
"""

from __future__ import annotations

import re

#: Human-readable names, as VS Code shows them in its language picker.
DISPLAY_NAMES: dict[str, str] = {
    "python": "Python",
    "scala": "Scala",
    "java": "Java",
    "kotlin": "Kotlin",
    "javascript": "JavaScript",
    "typescript": "TypeScript",
    "c": "C",
    "cpp": "C++",
    "csharp": "C#",
    "go": "Go",
    "rust": "Rust",
    "ruby": "Ruby",
    "php": "PHP",
    "shellscript": "Shell Script",
    "sql": "SQL",
    "html": "HTML",
    "css": "CSS",
    "markdown": "Markdown",
    "json": "JSON",
    "yaml": "YAML",
    "haskell": "Haskell",
    "lua": "Lua",
    "r": "R",
    "perl": "Perl",
    "latex": "LaTeX",
    "xml": "XML",
    "plaintext": "Plain Text",
    "other": "another language",
}

#: VS Code language ids that are not labels themselves, mapped to the closest label.
LANGUAGE_ID_ALIASES: dict[str, str] = {
    "javascriptreact": "javascript",
    "typescriptreact": "typescript",
    "jsonc": "json",
    "jsonl": "json",
    "json5": "json",
    "bat": "shellscript",
    "sh": "shellscript",
    "bash": "shellscript",
    "zsh": "shellscript",
    "shell": "shellscript",
    "cuda-cpp": "cpp",
    "tex": "latex",
    "xsl": "xml",
    "svg": "xml",
    "scss": "css",
    "less": "css",
    "dockercompose": "yaml",
    "text": "plaintext",
}

#: Words that Markdown fence info strings use for each label (besides the label).
FENCE_ALIASES: dict[str, str] = {
    "py": "python",
    "py3": "python",
    "python3": "python",
    "sc": "scala",
    "kt": "kotlin",
    "kts": "kotlin",
    "js": "javascript",
    "jsx": "javascript",
    "mjs": "javascript",
    "cjs": "javascript",
    "node": "javascript",
    "ts": "typescript",
    "tsx": "typescript",
    "h": "c",
    "c++": "cpp",
    "cc": "cpp",
    "cxx": "cpp",
    "hpp": "cpp",
    "cs": "csharp",
    "c#": "csharp",
    "golang": "go",
    "rs": "rust",
    "rb": "ruby",
    "sh": "shellscript",
    "bash": "shellscript",
    "zsh": "shellscript",
    "shell": "shellscript",
    "console": "shellscript",
    "shell-session": "shellscript",
    "postgresql": "sql",
    "postgres": "sql",
    "psql": "sql",
    "mysql": "sql",
    "sqlite": "sql",
    "htm": "html",
    "xhtml": "html",
    "md": "markdown",
    "jsonc": "json",
    "json5": "json",
    "yml": "yaml",
    "hs": "haskell",
    "pl": "perl",
    "tex": "latex",
    "text": "plaintext",
    "txt": "plaintext",
    "plain": "plaintext",
    "svg": "xml",
    "scss": "css",
    "less": "css",
}

#: Info string written into a fence for each label.
FENCE_NAMES: dict[str, str] = {
    "shellscript": "sh",
    "plaintext": "text",
}

#: File extension used when a region moves to a file of its own.
FILE_EXTENSIONS: dict[str, str] = {
    "python": ".py",
    "scala": ".scala",
    "java": ".java",
    "kotlin": ".kt",
    "javascript": ".js",
    "typescript": ".ts",
    "c": ".c",
    "cpp": ".cpp",
    "csharp": ".cs",
    "go": ".go",
    "rust": ".rs",
    "ruby": ".rb",
    "php": ".php",
    "shellscript": ".sh",
    "sql": ".sql",
    "html": ".html",
    "css": ".css",
    "markdown": ".md",
    "json": ".json",
    "yaml": ".yaml",
    "haskell": ".hs",
    "lua": ".lua",
    "r": ".r",
    "perl": ".pl",
    "latex": ".tex",
    "xml": ".xml",
    "plaintext": ".txt",
}

#: Pairs of labels whose text is often valid in both languages, and which the model
#: confuses: code of one is never flagged where the other is expected. Markdown
#: allows raw HTML.
COMPATIBLE_LABELS: frozenset[frozenset[str]] = frozenset(
    {
        frozenset({"c", "cpp"}),
        frozenset({"javascript", "typescript"}),
        frozenset({"markdown", "html"}),
    }
)

#: Labels that never count as foreign code: prose, comments and docstrings.
PROSE_LABELS = frozenset({"plaintext"})

_INFO_WORD = re.compile(r"[^\s{}.,;]+")


def display_name(label: str) -> str:
    """Return the name shown to users for a label."""
    return DISPLAY_NAMES.get(label, label)


def label_for_language_id(
    language_id: str | None, labels: tuple[str, ...]
) -> str | None:
    """Map a VS Code language id to one of ``labels``, or None if none fits."""
    if not language_id:
        return None
    language_id = language_id.lower()
    if language_id in labels:
        return language_id
    alias = LANGUAGE_ID_ALIASES.get(language_id)
    return alias if alias in labels else None


def label_for_fence_info(info: str, labels: tuple[str, ...]) -> str | None:
    """Map a fence info string (such as ``py``, ``{.python}``, ``c++ title=x``)."""
    match = _INFO_WORD.search(info)
    if match is None:
        return None
    word = match.group(0).lower()
    word = word.removeprefix("language-")
    if word in labels:
        return word
    alias = FENCE_ALIASES.get(word) or LANGUAGE_ID_ALIASES.get(word)
    return alias if alias in labels else None


def fence_name(label: str) -> str | None:
    """Return the info string to write for ``label``, or None for ``other``."""
    if label == "other":
        return None
    return FENCE_NAMES.get(label, label)


def are_compatible(first: str, second: str) -> bool:
    """Return whether code labelled ``first`` may stand where ``second`` is named."""
    return first == second or frozenset({first, second}) in COMPATIBLE_LABELS
