"""The ``charseg`` command: segment files and inspect models.

Examples::

    charseg segment notebook.md
    charseg segment --format html --out page.html mixed.py
    charseg segment --format jsonl < documents.jsonl > regions.jsonl
    charseg info
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import math
import os
import sys
from importlib import metadata
from pathlib import Path
from typing import BinaryIO

from .argtypes import integer_at_least, integer_between, parse_number
from .engine import DocumentTooLargeError, Segmenter, SegmentOptions
from .jsonl import process_jsonl
from .lsp.languages import label_for_language_id
from .model import PROVIDERS, Model, ModelLoadError, available_providers
from .regions import Region
from .render import render_ansi, render_ansi_legend, render_html
from .textio import InputError, load_truth, read_text, too_large_message

log = logging.getLogger("charseg")

FORMATS = ("text", "json", "jsonl", "html")
#: Maximum CPU threads per model call that ``--threads`` accepts.
MAX_THREADS = 256
DEFAULTS = SegmentOptions()


class CommandError(Exception):
    """A command that cannot run as given; the message names what to change."""


def _version() -> str:
    try:
        return metadata.version("charseg")
    except metadata.PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of the ``charseg`` command line."""
    parser = argparse.ArgumentParser(
        prog="charseg",
        description="Label every character of a text with its programming "
        "language (VS Code language identifiers).",
        epilog="Exit status: 0 on success, 1 on an error (message on stderr), "
        "2 on invalid command-line usage.",
    )
    parser.add_argument("--version", action="version", version=f"charseg {_version()}")
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="log more to stderr: -v for info, -vv for debug",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_segment_parser(commands)
    _add_info_parser(commands)
    return parser


def _add_model_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        metavar="PATH",
        help="ONNX model file, or a folder holding model.onnx "
        "(default: the model bundled with charseg)",
    )
    parser.add_argument(
        "--provider",
        choices=PROVIDERS,
        default="auto",
        help="execution provider: auto uses CUDA where it really runs, else CPU; "
        "cuda fails where CUDA cannot run (default: %(default)s)",
    )
    parser.add_argument(
        "--threads",
        type=_thread_count,
        metavar="N",
        help="CPU threads per model call (default: onnxruntime's choice)",
    )


def _add_segment_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "segment",
        help="label the characters of a file",
        description="Label the characters of FILE (UTF-8) with their language.",
        epilog="Formats: text colours the text in the terminal (24-bit ANSI) and "
        "adds a legend; json prints {regions, model, provider}; jsonl reads "
        '{"id", "text"} lines and writes {"id", "regions"} lines, with '
        "regions as [start, end, label, confidence]; html writes a standalone "
        "page. Offsets count Unicode code points, end exclusive.",
    )
    parser.add_argument(
        "file",
        nargs="?",
        default="-",
        metavar="FILE",
        help="input file, or - for standard input (default: -)",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="output format (default: text when stdout is a terminal, else json)",
    )
    parser.add_argument(
        "--out", metavar="FILE", help="write the output to FILE instead of stdout"
    )
    _add_model_arguments(parser)
    parser.add_argument(
        "--min-region",
        type=_non_negative_int,
        default=DEFAULTS.min_region,
        metavar="N",
        help="merge regions shorter than N characters into a neighbour "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--snap-reach",
        type=_non_negative_int,
        default=DEFAULTS.snap_reach,
        metavar="N",
        help="move a boundary that falls inside a word to the word's edge when "
        "it is at most N characters away; 0 turns this off (default: %(default)s)",
    )
    parser.add_argument(
        "--switch-penalty",
        type=_non_negative_float,
        default=DEFAULTS.switch_penalty,
        metavar="X",
        help="cost of each language switch, in log-probability units; larger "
        "values give fewer regions (default: %(default)s)",
    )
    parser.add_argument(
        "--language",
        metavar="ID",
        help="the file's own language (VS Code id), favoured by a prior of "
        f"{DEFAULTS.host_prior} log-probability units per character",
    )
    parser.add_argument(
        "--max-chars",
        type=_non_negative_int,
        default=DEFAULTS.max_chars,
        metavar="N",
        help="reject documents longer than N characters (default: %(default)s)",
    )
    parser.add_argument(
        "--errors",
        choices=("strict", "replace"),
        default="strict",
        help="invalid UTF-8: strict fails with the byte offset, replace decodes "
        "it as U+FFFD (default: %(default)s)",
    )
    parser.add_argument(
        "--truth",
        metavar="FILE.json",
        help="html only: a JSON list of [start, end, label] true spans, shown "
        "under the prediction with errors outlined",
    )


def _add_info_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "info",
        help="show the model's labels, window sizes and execution provider",
        description="Show the model path, labels, window sizes, contract "
        "version, the execution providers built into onnxruntime and the one "
        "in use.",
    )
    _add_model_arguments(parser)


_positive_int = integer_at_least(1)
_non_negative_int = integer_at_least(0)


_thread_count = integer_between(1, MAX_THREADS)


def _non_negative_float(value: str) -> float:
    number = parse_number(value, float)
    if not 0 <= number < math.inf:
        raise argparse.ArgumentTypeError(f"must be finite and >= 0, got {value}")
    return number


