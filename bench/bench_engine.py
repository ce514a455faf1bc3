"""Benchmark the segmentation engine and print a Markdown report.

Not part of the test suite. Run from the repository root:

    nice -n 10 .venv/bin/python bench/bench_engine.py            # large = 2 MB
    nice -n 10 .venv/bin/python bench/bench_engine.py --large-mb 10

It measures end-to-end characters per second (text in, regions out) on 1 and
2 threads for 1 KB, 100 KB and large documents. It runs the fp32 model and its
dynamic int8 variant: ``model.int8.onnx`` beside the model, else one made with
``onnxruntime.quantization.quantize_dynamic`` in a temporary folder (which needs
the ``onnx`` package). It also times a 2,000-line file, a one-character edit in
a 10,000-line file, and the peak resident memory of a large document, each
large-document run in a child process so its peak is its own.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from charseg_server.contract import encode
from charseg_server.engine import Segmenter, SegmentOptions
from charseg_server.incremental import IncrementalSegmenter, window_key
from charseg_server.model import Model, default_model_path
from charseg_server.windows import plan_windows

LINE_POOLS = {
    "python": [
        "def handle(request, user_id: int) -> dict:",
        "    rows = db.execute(query, (user_id,)).fetchall()",
        "    return {'items': [dict(row) for row in rows]}",
        "class Cache:",
        "    def get(self, key):",
        "        return self._data.get(key)",
    ],
    "typescript": [
        "export function parse(input: string): Token[] {",
        "  const tokens: Token[] = [];",
        "  for (const ch of input) tokens.push(classify(ch));",
        "  return tokens;",
        "}",
    ],
    "sql": [
        "SELECT u.id, u.name, count(o.id) AS orders",
        "FROM users u LEFT JOIN orders o ON o.user_id = u.id",
        "GROUP BY u.id, u.name ORDER BY orders DESC;",
    ],
    "markdown": [
        "## Installation",
        "Run the installer and restart the editor.",
        "- supports *nested* lists and `inline code`",
        "",
    ],
    "rust": [
        "fn main() -> Result<(), Box<dyn Error>> {",
        "    let config = Config::from_env()?;",
        '    println!("listening on {}", config.port);',
        "    Ok(())",
        "}",
    ],
}


def make_lines(count: int, seed: int = 0) -> list[str]:
    """Return ``count`` distinct code lines in blocks of 10 to 60 lines per language."""
    rng = random.Random(seed)
    names = sorted(LINE_POOLS)
    lines: list[str] = []
    while len(lines) < count:
        pool = LINE_POOLS[rng.choice(names)]
        for _ in range(rng.randint(10, 60)):
            line = rng.choice(pool)
            lines.append(f"{line}  // {len(lines)}" if line else line)
    return lines[:count]


def make_text(chars: int, seed: int = 0) -> str:
    """Return a mixed-language text of exactly ``chars`` characters."""
    lines = make_lines(chars // 30 + 10, seed)
    text = "\n".join(lines)
    while len(text) < chars:
        text += "\n" + text
    return text[:chars]


def int8_model_path(fp32: Path, folder: Path) -> Path | None:
    """Return an int8 variant of ``fp32``, quantizing one if none is beside it."""
    beside = fp32.with_name("model.int8.onnx")
    if beside.is_file():
        return beside
    try:
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError:
        return None
    target = folder / "model.int8.onnx"
    quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QUInt8)
    source, result = onnx.load(str(fp32)), onnx.load(str(target))
    del result.metadata_props[:]
    result.metadata_props.extend(source.metadata_props)
    onnx.save(result, str(target))
    return target


def timed(function, *args) -> tuple[float, float]:
    """Call ``function``; return (wall-clock seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    function(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def rate_cell(chars: int, wall: float, cpu: float) -> str:
    """Format characters per wall-clock second and, in brackets, per CPU second."""
    return f"{chars / wall:,.0f} ({chars / cpu:,.0f})"


def chars_per_second(segmenter: Segmenter, text: str, repeats: int) -> str:
    segmenter.segment(text[:2000])  # warm-up
    timings = [timed(segmenter.segment, text) for _ in range(repeats)]
    wall = statistics.median(t[0] for t in timings)
    cpu = statistics.median(t[1] for t in timings)
    return rate_cell(len(text), wall, cpu)


def large_child(model_path: str, threads: int, chars: int) -> None:
    """Segment one large document; print wall and CPU seconds and peak RSS in MB."""
    model = Model.load(model_path, provider="cpu", threads=threads)
    text = make_text(chars, seed=3)
    engine = Segmenter(model, SegmentOptions(max_chars=chars))
    wall, cpu = timed(engine.segment, text)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{wall} {cpu} {peak_mb}")


def run_large(model_path: Path, threads: int, chars: int) -> tuple[str, float]:
    """Return (rate cell, peak RSS in MB) measured in a child process."""
    command = [
        sys.executable,
        __file__,
        "--child",
        str(model_path),
        str(threads),
        str(chars),
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True)
    wall, cpu, peak_mb = (float(value) for value in output.stdout.split())
    return rate_cell(chars, wall, cpu), peak_mb


def throughput_table(models: dict[str, Path], large_chars: int) -> tuple[str, str]:
    sizes = {"1 KB": 1_000, "100 KB": 100_000}
    header = ["model", "threads", *sizes, f"{large_chars / 1e6:g} MB"]
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    memory = []
    for name, path in models.items():
        for threads in (1, 2):
            model = Model.load(path, provider="cpu", threads=threads)
            engine = Segmenter(model)
            cells = [name, str(threads)]
            for chars in sizes.values():
                repeats = 20 if chars <= 1_000 else 3
                text = make_text(chars, seed=1)
                cells.append(chars_per_second(engine, text, repeats))
            rate, peak_mb = run_large(path, threads, large_chars)
            cells.append(rate)
            memory.append(f"| {name} | {threads} | {peak_mb:,.0f} |")
            rows.append("| " + " | ".join(cells) + " |")
            print(f"  measured {name} on {threads} threads", file=sys.stderr)
    memory_table = "\n".join(
        [
            f"| model | threads | peak RSS, {large_chars / 1e6:g} MB document (MB) |",
            "|---|---|---|",
            *memory,
        ]
    )
    return "\n".join(rows), memory_table


def file_and_edit_table(model_path: Path) -> str:
    model = Model.load(model_path, provider="cpu")
    engine = Segmenter(model)
    two_thousand = "\n".join(make_lines(2_000, seed=5)) + "\n"
    engine.segment(two_thousand[:2000])
    timings = [timed(engine.segment, two_thousand) for _ in range(3)]
    rows = [
        "| measurement | wall clock | CPU time |",
        "|---|---|---|",
        f"| 2,000-line file ({len(two_thousand):,} characters), text to regions "
        f"| {_median_ms(timings, 0)} | {_median_ms(timings, 1)} |",
    ]
    rows.extend(_edit_rows(engine, model))
    return "\n".join(rows)


def _median_ms(timings: list[tuple[float, float]], column: int) -> str:
    return f"{statistics.median(t[column] for t in timings) * 1000:,.1f} ms"


def _max_ms(timings: list[tuple[float, float]], column: int) -> str:
    return f"{max(t[column] for t in timings) * 1000:,.1f} ms"


def _edit_rows(engine: Segmenter, model: Model) -> list[str]:
    text = "\n".join(make_lines(10_000, seed=6)) + "\n"
    incremental = IncrementalSegmenter(engine)
    incremental.update(text)
    rng = random.Random(7)
    timings, windows_run, blocks = [], [], []
    for _ in range(15):
        cut = rng.randrange(len(text))
        text = text[:cut] + "x" + text[cut:]
        timings.append(timed(incremental.update, text))
        windows_run.append(incremental.windows_run)
        blocks.append(incremental.blocks_decoded)
    parts = _edit_parts(engine, model, text)
    return [
        f"| one-character edit, 10,000-line file ({len(text):,} characters), "
        f"median of 15 | {_median_ms(timings, 0)} | {_median_ms(timings, 1)} |",
        f"| same, max of 15 | {_max_ms(timings, 0)} | {_max_ms(timings, 1)} |",
        f"| windows run per edit (median / max), of {incremental.cached_windows} "
        f"| {statistics.median(windows_run):g} / {max(windows_run)} | |",
        f"| window cores Viterbi-decoded per edit (median / max) "
        f"| {statistics.median(blocks):g} / {max(blocks)} | |",
        *[f"| {name} | {wall} | {cpu} |" for name, wall, cpu in parts],
    ]


def _edit_parts(
    engine: Segmenter, model: Model, text: str
) -> list[tuple[str, str, str]]:
    """Time the steps of a full run that an edit avoids or repeats.

    Encoding and one window run on every edit. Planning, hashing and decoding
    the whole document are what an edit would cost without reuse.
    """
    ids = encode(text)
    plan = plan_windows(ids, model.contract.window)
    summaries = engine.summarize_windows([(ids, w) for w in plan], 64)
    runs = sum(len(summary.lengths) for summary in summaries)

    def plan_and_hash() -> None:
        for window in plan_windows(ids, model.contract.window):
            window_key(ids, window)

    steps = [
        ("every edit: encode the whole text", timed(encode, text)),
        (
            "every edit: run one window",
            timed(engine.summarize_windows, [(ids, plan[len(plan) // 2])], 64),
        ),
        ("without reuse: plan and hash all windows", timed(plan_and_hash)),
        (
            f"without reuse: decode all {runs:,} runs",
            timed(engine.decode, summaries, engine.options),
        ),
    ]
    return [
        (name, f"{wall * 1000:.1f} ms", f"{cpu * 1000:.1f} ms")
        for name, (wall, cpu) in steps
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--large-mb",
        type=float,
        default=2.0,
        help="size of the large document in MB of text (default: %(default)s)",
    )
    parser.add_argument(
        "--latency-only",
        action="store_true",
        help="time only the 2,000-line file and the edits",
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        path, threads, chars = args.child
        large_child(path, int(threads), int(chars))
        return

    print(f"Date: {datetime.date.today().isoformat()}")
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} CPU cores, "
        f"Python {platform.python_version()}, provider cpu"
    )
    fp32 = default_model_path()
    if args.latency_only:
        print("Command: python bench/bench_engine.py --latency-only\n")
        print(file_and_edit_table(fp32))
        return
    print(f"Command: python bench/bench_engine.py --large-mb {args.large_mb:g}\n")
    large_chars = int(args.large_mb * 1_000_000)
    with tempfile.TemporaryDirectory() as folder:
        models = {"fp32": fp32}
        int8 = int8_model_path(fp32, Path(folder))
        if int8 is not None:
            models["int8"] = int8
        throughput, memory = throughput_table(models, large_chars)
        edits = file_and_edit_table(fp32)
    print(
        "End-to-end characters per second (text in, regions out), by wall clock "
        "and, in brackets, per CPU second of the process:\n"
    )
    print(throughput + "\n")
    print(memory + "\n")
    print(edits)


if __name__ == "__main__":
    main()
