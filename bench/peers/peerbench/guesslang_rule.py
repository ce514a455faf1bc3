"""VS Code's rule that turns guesslang's ranked guesses into one language or none.

This restates the rule of VS Code's language detection worker, the file
``languageDetectionWorker.ts`` under
``src/vs/workbench/services/languageDetection/browser/`` in the VS Code
repository. Confidences of common languages are raised and those of
error-prone ones lowered, then a guess counts only if it is confident and
clearly ahead of the next one. When this rule finds nothing, VS Code falls back
to a regular expression model that ships with VS Code and not with the npm
package, so the benchmark leaves that step out.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

EXPECTED_RELATIVE_CONFIDENCE = 0.2
_BUCKET1 = 0.05
_BUCKET2 = 0.025
_NEGATIVE = 0.5

_RAISED_MORE = {"js", "html", "json", "ts", "css", "py", "xml", "php"}
_RAISED_LESS = {"cpp", "sh", "java", "cs", "c"}
_LOWERED = {"bat", "ini", "makefile", "sql", "csv", "toml"}


def adjusted(language: str, confidence: float) -> float:
    """Return the confidence after VS Code's per-language correction."""
    if language in _RAISED_MORE:
        return confidence + _BUCKET1
    if language in _RAISED_LESS:
        return confidence + _BUCKET2
    if language in _LOWERED:
        return confidence - _NEGATIVE
    return confidence


def accepted(results: Sequence[tuple[str, float]]) -> Iterator[str]:
    """Yield the languages VS Code accepts from results sorted by confidence.

    The first result must reach the threshold before and after correction. A
    candidate is released once a later result trails it by at least the
    threshold. The walk stops at the first later result at or below the
    threshold, and candidates not released by then are dropped.
    """
    threshold = EXPECTED_RELATIVE_CONFIDENCE
    if not results or results[0][1] < threshold:
        return
    first = (results[0][0], adjusted(*results[0]))
    if first[1] < threshold:
        return
    pending = [first]
    for language, raw in results[1:]:
        current = (language, adjusted(language, raw))
        highest = pending[-1]
        if highest[1] - current[1] >= threshold:
            while pending:
                yield pending.pop(0)[0]
        if current[1] > threshold:
            pending.append(current)
            continue
        return


def vscode_language(results: Sequence[tuple[str, float]]) -> str | None:
    """Return the language VS Code would pick, or None when it finds none."""
    return next(accepted(results), None)
