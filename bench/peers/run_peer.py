"""Run one peer tool over the benchmark documents; run it in bench/.venv-peers.

    bench/.venv-peers/bin/python bench/peers/run_peer.py pygments

writes ``bench/results/<tool>.jsonl`` (a whole-document and a window
prediction per document) and ``bench/results/<tool>.meta.json``.
"""

from __future__ import annotations

import argparse
import json
import time

from peerbench.paths import DATA_DIR, RESULTS_DIR
from peerbench.peers import PEERS
from peerbench.records import read_documents, write_jsonl
from peerbench.runner import run_peer
from peerbench.windows import WINDOW_LENGTH, WINDOW_STRIDE

from charseg_server.contract import LABELS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tool", choices=sorted(PEERS))
    parser.add_argument(
        "--window", type=int, default=WINDOW_LENGTH, help="window length, characters"
    )
    parser.add_argument(
        "--stride", type=int, default=WINDOW_STRIDE, help="window stride, characters"
    )
    args = parser.parse_args()
    documents = read_documents(DATA_DIR)

    started = time.perf_counter()
    peer = PEERS[args.tool]()
    load_seconds = time.perf_counter() - started
    predictions = run_peer(peer, documents, LABELS, args.window, args.stride)
    if hasattr(peer, "close"):
        peer.close()

    write_jsonl(RESULTS_DIR / f"{args.tool}.jsonl", predictions)
    meta = {
        "tool": args.tool,
        "version": peer.version,
        "load_seconds": load_seconds,
        "window": args.window,
        "stride": args.stride,
        "wall_seconds": time.perf_counter() - started,
    }
    (RESULTS_DIR / f"{args.tool}.meta.json").write_text(json.dumps(meta, indent=1))
    print(
        f"{args.tool} {peer.version}: {len(documents)} documents in "
        f"{meta['wall_seconds']:.1f} s"
    )


if __name__ == "__main__":
    main()
