"""Check that exactly one ONNX Runtime build is installed.

``onnxruntime`` and ``onnxruntime-gpu`` install the same ``onnxruntime``
module; with both present, the one installed last wins and removing either
breaks the other. ``python -m charseg_server.doctor`` exits 1 in that case.
"""

from __future__ import annotations

import sys
from importlib import metadata

RUNTIME_DISTRIBUTIONS = ("onnxruntime", "onnxruntime-gpu")


def installed_runtimes() -> list[str]:
    """Return the ONNX Runtime distributions installed in this environment."""
    found = []
    for name in RUNTIME_DISTRIBUTIONS:
        try:
            metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
        found.append(name)
    return found


def main() -> int:
    found = installed_runtimes()
    if len(found) == 1:
        print(f"ONNX Runtime build: {found[0]} {metadata.version(found[0])}")
        return 0
    if not found:
        print("error: no ONNX Runtime build is installed", file=sys.stderr)
    else:
        print(
            "error: both onnxruntime and onnxruntime-gpu are installed; "
            "uninstall both, then reinstall charseg",
            file=sys.stderr,
        )
    return 1


if __name__ == "__main__":
    sys.exit(main())
