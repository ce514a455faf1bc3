"""Map a file path (and, for files without an extension, its first line) to a label.

The mapping is by file name first, then by extension, then by a ``#!`` line.
A path that maps to ``None`` is not used. Ambiguous or mixed formats are left
unmapped on purpose: ``.rst``, ``.scss``, ``.less``, ``.erb``, ``.vue``,
``.lhs``, ``.pod``, ``.po``, ``.m`` (Objective-C or MATLAB), ``.ipynb``,
and ``.svg`` (mostly drawn by programs, not written by hand).
"""

from __future__ import annotations

import posixpath
import re

#: File names (exact, case-sensitive) that decide the label on their own.
NAME_LABELS: dict[str, str] = {
    "Makefile": "other",
    "GNUmakefile": "other",
    "makefile": "other",
    "Dockerfile": "other",
    "Containerfile": "other",
    "CMakeLists.txt": "other",
    "Jenkinsfile": "other",
    "meson.build": "other",
    "configure.ac": "other",
    "Makefile.am": "other",
    "Vagrantfile": "ruby",
    "Gemfile": "ruby",
    "Rakefile": "ruby",
    "Guardfile": "ruby",
    "SConstruct": "python",
    "SConscript": "python",
    ".bashrc": "shellscript",
    ".profile": "shellscript",
    ".bash_profile": "shellscript",
}

#: Prose file names, matched on the upper-cased stem, with or without ``.txt``.
PROSE_STEMS: frozenset[str] = frozenset(
    {
        "README",
        "CHANGES",
        "CHANGELOG",
        "CHANGELOG.OLD",
        "NEWS",
        "AUTHORS",
        "COPYING",
        "COPYRIGHT",
        "LICENSE",
        "LICENCE",
        "THANKS",
        "TODO",
        "INSTALL",
        "HACKING",
        "CONTRIBUTORS",
        "CONTRIBUTING",
        "NOTICE",
        "HISTORY",
        "BUGS",
        "FAQ",
    }
)

#: Extensions (lower-cased, with the dot) and their labels. ``.h`` is missing
#: because its label depends on the project, see :func:`label_for_path`.
EXTENSION_LABELS: dict[str, str] = {
    ".py": "python",
    ".pyi": "python",
    ".pyw": "python",
    ".scala": "scala",
    ".java": "java",
    ".kt": "kotlin",
    ".kts": "kotlin",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "typescript",
    ".c": "c",
    ".cc": "cpp",
    ".cpp": "cpp",
    ".cxx": "cpp",
    ".c++": "cpp",
    ".hpp": "cpp",
    ".hh": "cpp",
    ".hxx": "cpp",
    ".h++": "cpp",
    ".ipp": "cpp",
    ".inl": "cpp",
    ".tcc": "cpp",
    ".cs": "csharp",
    ".go": "go",
    ".rs": "rust",
    ".rb": "ruby",
    ".rake": "ruby",
    ".gemspec": "ruby",
    ".php": "php",
    ".sh": "shellscript",
    ".bash": "shellscript",
    ".zsh": "shellscript",
    ".ksh": "shellscript",
    ".sql": "sql",
    ".pgsql": "sql",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".css": "css",
    ".md": "markdown",
    ".markdown": "markdown",
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".hs": "haskell",
    ".hsc": "haskell",
    ".lua": "lua",
    ".rockspec": "lua",
    ".r": "r",
    ".pl": "perl",
    ".pm": "perl",
    ".t": "perl",
    ".tex": "latex",
    ".sty": "latex",
    ".cls": "latex",
    ".ltx": "latex",
    ".dtx": "latex",
    ".xml": "xml",
    ".xsl": "xml",
    ".xslt": "xml",
    ".xsd": "xml",
    ".wsdl": "xml",
    ".pom": "xml",
    ".csproj": "xml",
    ".vbproj": "xml",
    ".props": "xml",
    ".targets": "xml",
    ".resx": "xml",
    ".xaml": "xml",
    ".plist": "xml",
    ".txt": "plaintext",
    # Code in languages outside the label set.
    ".swift": "other",
    ".jl": "other",
    ".groovy": "other",
    ".gradle": "other",
    ".ex": "other",
    ".exs": "other",
    ".erl": "other",
    ".hrl": "other",
    ".clj": "other",
    ".cljs": "other",
    ".el": "other",
    ".scm": "other",
    ".rkt": "other",
    ".lisp": "other",
    ".ml": "other",
    ".mli": "other",
    ".fs": "other",
    ".fsx": "other",
    ".vb": "other",
    ".pas": "other",
    ".f90": "other",
    ".f95": "other",
    ".asm": "other",
    ".s": "other",
    ".bat": "other",
    ".cmd": "other",
    ".ps1": "other",
    ".vim": "other",
    ".proto": "other",
    ".thrift": "other",
    ".awk": "other",
    ".m4": "other",
    ".cmake": "other",
    ".mk": "other",
    ".tcl": "other",
    ".nim": "other",
    ".zig": "other",
    ".dart": "other",
    ".coffee": "other",
    ".hx": "other",
    ".vala": "other",
    ".sml": "other",
    ".elm": "other",
    ".purs": "other",
    ".idr": "other",
    ".agda": "other",
    ".cabal": "other",
    ".y": "other",
    ".l": "other",
    ".nix": "other",
    ".tf": "other",
    ".toml": "other",
    ".ini": "other",
    ".properties": "other",
    ".texi": "other",
    ".rd": "other",
    ".cr": "other",
    ".d": "other",
    ".v": "other",
    ".vhd": "other",
    ".vhdl": "other",
    ".sv": "other",
    ".ll": "other",
    ".bib": "other",
}

