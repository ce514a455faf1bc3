"""Command line of ``charseg-train corpus``: fetch sources, then build the corpus.

Examples::

    charseg-train corpus                       # every label, default caps
    charseg-train corpus --labels python go --sources python3.11 django golang-1.19-src
    charseg-train corpus --offline             # rebuild from the cache only

Without the ``charseg-train`` wrapper: ``python -m charseg_training.corpus``.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from tqdm import tqdm

from charseg_server.argtypes import integer_at_least
from charseg_server.contract import LABELS
from charseg_training.corpus.aptsrc import ensure_source_entries
from charseg_training.corpus.build import BuildConfig, SourceTree, build_corpus
from charseg_training.corpus.fetch import SOURCE_META, FetchError, fetch
from charseg_training.sources import SOURCES, Source, sources_by_name

logger = logging.getLogger("charseg_training.corpus")


def add_corpus_parser(
    subparsers: argparse._SubParsersAction,
) -> argparse.ArgumentParser:
    """Add the ``corpus`` subcommand, with ``run_corpus`` as its handler."""
    parser = subparsers.add_parser(
        "corpus",
        help="fetch source packages and build the labelled JSONL corpus",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_arguments(parser)
    # ``charseg-train`` calls ``args.handler``; ``func`` is the argparse idiom.
    parser.set_defaults(func=run_corpus, handler=run_corpus)
    return parser


_positive = integer_at_least(1)


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = BuildConfig()
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("data/corpus"),
        help="corpus folder (default: %(default)s)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path("data/cache"),
        help="download and unpack cache (default: %(default)s)",
    )
    parser.add_argument(
        "--max-bytes-per-label",
        type=_positive,
        default=defaults.max_bytes_per_label,
        help="UTF-8 bytes of the train split per label; validation and "
        "test get 1/8 each and unseen 1/4 (default: %(default)s)",
    )
    parser.add_argument(
        "--held-out-basis-bytes",
        type=_positive,
        metavar="BYTES",
        help="derive the validation, test and unseen caps from this many bytes "
        "instead of --max-bytes-per-label, so that a larger train split "
        "leaves the held-out splits as they were",
    )
    parser.add_argument(
        "--max-file-bytes",
        type=_positive,
        default=defaults.max_file_bytes,
        help="skip files larger than this many bytes (default: %(default)s)",
    )
    parser.add_argument(
        "--max-chars-per-file",
        type=_positive,
        default=defaults.max_chars_per_file,
        help="characters kept from one file (default: %(default)s)",
    )
    parser.add_argument(
        "--labels",
        nargs="+",
        choices=LABELS,
        default=list(LABELS),
        metavar="LABEL",
        help="labels to build (default: all)",
    )
    parser.add_argument(
        "--sources",
        nargs="+",
        metavar="NAME",
        help="fetch and use only these sources (default: all)",
    )
    parser.add_argument(
        "--jobs",
        type=_positive,
        default=2,
        help="sources downloaded and unpacked at once (default: %(default)s)",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="use only sources already unpacked in the cache",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log debug messages"
    )


def _select_sources(names: list[str] | None) -> list[Source]:
    if not names:
        return list(SOURCES)
    known = sources_by_name()
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ValueError(
            f"unknown sources {', '.join(unknown)}: charseg_training/sources.py "
            "lists the names"
        )
    return [known[name] for name in names]


def fetch_all(
    sources: list[Source],
    cache_dir: Path,
    max_file_bytes: int,
    jobs: int,
    offline: bool,
) -> tuple[list[SourceTree], dict[str, str]]:
    """Fetch and unpack ``sources`` in parallel; return the trees and the failures."""
    trees: list[SourceTree] = []
    failures: dict[str, str] = {}

    if offline:
        uncached = [
            source.name
            for source in sources
            if not (cache_dir / "trees" / source.name / SOURCE_META).exists()
        ]
        for name in uncached:
            failures[name] = "not in the cache and --offline is set"
        if uncached:
            logger.error(
                "%d sources are not in the cache %s and --offline is set: %s",
                len(uncached),
                cache_dir,
                ", ".join(uncached),
            )
        sources = [source for source in sources if source.name not in failures]

    def fetch_one(source: Source) -> SourceTree:
        started = time.monotonic()
        root, meta = fetch(source, cache_dir, max_file_bytes, offline=offline)
        logger.info(
            "%s==%s: %d files ready in %.0f s",
            source.name,
            meta["version"],
            meta["files"],
            time.monotonic() - started,
        )
        return SourceTree(source, meta["version"], meta["licence"], root)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(fetch_one, source): source for source in sources}
        for future in tqdm(
            as_completed(futures), total=len(futures), desc="fetch", unit="source"
        ):
            source = futures[future]
            try:
                trees.append(future.result())
            except (FetchError, OSError, ValueError) as exc:
                failures[source.name] = str(exc)
                logger.error("%s: skipped: %s", source.name, exc)
    return trees, failures


def run_corpus(args: argparse.Namespace) -> int:
    """Fetch the sources and build the corpus described by parsed ``args``."""
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
        datefmt="%H:%M:%S",
    )
    # basicConfig does nothing when the caller configured logging already.
    if args.verbose:
        logger.setLevel(logging.DEBUG)
    config = BuildConfig(
        max_bytes_per_label=args.max_bytes_per_label,
        held_out_basis_bytes=args.held_out_basis_bytes,
        max_file_bytes=args.max_file_bytes,
        max_chars_per_file=args.max_chars_per_file,
        labels=tuple(label for label in LABELS if label in args.labels),
    )
    started = time.monotonic()
    sources = _select_sources(args.sources)
    if not args.offline and any(s.kind == "apt-source" for s in sources):
        ensure_source_entries()
    trees, failures = fetch_all(
        sources, args.cache, config.max_file_bytes, args.jobs, args.offline
    )
    if not trees:
        logger.error("no source could be fetched; see the errors above")
        return 1
    manifest = build_corpus(trees, args.out, config, failures, progress=tqdm)
    empty = [
        label
        for label in config.labels
        if manifest["labels"][label]["bytes"]["train"] == 0
    ]
    logger.info("corpus written to %s in %.0f s", args.out, time.monotonic() - started)
    if failures:
        logger.warning(
            "%d sources failed: %s", len(failures), ", ".join(sorted(failures))
        )
    if empty:
        logger.warning("labels with no training data: %s", ", ".join(empty))
    return 0


def main_corpus(argv: list[str] | None = None) -> int:
    """Run ``charseg-train corpus`` with ``argv`` (default: ``sys.argv[1:]``)."""
    parser = argparse.ArgumentParser(
        prog="charseg-train corpus",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_arguments(parser)
    return run_corpus(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main_corpus())
