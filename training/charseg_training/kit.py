"""Pack what a GPU machine without TensorFlow or network access needs to train.

A kit contains three things. ``corpus.tar.xz`` has a sample of the train split,
the whole validation split and the manifest. ``wheels/`` has Keras and those of
its requirements that a JAX machine may lack. ``kit.json`` lists both.
``training/gpu/train.sh`` unpacks the kit on that machine and runs ``fit`` on JAX.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import io
import json
import logging
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

from .corpus_rows import parse_row

log = logging.getLogger(__name__)

#: Packages that Keras needs and that a GPU image with JAX often lacks.
#: Their versions are the ones installed here, so both machines run the same Keras.
KIT_PACKAGES = ("keras", "namex", "optree")

#: xz preset for the corpus archive: about 7 times smaller than the text here.
XZ_PRESET = 6


def _row_key(path: Path, number: int, line: bytes) -> tuple[str, bool]:
    """Return the sampling key of one row and whether its text has content."""
    row = parse_row(path, number, line)
    name = f"{row.get('source', '')}/{row.get('path', '')}"
    return hashlib.sha256(name.encode()).hexdigest(), bool(row["text"].strip())


def sample_rows(path: Path, cap: int | None) -> tuple[bytes, int]:
    """Return up to ``cap`` bytes of whole JSONL rows from ``path``, and the row count.

    Rows are taken in the order of a hash of their source and path, so the
    sample mixes every source of the label and the same corpus gives the same
    sample. The first row in that order is always taken, even when it alone
    exceeds ``cap``, so that no label is left empty. Every row is checked as
    training reads it (``corpus_rows.parse_row``).
    """
    # Each row gets its own newline, so that a last row without one cannot
    # join the row after it in the sample. Rows with blank texts, which
    # training skips, are left out.
    keyed = []
    for number, line in enumerate(path.read_bytes().splitlines(), start=1):
        if line.strip():
            key, has_text = _row_key(path, number, line)
            if has_text:
                keyed.append((key, line + b"\n"))
    if cap is None:
        return b"".join(line for _, line in keyed), len(keyed)
    sample: list[bytes] = []
    size = 0
    for _, line in sorted(keyed, key=lambda pair: pair[0]):
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


def _split_files(corpus: Path, split: str) -> list[Path]:
    folder = corpus / split
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} not found: run `charseg-train corpus` first")
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise FileNotFoundError(f"no corpus files under {folder}")
    return files


def _add_split(
    archive: tarfile.TarFile, split: str, files: list[Path], cap: int | None
) -> dict:
    """Add one split's sampled files to ``archive``; return rows and bytes per label."""
    counts = {}
    for path in files:
        data, count = sample_rows(path, cap)
        _add_bytes(archive, f"corpus/{split}/{path.name}", data)
        counts[path.stem] = {"rows": count, "bytes": len(data)}
        log.info("%s/%s: %d rows, %d bytes", split, path.name, count, len(data))
    if not any(entry["rows"] for entry in counts.values()):
        raise ValueError(f"the {split} files of the corpus contain no rows")
    return counts


def write_corpus_archive(corpus: Path, out: Path, train_cap: int | None) -> dict:
    """Write ``corpus.tar.xz`` under the top folder ``corpus/``; return its contents.

    The archive is written beside ``out`` and renamed at the end, so a failed
    run leaves no partial archive.
    """
    splits = {"train": train_cap, "validation": None}
    files = {split: _split_files(corpus, split) for split in splits}
    contents: dict[str, dict] = {}
    partial = out.with_name(out.name + ".partial")
    try:
        with tarfile.open(partial, "w:xz", preset=XZ_PRESET) as archive:
            for split, cap in splits.items():
                contents[split] = _add_split(archive, split, files[split], cap)
            manifest = corpus / "manifest.json"
            if manifest.exists():
                archive.add(manifest, "corpus/manifest.json")
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
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
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        reason = lines[-1].strip() if lines else f"exit status {done.returncode}"
        raise RuntimeError(f"pip download of {' '.join(pins)} failed: {reason}")
    return sorted(path.name for path in dest.glob("*.whl"))


#: The files of a kit. A new kit replaces them and leaves other files in its folder.
KIT_FILES = ("corpus.tar.xz", "kit.json")


def _remove_kit(folder: Path) -> None:
    """Remove the kit files and wheels in ``folder``, leaving anything else."""
    for name in KIT_FILES:
        (folder / name).unlink(missing_ok=True)
    wheels = folder / "wheels"
    if wheels.is_dir():
        for wheel in wheels.glob("*.whl"):
            wheel.unlink()


def _install_kit(staging: Path, out: Path) -> None:
    """Replace the kit in ``out`` with the one packed in ``staging``."""
    _remove_kit(out)
    for name in KIT_FILES:
        (staging / name).replace(out / name)
    if (staging / "wheels").is_dir():
        (out / "wheels").mkdir(exist_ok=True)
        for wheel in (staging / "wheels").glob("*.whl"):
            wheel.replace(out / "wheels" / wheel.name)


@contextlib.contextmanager
def _staging_folder(out: Path) -> Iterator[Path]:
    """Yield an empty folder beside ``out`` and install the kit packed there.

    The kit replaces an earlier one in ``out`` only when the block completes, so
    a failed or oversized kit leaves the earlier one as it was.
    """
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out} is a file, not a folder")
    out.mkdir(parents=True, exist_ok=True)
    out = out.resolve()
    staging = out.with_name(f".{out.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        yield staging
        _install_kit(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


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
    """Write a kit to ``out`` and return its summary, also saved as ``kit.json``.

    The kit is packed in a folder beside ``out`` and replaces an earlier kit in
    ``out`` only once it is complete. Files in ``out`` that belong to no kit are
    kept.
    """
    with _staging_folder(out) as folder:
        archive = folder / "corpus.tar.xz"
        contents = write_corpus_archive(corpus, archive, train_cap)
        names: list[str] = []
        if wheels:
            names = download_wheels(folder / "wheels", python_version, platforms)
        parts = [archive, *(folder / "wheels" / name for name in names)]
        total = sum(path.stat().st_size for path in parts)
        if total > max_bytes:
            raise ValueError(
                f"the kit would take {total:,} bytes, more than the {max_bytes:,} "
                "allowed by --max-mib: lower --train-bytes-per-label or raise "
                "--max-mib"
            )
        summary = {
            "corpus": contents,
            "train_bytes_per_label": train_cap,
            "archive_bytes": archive.stat().st_size,
            "wheels": names,
            "python_version": python_version if wheels else None,
            "kit_bytes": total,
        }
        (folder / "kit.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary
