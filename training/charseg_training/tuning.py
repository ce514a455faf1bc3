"""``charseg-train tune``: measure smoothing settings on the validation split.

The model runs once per document and each setting only re-decodes the stored
run summaries, so a sweep costs little more than one evaluation. Three sweeps,
named in each row's ``sweep`` field:

* ``smoothing``: switch penalty and minimum region length, without a host
  language, on the ``mixed``, ``python_scala`` and ``files`` sets of
  ``charseg-train evaluate``;
* ``snap``: how far word snapping may move a boundary, at the default penalty
  and minimum region, on the same sets;
* ``host``: the host-language prior, at the default penalty and minimum region. One set
  is ``hosted`` documents with one embedding each (a Markdown fence, a script or
  style block in HTML, SQL in Python or Java, shell in YAML) and the outer
  language as host. The second is ``blocks``: host lines, a whole-line block of a
  look-alike language (Scala in Python, C in C++), host lines, with the outer
  language as host. Besides accuracy it counts the blocks kept whole, as one
  region whose ends lie within ``BLOCK_TOLERANCE`` characters of the truth. The
  third is whole files, each with its own label as host.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from charseg_server.contract import encode
from charseg_server.engine import Segmenter, SegmentOptions, decode_summary
from charseg_server.runs import RunSummary, concatenate
from charseg_server.windows import plan_windows
from charseg_server.wordsnap import snap_to_words

from .config import DataConfig
from .evaluate import (
    add_prediction,
    evaluation_sets,
    load_runner,
)
from .metrics import Scores
from .splice import Corpus, DocumentMaker, join_pieces

log = logging.getLogger(__name__)

PENALTIES = (0.0, 2.0, 4.0, 8.0, 16.0, 32.0)
MIN_REGIONS = (1, 8, 24)
HOST_PRIORS = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0)
SNAP_REACHES = (0, 4, 8, 16, 32)
#: How far the ends of a kept-whole block may lie from the true ones.
BLOCK_TOLERANCE = 5


@dataclass(frozen=True)
class Document:
    """A text's run summary and truth (label ids, or one label for a file)."""

    summary: RunSummary
    text: str
    truth: np.ndarray | int
    host: str | None = None


def summarize_text(segmenter: Segmenter, text: str, truth, host=None) -> Document:
    """Run the model over ``text`` once and keep its run summary."""
    ids = encode(text)
    plan = plan_windows(ids, segmenter.model.contract.window)
    summaries = segmenter.summarize_windows([(ids, w) for w in plan], batch_size=16)
    return Document(concatenate(summaries), text, truth, host)


def hosted_documents(corpus: Corpus, labels, count: int, seed: int):
    """Yield ``(text, label ids, host label)`` with one embedding each."""
    maker = DocumentMaker(corpus, DataConfig(labels=tuple(labels)))
    rng = np.random.default_rng(seed)
    for _ in range(count):
        pieces = maker.embedded(rng)
        if pieces:
            text, truth = join_pieces(pieces, labels)
            yield text, truth, pieces[0][1]


def block_documents(corpus: Corpus, labels, count: int, seed: int):
    """Yield ``(text, label ids, host label)``: a look-alike block inside a host."""
    maker = DocumentMaker(corpus, DataConfig(labels=tuple(labels)))
    rng = np.random.default_rng(seed)
    for _ in range(count):
        pieces = maker.host_block(rng, 1, closed=True)
        if len({label for _, label in pieces}) != 2:
            return  # the corpus contains no look-alike pair
        text, truth = join_pieces(pieces, labels)
        yield text, truth, pieces[0][1]


def decode_document(document: Document, labels, options: SegmentOptions):
    """Return the regions of ``document`` under ``options`` and its host."""
    opts = replace(options, host_language=document.host)
    regions = decode_summary(document.summary, labels, opts)
    return snap_to_words(regions, document.text, opts.snap_reach, opts.min_region)


def score(documents: list[Document], labels, options: SegmentOptions) -> Scores:
    """Decode every document with ``options`` and score the result."""
    scores = Scores(len(labels))
    for document in documents:
        regions = decode_document(document, labels, options)
        add_prediction(scores, document.truth, regions, labels, len(document.text))
    return scores


def kept_whole(documents: list[Document], labels, options: SegmentOptions) -> float:
    """Return the share of block documents decoded as host, block, host."""
    whole = 0
    for document in documents:
        truth = document.truth
        edges = np.flatnonzero(truth[1:] != truth[:-1]) + 1
        if len(edges) != 2:
            raise ValueError("a block document has one block inside its host")
        regions = decode_document(document, labels, options)
        expected = [labels[truth[0]], labels[truth[edges[0]]], labels[truth[0]]]
        whole += (
            [region.label for region in regions] == expected
            and abs(regions[1].start - edges[0]) <= BLOCK_TOLERANCE
            and abs(regions[1].end - edges[1]) <= BLOCK_TOLERANCE
        )
    return whole / max(len(documents), 1)


