"""Build the benchmark documents from the corpus test split.

    python bench/peers/build_data.py --count 100 --seed 1

writes ``bench/data/<split>/<set>.jsonl`` (see ``peerbench/records.py``).
"""

from __future__ import annotations

import argparse
import shutil

from peerbench.corpus import load_split
from peerbench.datasets import build_set
from peerbench.paths import CORPUS_DIR, DATA_DIR
from peerbench.records import SETS, write_jsonl

from charseg_server.contract import LABELS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--count", type=int, default=100, help="documents per set (default 100)"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument(
        "--splits",
        nargs="+",
        default=["test"],
        help="corpus splits to build from (default: test)",
    )
    args = parser.parse_args()
    if DATA_DIR.exists():
        shutil.rmtree(DATA_DIR)
    for split in args.splits:
        files = load_split(CORPUS_DIR, split, LABELS)
        for name in SETS:
            documents = build_set(name, split, files, args.count, args.seed)
            written = write_jsonl(DATA_DIR / split / f"{name}.jsonl", documents)
            characters = sum(len(doc.text) for doc in documents)
            print(f"{split}/{name}: {written} documents, {characters:,} characters")


if __name__ == "__main__":
    main()
