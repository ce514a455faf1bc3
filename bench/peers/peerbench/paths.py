"""Repository paths, and the import path to the charseg sources.

The benchmark scripts run in two virtual environments (the project's and the
peers'), so they import ``charseg_server`` and ``charseg_training`` from the
source tree instead of from an installed package.
"""

from __future__ import annotations

import sys
from pathlib import Path

PEERS_DIR = Path(__file__).resolve().parents[1]
BENCH_DIR = PEERS_DIR.parent
REPO_ROOT = BENCH_DIR.parent
CORPUS_DIR = REPO_ROOT / "data" / "corpus"
DATA_DIR = BENCH_DIR / "data"
RESULTS_DIR = BENCH_DIR / "results"
PEER_VENV = BENCH_DIR / ".venv-peers"
NODE_SCRIPT = PEERS_DIR / "node_peers.js"

for _source in (REPO_ROOT / "server", REPO_ROOT / "training"):
    if str(_source) not in sys.path:
        sys.path.insert(0, str(_source))
