"""Pack what a GPU machine without TensorFlow or network access needs to train.

A kit contains the corpus as one ``corpus.tar.xz`` (a sample of the train split,
the whole validation split and the manifest), the wheels of Keras and those of
its requirements that a JAX machine may lack, and ``kit.json``, which lists both.
``training/gpu/train.sh`` unpacks it on that machine and runs ``fit`` on JAX.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import json
import logging
import subprocess
import sys
import tarfile
from pathlib import Path

log = logging.getLogger(__name__)

#: Packages that Keras needs and that a GPU image with JAX often lacks.
#: Their versions are the ones installed here, so both machines run the same Keras.
KIT_PACKAGES = ("keras", "namex", "optree")

#: xz preset for the corpus archive: about 7 times smaller than the text here.
XZ_PRESET = 6


def sample_rows(path: Path, cap: int | None) -> tuple[bytes, int]:
    """Return up to ``cap`` bytes of whole JSONL rows from ``path``, and the row count.

    Rows are taken in the order of a hash of their source and path, so the
    sample mixes every source of the label and the same corpus gives the same
    sample. The first row in that order is always taken, even when it alone
    exceeds ``cap``, so that no label is left empty.
    """
    lines = path.read_bytes().splitlines(keepends=True)
    rows = [line for line in lines if line.strip()]
    if cap is None:
        return b"".join(rows), len(rows)

    def key(line: bytes) -> str:
        row = json.loads(line)
        name = f"{row.get('source', '')}/{row.get('path', '')}"
        return hashlib.sha256(name.encode()).hexdigest()

    sample: list[bytes] = []
    size = 0
    for line in sorted(rows, key=key):
        if sample and size + len(line) > cap:
            continue
        sample.append(line)
        size += len(line)
    return b"".join(sample), len(sample)


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    archive.addfile(info, io.BytesIO(data))


def write_corpus_archive(corpus: Path, out: Path, train_cap: int | None) -> dict:
    """Write ``corpus.tar.xz`` under the top folder ``corpus/``; return its contents."""
    splits = {"train": train_cap, "validation": None}
    contents: dict[str, dict] = {split: {} for split in splits}
    for split in splits:
        if not (corpus / split).is_dir():
            raise FileNotFoundError(
                f"{corpus / split} not found: run `charseg-train corpus` first"
            )
    with tarfile.open(out, "w:xz", preset=XZ_PRESET) as archive:
        for split, cap in splits.items():
            for path in sorted((corpus / split).glob("*.jsonl")):
                data, count = sample_rows(path, cap)
                _add_bytes(archive, f"corpus/{split}/{path.name}", data)
                contents[split][path.stem] = {"rows": count, "bytes": len(data)}
                log.info("%s/%s: %d rows, %d bytes", split, path.name, count, len(data))
        manifest = corpus / "manifest.json"
        if manifest.exists():
            archive.add(manifest, "corpus/manifest.json")
    return contents


def download_wheels(dest: Path, python_version: str, platforms: list[str]) -> list[str]:
    """Download the wheels of ``KIT_PACKAGES`` for the GPU machine's Python."""
    dest.mkdir(parents=True, exist_ok=True)
    pins = [f"{name}=={importlib.metadata.version(name)}" for name in KIT_PACKAGES]
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        "--only-binary=:all:",
        "--python-version",
        python_version,
        "--implementation",
        "cp",
        "--dest",
        str(dest),
    ]
    for platform in platforms:
        command += ["--platform", platform]
    log.info("downloading %s", " ".join(pins))
    done = subprocess.run([*command, *pins], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pip download failed: {done.stderr.strip()[-2000:]}")
    return sorted(path.name for path in dest.glob("*.whl"))


def pack(
    corpus: Path,
    out: Path,
    *,
    train_cap: int | None,
    wheels: bool,
    python_version: str,
    platforms: list[str],
    max_bytes: int,
) -> dict:
    """Write a kit to ``out`` and return its summary, also saved as ``kit.json``."""
    out.mkdir(parents=True, exist_ok=True)
    archive = out / "corpus.tar.xz"
    contents = write_corpus_archive(corpus, archive, train_cap)
    names = download_wheels(out / "wheels", python_version, platforms) if wheels else []
    total = sum(path.stat().st_size for path in out.rglob("*") if path.is_file())
    summary = {
        "corpus": contents,
        "train_bytes_per_label": train_cap,
        "archive_bytes": archive.stat().st_size,
        "wheels": names,
        "python_version": python_version if wheels else None,
        "kit_bytes": total,
    }
    (out / "kit.json").write_text(json.dumps(summary, indent=2) + "\n")
    if total > max_bytes:
        raise ValueError(
            f"the kit in {out} takes {total:,} bytes, more than the {max_bytes:,} "
            "allowed: lower --train-bytes-per-label"
        )
    return summary