def document_sets(segmenter: Segmenter, corpus: Corpus, count: int, seed: int):
    """Return ``{set name: [Document]}`` for the sets described above."""
    labels = list(segmenter.labels)
    sets = {
        name: [summarize_text(segmenter, text, truth) for text, truth in texts]
        for name, texts in evaluation_sets(corpus, labels, count, seed).items()
    }
    sets["hosted"] = [
        summarize_text(segmenter, text, truth, host)
        for text, truth, host in hosted_documents(corpus, labels, count, seed + 3)
    ]
    blocks = block_documents(corpus, labels, count, seed + 4)
    if blocks := [summarize_text(segmenter, *document) for document in blocks]:
        sets["blocks"] = blocks
    sets["files_hosted"] = [
        replace(document, host=labels[document.truth]) for document in sets["files"]
    ]
    return sets


def sweep(sets: dict[str, list[Document]], labels) -> list[dict]:
    """Score every setting of the three sweeps and return one row per setting."""
    rows = []
    plain = ("mixed", "python_scala", "files")
    for penalty in PENALTIES:
        for min_region in MIN_REGIONS:
            options = SegmentOptions(switch_penalty=penalty, min_region=min_region)
            rows.append(_row("smoothing", sets, plain, labels, options))
    for reach in SNAP_REACHES:
        options = SegmentOptions(snap_reach=reach)
        rows.append(_row("snap", sets, plain, labels, options))
    for prior in HOST_PRIORS:
        options = SegmentOptions(host_prior=prior)
        host_sets = ("hosted", "blocks", "files_hosted")
        row = _row("host", sets, host_sets, labels, options)
        if sets.get("blocks"):
            row["blocks"]["kept_whole"] = kept_whole(sets["blocks"], labels, options)
        rows.append(row)
    return rows


def _row(sweep_name: str, sets, names, labels, options: SegmentOptions) -> dict:
    row = {
        "sweep": sweep_name,
        "switch_penalty": options.switch_penalty,
        "min_region": options.min_region,
        "snap_reach": options.snap_reach,
        "host_prior": options.host_prior if sweep_name == "host" else None,
    }
    for name in names:
        if name not in sets:
            continue
        scores = score(sets[name], labels, options)
        row[name] = {
            "accuracy": scores.accuracy(),
            "boundary_f1": scores.boundary_f1(),
            "file_top1": scores.file_accuracy(),
        }
    log.info("scored %s", {k: v for k, v in row.items() if k not in sets})
    return row


def tune(
    model_path: Path | None,
    corpus_root: Path,
    split: str,
    out: Path,
    documents: int,
    seed: int,
) -> list[dict]:
    """Run both sweeps and write ``out`` (JSON); return the rows."""
    # Fail on an unusable output path before minutes of scoring, not after.
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.is_dir():
        raise IsADirectoryError(f"--out {out} is a folder; name a JSON file")
    runner = load_runner(model_path, None)
    corpus = Corpus.load(corpus_root, split, runner.labels)
    segmenter = Segmenter(runner)
    log.info("summarising %d documents per set on the %s split", documents, split)
    sets = document_sets(segmenter, corpus, documents, seed)
    rows = sweep(sets, list(runner.labels))
    out.write_text(json.dumps(rows, indent=2) + "\n")
    return rows


def markdown(rows: list[dict]) -> str:
    """Format the rows as one Markdown table per sweep."""
    plain_columns = (
        "| mixed accuracy | mixed boundary F1 | python_scala accuracy "
        "| python_scala boundary F1 | file top-1 |"
    )
    lines = [
        "| switch penalty | min region " + plain_columns,
        "|---|---|---|---|---|---|---|",
    ]
    for row in _of_sweep(rows, "smoothing"):
        lines.append(
            f"| {row['switch_penalty']:g} | {row['min_region']} {_plain_cells(row)}"
        )
    lines += ["", "| snap reach " + plain_columns, "|---|---|---|---|---|---|"]
    for row in _of_sweep(rows, "snap"):
        lines.append(f"| {row['snap_reach']} {_plain_cells(row)}")
    lines += [
        "",
        "| host prior | hosted accuracy | hosted boundary F1 "
        "| block accuracy | blocks kept whole "
        "| file accuracy with host | file top-1 with host |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in _of_sweep(rows, "host"):
        blocks = row.get("blocks", {})
        lines.append(
            f"| {row['host_prior']:g} | {_pct(row['hosted']['accuracy'])} "
            f"| {row['hosted']['boundary_f1']:.3f} "
            f"| {_pct(blocks.get('accuracy'))} | {_pct(blocks.get('kept_whole'))} "
            f"| {_pct(row['files_hosted']['accuracy'])} "
            f"| {_pct(row['files_hosted']['file_top1'])} |"
        )
    return "\n".join(lines)


def _of_sweep(rows: list[dict], name: str) -> list[dict]:
    return [row for row in rows if row["sweep"] == name]


def _plain_cells(row: dict) -> str:
    pair = row.get("python_scala", {})
    return (
        f"| {_pct(row['mixed']['accuracy'])} "
        f"| {row['mixed']['boundary_f1']:.3f} "
        f"| {_pct(pair.get('accuracy'))} "
        f"| {_fmt(pair.get('boundary_f1'))} "
        f"| {_pct(row['files']['file_top1'])} |"
    )


def _pct(value) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"
