"""Build the labelled character corpus from real source packages.

``fetch`` downloads and unpacks packages through apt, npm and pip; ``build``
filters, deduplicates, splits and caps the files and writes
``<out>/<split>/<label>.jsonl`` plus ``manifest.json``.
"""

from charseg_training.corpus.build import SPLITS, BuildConfig, SourceTree, build_corpus
from charseg_training.corpus.cli import add_corpus_parser, main_corpus

__all__ = [
    "SPLITS",
    "BuildConfig",
    "SourceTree",
    "add_corpus_parser",
    "build_corpus",
    "main_corpus",
]
