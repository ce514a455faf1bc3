"""Turn unpacked source trees into the split, capped JSONL corpus.

This step reads only local folders, so tests can run it on trees they write.

Each file goes to one split, decided by a hash of ``(source, path)``. For every
label that has files from at least two sources, one whole source is held out
as the ``unseen`` split for that label. The held-out source may still give
files to the other splits of *other* labels.

Files are drawn per label and split from the source that has contributed the
fewest bytes so far, each source's files in a fixed hash order, until the
split's byte cap is reached. A file whose content (white space ignored) was
already taken anywhere in the corpus is dropped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from charseg_server.contract import LABELS
from charseg_training.corpus.embedded import remove_embedded_code
from charseg_training.corpus.select import (
    SHEBANG,
    content_hash,
    decode,
    file_label,
    path_label,
    rejection_reason,
    truncate,
)
from charseg_training.sources import Source

logger = logging.getLogger(__name__)

SPLITS: tuple[str, ...] = ("train", "validation", "test", "unseen")

#: A split with less free space than this (bytes) counts as full.
MIN_FREE_BYTES = 1024
#: A split counts as full after this many files in a row did not fit.
MAX_OVER_CAP = 50


@dataclass(frozen=True)
class SourceTree:
    """An unpacked source: its spec, the version used and the folder of files."""

    source: Source
    version: str
    licence: str
    root: Path

    @property
    def source_id(self) -> str:
        """The ``name==version`` string written into every example."""
        return f"{self.source.name}=={self.version}"


@dataclass(frozen=True)
class BuildConfig:
    """Limits and split fractions of one corpus build."""

    #: Byte cap (UTF-8) of the train split of each label.
    max_bytes_per_label: int = 4_000_000
    #: Train cap from which the held-out caps are derived; None uses
    #: ``max_bytes_per_label``. Set it to grow the train split while the
    #: validation, test and unseen splits keep their size.
    held_out_basis_bytes: int | None = None
    #: Files larger than this on disk are never read.
    max_file_bytes: int = 200_000
    #: Characters kept from one file; longer files are cut at a line end.
    max_chars_per_file: int = 64_000
    #: Fractions of train and validation; test takes the rest.
    train_fraction: float = 0.8
    validation_fraction: float = 0.1
    #: Sources with fewer candidate bytes are held out only when named in ``holdout``.
    min_unseen_bytes: int = 64_000
    labels: tuple[str, ...] = LABELS

    def __post_init__(self) -> None:
        unknown = sorted(set(self.labels) - set(LABELS))
        if unknown:
            raise ValueError(f"unknown labels {unknown}; valid labels: {list(LABELS)}")
        if self.held_out_basis_bytes is not None and self.held_out_basis_bytes <= 0:
            raise ValueError(
                "held_out_basis_bytes must be > 0 or unset, got "
                f"{self.held_out_basis_bytes}"
            )
        if not 0 < self.train_fraction < 1:
            raise ValueError(
                f"train_fraction must be in (0, 1), got {self.train_fraction}"
            )
        if self.train_fraction + self.validation_fraction >= 1:
            raise ValueError(
                "train_fraction + validation_fraction must be < 1, got "
                f"{self.train_fraction + self.validation_fraction}"
            )

    def split_cap(self, split: str) -> int:
        """Return the byte cap of ``split`` for one label.

        Validation and test caps keep the ratio of the split fractions to
        train, and ``unseen`` gets a quarter of the train cap. They derive from
        ``held_out_basis_bytes`` when it is set.
        """
        if split == "train":
            return self.max_bytes_per_label
        test_fraction = 1 - self.train_fraction - self.validation_fraction
        ratio = {
            "validation": self.validation_fraction / self.train_fraction,
            "test": test_fraction / self.train_fraction,
            "unseen": 0.25,
        }[split]
        basis = self.held_out_basis_bytes or self.max_bytes_per_label
        return round(basis * ratio)


@dataclass
class Candidate:
    """A file that maps to a label by its path, before its content is checked."""

    tree: SourceTree
    path: str
    size: int
    label: str  # a label, or SHEBANG until the first line is read
    order: str = field(default="")


def split_of(source_name: str, path: str, config: BuildConfig) -> str:
    """Return the split of a file from a hash of its source name and path."""
    digest = hashlib.sha1(f"{source_name}\0{path}".encode()).digest()
    fraction = int.from_bytes(digest[:8], "big") / 2**64
    if fraction < config.train_fraction:
        return "train"
    if fraction < config.train_fraction + config.validation_fraction:
        return "validation"
    return "test"


def scan_tree(tree: SourceTree, config: BuildConfig) -> list[Candidate]:
    """List the files of ``tree`` that map to a label by path and fit the size limit."""
    candidates = []
    for directory, _dirs, files in os.walk(tree.root):
        for name in files:
            full = Path(directory, name)
            if full.is_symlink():
                continue
            path = full.relative_to(tree.root).as_posix()
            label = path_label(path, tree.source)
            if label is None:
                continue
            if label != SHEBANG and label not in config.labels:
                continue
            size = full.stat().st_size
            if size == 0 or size > config.max_file_bytes:
                continue
            order = hashlib.sha1(f"{tree.source.name}\0{path}".encode()).hexdigest()
            candidates.append(Candidate(tree, path, size, label, order))
    return candidates


def _resolve_shebangs(
    candidates: list[Candidate], config: BuildConfig
) -> list[Candidate]:
    """Give files without an extension the label of their ``#!`` line, or drop them."""
    resolved = []
    for candidate in candidates:
        if candidate.label == SHEBANG:
            with open(candidate.tree.root / candidate.path, "rb") as handle:
                head = handle.readline(256)
            text = head.decode("utf-8", "replace")
            label = file_label(candidate.path, text, candidate.tree.source)
            if label is None or label not in config.labels:
                continue
            candidate.label = label
        resolved.append(candidate)
    return resolved