def main(argv: list[str] | None = None) -> int:
    """Run the ``charseg`` command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose)
    try:
        if args.command == "info":
            return run_info(args)
        return run_segment(args)
    except DocumentTooLargeError as exc:
        return _fail(too_large_message(exc))
    except (ModelLoadError, InputError, CommandError) as exc:
        return _fail(str(exc))
    except BrokenPipeError:
        # The reader of stdout went away (as with `| head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        return 130


def _fail(message: str) -> int:
    # With standard error closed, print would write the message to stdout,
    # into the output.
    if sys.stderr is not None:
        print(f"charseg: error: {message}", file=sys.stderr)
    return 1


def _configure_logging(verbosity: int) -> None:
    level = logging.WARNING
    if verbosity == 1:
        level = logging.INFO
    elif verbosity >= 2:
        level = logging.DEBUG
    logging.basicConfig(level=level, format="charseg: %(levelname)s: %(message)s")


def _load_model(args: argparse.Namespace) -> Model:
    return Model.load(args.model, provider=args.provider, threads=args.threads)


def run_info(args: argparse.Namespace) -> int:
    """Print the model path, contract, labels and providers (``charseg info``)."""
    model = _load_model(args)
    contract = model.contract
    lines = [
        f"model: {model.path}",
        f"contract version: {contract.version}",
        f"encoding: {contract.encoding} ({contract.vocab_size} input ids)",
        f"window: {contract.window.length} characters, margin "
        f"{contract.window.margin}, core {contract.window.core}",
        f"labels ({len(model.labels)}): {', '.join(model.labels)}",
        f"providers built into onnxruntime: {', '.join(available_providers())} "
        "(a GPU provider also needs a GPU and its libraries; --provider cuda "
        "says why it cannot run)",
        f"provider in use: {model.provider}",
    ]
    print("\n".join(lines))
    return 0


def _options(args: argparse.Namespace) -> SegmentOptions:
    return SegmentOptions(
        switch_penalty=args.switch_penalty,
        min_region=args.min_region,
        snap_reach=args.snap_reach,
        max_chars=args.max_chars,
    )


def run_segment(args: argparse.Namespace) -> int:
    """Segment the input and write it in the requested format."""
    _check_streams(args)
    output_format = args.format
    if output_format is None:
        writes_to_terminal = args.out is None and sys.stdout.isatty()
        output_format = "text" if writes_to_terminal else "json"
    if args.truth and output_format != "html":
        raise CommandError("--truth needs --format html")
    options = _options(args)
    text = None
    if args.file == "-" and sys.stdin.isatty():
        print("charseg: reading standard input. End it with Ctrl-D.", file=sys.stderr)
    if output_format != "jsonl":
        text = read_text(args.file, errors=args.errors, max_chars=options.max_chars)
    model = _load_model(args)
    options = options.replace(host_language=_host_label(args.language, model.labels))
    segmenter = Segmenter(model, options)
    if text is None:
        return _run_jsonl(args, segmenter, options)
    regions = segmenter.segment(text)
    output = _format_document(args, output_format, segmenter.model, text, regions)
    _write_output(args.out, output)
    return 0


def _check_streams(args: argparse.Namespace) -> None:
    """Reject closed standard streams and an output path that is the input."""
    if args.file == "-" and sys.stdin is None:
        raise CommandError("standard input is closed; name an input file")
    if args.out is None and sys.stdout is None:
        raise CommandError("standard output is closed; write to a file with --out")
    if args.out is not None and _same_file(args.file, args.out):
        raise CommandError(
            f"--out {args.out} is the input file; write the result to another path"
        )


def _same_file(source: str, out: str) -> bool:
    """Return whether ``out`` is the file that ``source`` reads (``-``: stdin)."""
    try:
        if source == "-":
            return os.path.samestat(os.fstat(sys.stdin.fileno()), os.stat(out))
        return os.path.samefile(source, out)
    except (OSError, ValueError, AttributeError):
        # No such file yet, or a standard input without a file descriptor.
        return False


def _host_label(language_id: str | None, labels: tuple[str, ...]) -> str | None:
    """Map ``--language`` to a model label, as the language server maps ids."""
    if not language_id:
        return None
    label = label_for_language_id(language_id, labels)
    if label is None:
        log.warning(
            "--language %s matches none of the model's labels, so it has no effect",
            language_id,
        )
    return label


def _format_document(
    args: argparse.Namespace,
    output_format: str,
    model: Model,
    text: str,
    regions: list[Region],
) -> str:
    if output_format == "text":
        return render_ansi(text, regions) + "\n" + render_ansi_legend(regions)
    if output_format == "json":
        document = {
            "regions": [region.to_dict() for region in regions],
            "model": str(model.path),
            "provider": model.provider,
        }
        return json.dumps(document, indent=1) + "\n"
    truth = load_truth(args.truth, len(text)) if args.truth else None
    for label in sorted({span[2] for span in truth or ()} - set(model.labels)):
        log.warning(
            "--truth: label %r is none of the model's labels, so all of its "
            "characters count as errors",
            label,
        )
    name = "standard input" if args.file == "-" else Path(args.file).name
    details = f"{len(text):,} characters, model {model.path} on {model.provider}"
    return render_html(text, regions, title=name, details=details, truth=truth)


def _run_jsonl(
    args: argparse.Namespace, segmenter: Segmenter, options: SegmentOptions
) -> int:
    with contextlib.ExitStack() as stack:
        source = sys.stdin.buffer
        if args.file != "-":
            source = stack.enter_context(_open(args.file, "rb"))
        target = sys.stdout.buffer
        if args.out is not None:
            target = stack.enter_context(_open(args.out, "wb"))
        done, failed = process_jsonl(source, segmenter, options, target, args.errors)
    log.info("segmented %d documents, %d lines failed", done, failed)
    return 1 if failed else 0


def _open(path: str, mode: str) -> BinaryIO:
    try:
        return open(path, mode)  # noqa: SIM115 (closed by the caller's ExitStack)
    except OSError as exc:
        raise CommandError(f"cannot open {path}: {exc.strerror}") from exc


def _write_output(path: str | None, output: str) -> None:
    """Write ``output`` as UTF-8, whatever the locale's encoding."""
    data = output.encode("utf-8")
    if path is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror}") from exc


if __name__ == "__main__":
    sys.exit(main())
