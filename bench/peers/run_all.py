"""Rebuild the benchmark data, run charseg and every peer, and score them.

    nice -n 10 .venv/bin/python bench/peers/run_all.py --count 100

Run it with the project's virtual environment, which runs charseg and the
scoring. It creates bench/.venv-peers (Pygments and Magika, which must not share
a venv with charseg's onnxruntime-gpu) and bench/peers/node_modules
(highlight.js and guesslang) when they are missing or out of date. The tables
land in bench/results/report.md.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import time
from pathlib import Path

from peerbench.paths import PEER_VENV, PEERS_DIR, RESULTS_DIR
from peerbench.windows import WINDOW_LENGTH, WINDOW_STRIDE

PEER_TOOLS = ("pygments", "highlightjs", "magika", "guesslang")
_STAMP = ".charseg-installed"


def digest(path: Path) -> str:
    """Return the SHA-256 of a file, used to notice changed requirements."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(command: list[str]) -> None:
    """Run a command, echoing it first; raise CalledProcessError on failure."""
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True)


def ensure_peer_venv() -> Path:
    """Create or update bench/.venv-peers; return its Python."""
    requirements = PEERS_DIR / "requirements.txt"
    python = PEER_VENV / "bin" / "python"
    stamp = PEER_VENV / _STAMP
    expected = digest(requirements)
    if stamp.exists() and stamp.read_text() == expected and python.exists():
        return python
    if not python.exists():
        run([sys.executable, "-m", "venv", str(PEER_VENV)])
    run([str(python), "-m", "pip", "install", "--quiet", "-r", str(requirements)])
    stamp.write_text(expected)
    return python


def ensure_node_modules() -> None:
    """Install bench/peers/node_modules from package-lock.json with ``npm ci``."""
    lock = PEERS_DIR / "package-lock.json"
    stamp = PEERS_DIR / "node_modules" / _STAMP
    expected = digest(lock)
    if stamp.exists() and stamp.read_text() == expected:
        return
    run(["npm", "ci", "--prefix", str(PEERS_DIR), "--no-audit", "--no-fund"])
    stamp.write_text(expected)


def check_project_venv() -> None:
    """Exit with a message unless this Python can import charseg and onnxruntime."""
    try:
        import charseg_server.model  # noqa: F401
    except ImportError as error:
        sys.exit(
            f"cannot import charseg ({error}); run this script with the project's "
            "virtual environment: .venv/bin/python bench/peers/run_all.py"
        )


def parse_args() -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--count", type=int, default=100, help="documents per set (default 100)"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--splits", nargs="+", default=["test"], help="corpus splits (default test)"
    )
    parser.add_argument(
        "--tools",
        nargs="+",
        default=["charseg", *PEER_TOOLS],
        choices=["charseg", *PEER_TOOLS],
        help="tools to run (default: all); results of other tools are deleted",
    )
    parser.add_argument(
        "--window", type=int, default=WINDOW_LENGTH, help="peer window, characters"
    )
    parser.add_argument(
        "--stride", type=int, default=WINDOW_STRIDE, help="peer stride, characters"
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if "charseg" in args.tools:
        check_project_venv()
    started = time.perf_counter()
    scripts = str(PEERS_DIR)

    run([
        sys.executable, f"{scripts}/build_data.py", "--count", str(args.count),
        "--seed", str(args.seed), "--splits", *args.splits,
    ])  # fmt: skip
    # Predictions of earlier documents no longer match the rebuilt data.
    for stale in RESULTS_DIR.glob("*"):
        stale.unlink()

    if "charseg" in args.tools:
        run([sys.executable, f"{scripts}/run_charseg.py"])
    peers = [tool for tool in args.tools if tool in PEER_TOOLS]
    if peers:
        python = ensure_peer_venv()
        if {"highlightjs", "guesslang"} & set(peers):
            ensure_node_modules()
    for tool in peers:
        run([
            str(python), f"{scripts}/run_peer.py", tool,
            "--window", str(args.window), "--stride", str(args.stride),
        ])  # fmt: skip

    command = " ".join([".venv/bin/python", "bench/peers/run_all.py", *sys.argv[1:]])
    run([sys.executable, f"{scripts}/score.py", "--command", command])
    print(f"benchmark finished in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