def choose_unseen(
    label: str, by_source: dict[str, list[Candidate]], config: BuildConfig
) -> str | None:
    """Return the source held out as ``unseen`` for ``label``, or None.

    A source that names the label in its ``holdout`` field wins unless it
    has more than half of the label's candidate bytes. Failing that, the
    smallest source with at least ``min_unseen_bytes`` of candidates is held
    out, but never the largest, so the other splits keep most of the data.
    Returns None when no such source exists.
    """
    if len(by_source) < 2:
        return None
    sizes = {name: sum(c.size for c in files) for name, files in by_source.items()}
    total = sum(sizes.values())
    largest = max(sizes, key=lambda name: (sizes[name], name))
    for name in sorted(by_source):
        named = label in by_source[name][0].tree.source.holdout
        if named and sizes[name] <= total / 2:
            return name
    pool = [
        name
        for name, size in sizes.items()
        if name != largest and size >= config.min_unseen_bytes
    ]
    if not pool:
        return None
    return min(pool, key=lambda name: (sizes[name], name))


@dataclass
class LabelResult:
    """The examples chosen for one label, with counts for the manifest."""

    examples: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    unseen_source: str | None = None
    dropped: Counter = field(default_factory=Counter)


def _draw_split(
    label: str,
    queues: dict[str, list[Candidate]],
    cap: int,
    seen_hashes: set[str],
    config: BuildConfig,
    result: LabelResult,
    split: str,
) -> None:
    """Take files for one split, always from the source with the fewest bytes so far."""
    taken = dict.fromkeys(queues, 0)
    positions = dict.fromkeys(queues, 0)
    total = 0
    rejected_in_a_row = 0
    active = {name for name, queue in queues.items() if queue}
    # Stop when the split is nearly full, too: scanning every remaining file of
    # a large source for one small enough to fit is slow and adds little.
    while active and cap - total > MIN_FREE_BYTES and rejected_in_a_row < MAX_OVER_CAP:
        name = min(active, key=lambda n: (taken[n], n))
        queue = queues[name]
        candidate = queue[positions[name]]
        positions[name] += 1
        if positions[name] >= len(queue):
            active.discard(name)
        with open(candidate.tree.root / candidate.path, "rb") as handle:
            text = decode(handle.read())
        if text is None:
            result.dropped["binary_or_not_utf8"] += 1
            continue
        full_text = text
        text = remove_embedded_code(label, text)
        reason = rejection_reason(label, text)
        if reason:
            result.dropped[reason] += 1
            continue
        digest = content_hash(text)
        if digest in seen_hashes:
            result.dropped["duplicate"] += 1
            continue
        text = truncate(text, config.max_chars_per_file)
        size = len(text.encode("utf-8"))
        if total + size > cap:
            result.dropped["over_cap"] += 1
            rejected_in_a_row += 1
            continue
        rejected_in_a_row = 0
        seen_hashes.add(digest)
        taken[name] += size
        total += size
        example = {
            "label": label,
            "source": candidate.tree.source_id,
            "path": candidate.path,
            "text": text,
        }
        if full_text != text:
            # Benchmarks of embedded code read the file as it was.
            example["full_text"] = truncate(full_text, config.max_chars_per_file)
        result.examples[split].append(example)


