"""Markdown tables of the benchmark scores."""

from __future__ import annotations

from collections.abc import Sequence

from .records import SETS, SINGLE_LANGUAGE_SETS
from .scoring import SetResult, Table

_MIXED_HEADER = (
    "| tool | accuracy | macro F1 | boundary F1 | switch latency median / p90 "
    "| short regions / 10k | ms / 1k chars |"
)
_SINGLE_HEADER = (
    "| tool | accuracy | macro F1 | file top-1 | short regions / 10k | ms / 1k chars |"
)


def percent(value: float | None) -> str:
    """Format a ratio as a percentage with one decimal, or a dash for None."""
    return "–" if value is None else f"{100 * value:.1f}"


def timing(result: SetResult, variant: str) -> str:
    """Format milliseconds per 1,000 characters; the oracle has no timing."""
    if variant.startswith("majority"):
        return "–"
    return f"{result.ms_per_1000_chars():.1f}"


def overview(table: Table, split: str) -> list[str]:
    """Return a table of character accuracy (%) per set, one row per variant."""
    sets = _sets_present(table, split)
    lines = [
        "| tool | " + " | ".join(sets) + " | ms / 1k chars |",
        "|---" * (len(sets) + 2) + "|",
    ]
    for variant in table.variants:
        cells = []
        seconds = 0.0
        characters = 0
        for name in sets:
            result = table.get(variant, split, name)
            cells.append(percent(result.scores.accuracy()) if result else "–")
            if result:
                seconds += result.seconds
                characters += result.scores.characters
        speed = "–"
        if not variant.startswith("majority") and characters:
            speed = f"{1e6 * seconds / characters:.1f}"
        lines.append(f"| {variant} | " + " | ".join(cells) + f" | {speed} |")
    return lines


def set_detail(table: Table, split: str, name: str) -> list[str]:
    """Return the table of every score of one set, one row per variant."""
    single = name in SINGLE_LANGUAGE_SETS
    header = _SINGLE_HEADER if single else _MIXED_HEADER
    columns = header.count("|") - 1
    lines = [header, "|---" * columns + "|"]
    for variant in table.variants:
        result = table.get(variant, split, name)
        if result is None:
            continue
        scores = result.scores
        cells = [variant, percent(scores.accuracy()), percent(scores.macro_f1())]
        if single:
            cells.append(percent(scores.file_accuracy()))
        else:
            median, p90 = scores.latency_percentiles()
            cells.append(percent(scores.boundary_f1()))
            cells.append(f"{median:.0f} / {p90:.0f}")
        cells.append(f"{scores.short_regions_per_10k():.1f}")
        cells.append(timing(result, variant))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def set_sizes(table: Table, split: str) -> list[str]:
    """Return one line per set: its documents and characters."""
    reference = table.variants[0]
    lines = []
    for name in _sets_present(table, split):
        result = table.get(reference, split, name)
        lines.append(
            f"- `{name}`: {result.documents} documents, "
            f"{result.scores.characters:,} characters"
        )
    return lines


def render(table: Table, splits: Sequence[str]) -> str:
    """Return the overview and per-set tables of every split as Markdown."""
    out: list[str] = []
    for split in splits:
        out += [f"#### Split `{split}`: character accuracy (%)", ""]
        out += set_sizes(table, split) + [""]
        out += overview(table, split) + [""]
        for name in _sets_present(table, split):
            out += [f"##### `{split}/{name}`", ""]
            out += set_detail(table, split, name) + [""]
    return "\n".join(out)


def _sets_present(table: Table, split: str) -> list[str]:
    present = {name for (_, s, name) in table.results if s == split}
    return [name for name in SETS if name in present]
