"""Score every tool's predictions and print the Markdown tables.

    .venv/bin/python bench/peers/score.py

reads ``bench/data`` and ``bench/results/*.jsonl``, writes
``bench/results/report.md`` and ``bench/results/summary.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

from peerbench.paths import DATA_DIR, RESULTS_DIR
from peerbench.records import read_documents, read_predictions
from peerbench.report import render
from peerbench.scoring import MAJORITY, Table, add_tool, majority_predictions

from charseg_server.contract import LABELS

TOOL_ORDER = ("charseg", "pygments", "highlightjs", "magika", "guesslang")


def machine() -> str:
    """Describe the CPU, core count and load of this machine."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = os.getloadavg()[0]
    return (
        f"{os.cpu_count()} cores ({model}), no GPU, "
        f"1-minute load average {load:.1f} at the end of the run"
    )


def window_note(versions: dict[str, dict]) -> str:
    """Describe the peers' sliding windows from their run metadata."""
    shapes = {
        (meta["window"], meta["stride"])
        for meta in versions.values()
        if "window" in meta
    }
    if not shapes:
        return ""
    text = ", ".join(f"{window} characters every {stride}" for window, stride in shapes)
    return f"Peer windows: {text}."


def score_all(documents: list) -> tuple[Table, dict[str, dict]]:
    """Score the majority baseline and every tool with a prediction file.

    Returns the table and each tool's run metadata.
    """
    table = Table()
    baseline = majority_predictions(documents, LABELS)
    add_tool(table, MAJORITY, documents, baseline, LABELS)
    metadata = {}
    for tool in TOOL_ORDER:
        path = RESULTS_DIR / f"{tool}.jsonl"
        if not path.exists():
            continue
        add_tool(table, tool, documents, read_predictions(path), LABELS)
        meta_path = RESULTS_DIR / f"{tool}.meta.json"
        if meta_path.exists():
            metadata[tool] = json.loads(meta_path.read_text())
    return table, metadata


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--command", default="", help="the command line to print in the report"
    )
    args = parser.parse_args()
    documents = read_documents(DATA_DIR)
    splits = sorted({document.split for document in documents})
    table, metadata = score_all(documents)

    versions = "; ".join(f"{tool} {meta['version']}" for tool, meta in metadata.items())
    header = [
        f"Run {time.strftime('%Y-%m-%d %H:%M %Z')} on {machine()}.",
        f"Command: `{args.command}`" if args.command else "",
        f"Versions: {versions}.",
        window_note(metadata),
    ]
    report = "\n\n".join(line for line in header if line) + "\n\n"
    report += render(table, splits)
    (RESULTS_DIR / "report.md").write_text(report + "\n", encoding="utf-8")

    summary = {
        f"{variant} | {split}/{name}": {
            **result.scores.summary(),
            "ms_per_1000_chars": result.ms_per_1000_chars(),
        }
        for (variant, split, name), result in table.results.items()
    }
    (RESULTS_DIR / "summary.json").write_text(json.dumps(summary, indent=1))
    print(report)


if __name__ == "__main__":
    main()
