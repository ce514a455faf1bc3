"""Enable Debian source entries, which ``apt-get source`` needs.

The machine's APT configuration usually lists binary entries only. This module
copies each deb822 stanza of ``debian.sources`` whose suites include the main
release into ``charseg-src.sources`` with ``Types: deb-src``, then runs
``apt-get update``. It leaves the machine alone when source entries exist.
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

logger = logging.getLogger(__name__)

SOURCES_DIR = Path("/etc/apt/sources.list.d")
TARGET_NAME = "charseg-src.sources"


def has_source_entries(sources_dir: Path = SOURCES_DIR) -> bool:
    """Return whether any APT source file already enables ``deb-src``."""
    files = list(sources_dir.glob("*.sources")) + list(sources_dir.glob("*.list"))
    legacy = sources_dir.parent / "sources.list"
    if legacy.exists():
        files.append(legacy)
    for path in files:
        for line in path.read_text(errors="replace").splitlines():
            stripped = line.strip()
            if stripped.startswith("deb-src") or (
                stripped.startswith("Types:") and "deb-src" in stripped
            ):
                return True
    return False


def source_stanzas(deb822: str) -> str:
    """Return the stanzas of ``deb822`` rewritten as ``deb-src`` entries.

    Security stanzas are left out: their source files are often missing.
    """
    stanzas = []
    for stanza in deb822.strip().split("\n\n"):
        lines = [line for line in stanza.splitlines() if not line.startswith("#")]
        suites = next((ln for ln in lines if ln.startswith("Suites:")), "")
        if not suites or "-security" in suites:
            continue
        lines = ["Types: deb-src" if ln.startswith("Types:") else ln for ln in lines]
        stanzas.append("\n".join(lines))
    return "\n\n".join(stanzas) + "\n" if stanzas else ""


def ensure_source_entries(sources_dir: Path = SOURCES_DIR) -> bool:
    """Add ``deb-src`` entries if missing; return whether apt sources can work."""
    if has_source_entries(sources_dir):
        return True
    binary = sources_dir / "debian.sources"
    if not binary.exists():
        logger.warning(
            "no deb-src entries and no %s to copy: add Debian source entries by "
            "hand, or apt sources will fail",
            binary,
        )
        return False
    text = source_stanzas(binary.read_text())
    if not text:
        logger.warning("%s has no stanza to copy as deb-src", binary)
        return False
    (sources_dir / TARGET_NAME).write_text(text)
    logger.info("added Debian source entries in %s", sources_dir / TARGET_NAME)
    subprocess.run(["apt-get", "update", "-qq"], check=True, timeout=600)
    return True