_SHEBANG_LABELS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(ba|z|k|da)?sh\b"), "shellscript"),
    (re.compile(r"\bpython[0-9.]*\b"), "python"),
    (re.compile(r"\bperl\b"), "perl"),
    (re.compile(r"\bruby\b"), "ruby"),
    (re.compile(r"\bnode\b"), "javascript"),
    (re.compile(r"\blua[0-9.]*\b"), "lua"),
    (re.compile(r"\bRscript\b"), "r"),
    (re.compile(r"\bphp\b"), "php"),
)

#: Directory names whose contents are copies of other projects.
VENDORED_DIRS: frozenset[str] = frozenset(
    {
        "node_modules",
        "vendor",
        "vendored",
        "third_party",
        "thirdparty",
        "third-party",
        "3rdparty",
        "bower_components",
        "__pycache__",
        ".git",
        ".svn",
        ".hg",
    }
)


def is_vendored(path: str) -> bool:
    """Return True if any directory in ``path`` is a vendored or VCS directory."""
    parts = path.split("/")[:-1]
    return any(part in VENDORED_DIRS for part in parts)


def label_for_path(path: str, header_label: str = "c") -> str | None:
    """Return the label for a relative POSIX ``path`` by name or extension.

    Args:
        path: path of the file inside its source tree.
        header_label: label for ``.h`` files, ``c`` or ``cpp`` depending on
            the project the file comes from.

    Returns:
        A label, or None when the name gives no label. Files without an
        extension may still get one from :func:`label_for_shebang`.
    """
    name = posixpath.basename(path)
    if name in NAME_LABELS:
        return NAME_LABELS[name]
    stem, ext = posixpath.splitext(name)
    if name.upper() in PROSE_STEMS or (ext == ".txt" and stem.upper() in PROSE_STEMS):
        return "plaintext"
    if ".min." in name:
        return None
    ext = ext.lower()
    if ext == ".txt" and _in_non_prose_dir(path):
        return None
    if name.endswith(".d.ts"):
        return "typescript"
    if ext == ".h":
        return header_label
    if ext == ".in":
        # Templates such as Makefile.in are mostly generated by autotools.
        return None
    return EXTENSION_LABELS.get(ext)


#: Folders whose .txt files are not prose: test folders keep expected output and
#: data, and API folders keep listings of declarations, one per line.
_NON_PROSE_DIRS = frozenset(
    {"t", "test", "tests", "Tests", "testsuite", "testdata", "testing"}
    | {"api", "reference-public-api"}
)


def _in_non_prose_dir(path: str) -> bool:
    return any(part in _NON_PROSE_DIRS for part in path.split("/")[:-1])


def label_for_shebang(first_line: str) -> str | None:
    """Return the label named by a ``#!`` interpreter line, or None."""
    if not first_line.startswith("#!"):
        return None
    interpreter = first_line[2:].strip()
    for pattern, label in _SHEBANG_LABELS:
        if pattern.search(interpreter):
            return label
    return None


def has_extension(path: str) -> bool:
    """Return True if the file name in ``path`` has an extension."""
    name = posixpath.basename(path)
    return "." in name.lstrip(".")