def select_label(
    label: str,
    candidates: Sequence[Candidate],
    seen_hashes: set[str],
    config: BuildConfig,
) -> LabelResult:
    """Choose the examples of every split for ``label``."""
    result = LabelResult()
    by_source: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_source[candidate.tree.source.name].append(candidate)
    result.unseen_source = choose_unseen(label, by_source, config)
    queues: dict[str, dict[str, list[Candidate]]] = {
        s: defaultdict(list) for s in SPLITS
    }
    for name, files in sorted(by_source.items()):
        for candidate in sorted(files, key=lambda c: c.order):
            if name == result.unseen_source:
                split = "unseen"
            else:
                split = split_of(name, candidate.path, config)
            queues[split][name].append(candidate)
    for split in SPLITS:
        _draw_split(
            label,
            queues[split],
            config.split_cap(split),
            seen_hashes,
            config,
            result,
            split,
        )
    return result


def _write_jsonl(path: Path, examples: Iterable[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".jsonl.tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        for example in examples:
            handle.write(json.dumps(example, ensure_ascii=False) + "\n")
    temporary.replace(path)


def _count(examples: list[dict]) -> tuple[int, int]:
    return len(examples), sum(len(e["text"].encode("utf-8")) for e in examples)


def build_corpus(
    trees: Sequence[SourceTree],
    out_dir: Path,
    config: BuildConfig,
    failed_sources: dict[str, str] | None = None,
    progress=None,
) -> dict:
    """Write ``<out_dir>/<split>/<label>.jsonl`` and ``<out_dir>/manifest.json``.

    Returns the manifest.

    Args:
        trees: unpacked sources, in any order (the result does not depend on it).
        out_dir: corpus folder; existing label files for ``config.labels`` are replaced.
        config: caps and split fractions.
        failed_sources: source name to error message, recorded in the manifest.
        progress: optional callable wrapping an iterable, such as ``tqdm``.
    """
    trees = sorted(trees, key=lambda tree: tree.source.name)
    wrap = progress or (lambda iterable, **_: iterable)
    candidates: dict[str, list[Candidate]] = defaultdict(list)
    for tree in wrap(trees, desc="scan", unit="source"):
        for candidate in _resolve_shebangs(scan_tree(tree, config), config):
            candidates[candidate.label].append(candidate)

    seen_hashes: set[str] = set()
    labels_manifest = {}
    for label in wrap(config.labels, desc="select", unit="label"):
        result = select_label(label, candidates[label], seen_hashes, config)
        for split in SPLITS:
            _write_jsonl(out_dir / split / f"{label}.jsonl", result.examples[split])
        labels_manifest[label] = _label_manifest(label, result, trees)
        logger.info(
            "%s: %s",
            label,
            ", ".join(
                f"{split} {labels_manifest[label]['bytes'][split]:,} B"
                for split in SPLITS
            ),
        )

    config_values = asdict(config)
    config_values["labels"] = list(config.labels)
    manifest = {
        "config": config_values,
        "splits": list(SPLITS),
        "labels": labels_manifest,
        "sources": {
            tree.source.name: {
                "kind": tree.source.kind,
                "version": tree.version,
                "licence": tree.licence,
            }
            for tree in trees
        },
        "failed_sources": dict(sorted((failed_sources or {}).items())),
    }
    manifest_path = out_dir / "manifest.json"
    if manifest_path.exists():
        # Keep entries of labels that this run did not rebuild.
        previous = json.loads(manifest_path.read_text())
        for label, entry in previous.get("labels", {}).items():
            manifest["labels"].setdefault(label, entry)
    manifest["labels"] = {
        label: manifest["labels"][label]
        for label in LABELS
        if label in manifest["labels"]
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return manifest


def _label_manifest(
    label: str, result: LabelResult, trees: Sequence[SourceTree]
) -> dict:
    tree_by_name = {tree.source.name: tree for tree in trees}
    per_source: dict[str, dict] = {}
    for split in SPLITS:
        for example in result.examples[split]:
            name = example["source"].split("==", 1)[0]
            entry = per_source.setdefault(
                name,
                {
                    "source": example["source"],
                    "licence": tree_by_name[name].licence,
                    "files": dict.fromkeys(SPLITS, 0),
                    "bytes": dict.fromkeys(SPLITS, 0),
                },
            )
            entry["files"][split] += 1
            entry["bytes"][split] += len(example["text"].encode("utf-8"))
    unseen = result.unseen_source
    return {
        "unseen_source": tree_by_name[unseen].source_id if unseen else None,
        "files": {split: _count(result.examples[split])[0] for split in SPLITS},
        "bytes": {split: _count(result.examples[split])[1] for split in SPLITS},
        "sources": [per_source[name] for name in sorted(per_source)],
        "dropped": dict(sorted(result.dropped.items())),
    }
