"""Batch mode: segment JSON Lines documents ``{"id": ..., "text": ...}``.

Each input line gives one output line, in order: ``{"id", "regions"}`` with
regions as ``[start, end, label, confidence]``, or ``{"id", "error"}`` for a
line that cannot be processed. Processing continues after an error.
"""

from __future__ import annotations

import codecs
import json
import logging
import math
import sys
from collections.abc import Iterable
from typing import BinaryIO

from .engine import DocumentTooLargeError, Segmenter, SegmentOptions, check_size
from .textio import binary_reason, too_large_message

log = logging.getLogger(__name__)

#: Documents segmented together (their windows share model batches).
DOCUMENTS_PER_CHUNK = 64
#: Characters segmented together, to bound memory.
CHARS_PER_CHUNK = 2_000_000
#: Digits of the largest integer a double can hold (about 1.8e308).
MAX_INT_DIGITS = 309


def parse_line(line: bytes, number: int, errors: str = "strict") -> tuple[object, str]:
    """Return the (id, text) of one input line; raise ``ValueError`` if invalid.

    ``errors`` is the UTF-8 decoding mode: ``strict`` or ``replace``.
    """
    try:
        record = _strict_json(line.decode("utf-8", errors=errors))
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"line {number}: invalid UTF-8 at byte offset {exc.start} of the line"
        ) from exc
    except ValueError as exc:
        raise ValueError(f"line {number}: invalid JSON: {exc}") from exc
    if not isinstance(record, dict):
        raise ValueError(f"line {number}: expected a JSON object with id and text")
    if not isinstance(record.get("text"), str):
        raise ValueError(f"line {number}: field 'text' must be a string")
    return record.get("id"), record["text"]


def _strict_json(text: str) -> object:
    """Parse JSON, rejecting NaN, Infinity, numbers beyond a double's range and
    nesting too deep for the parser, which would otherwise pass or crash."""
    try:
        return json.loads(
            text,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
            parse_int=_finite_int,
        )
    except RecursionError as exc:
        raise ValueError("arrays or objects are nested too deeply") from exc


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON value")


def _finite_float(literal: str) -> float:
    number = float(literal)
    if not math.isfinite(number):
        raise ValueError(f"number {_shorten(literal)} is out of range")
    return number


def _finite_int(literal: str) -> int:
    # The largest double has 309 digits. Checking the length first keeps
    # Python's own limit on long integer strings out of the message.
    if len(literal.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"number {_shorten(literal)} is out of range")
    number = int(literal)
    if abs(number) > sys.float_info.max:
        raise ValueError(f"number {_shorten(literal)} is out of range")
    return number


def _shorten(literal: str) -> str:
    if len(literal) <= 24:
        return literal
    return f"{literal[:20]}... ({len(literal):,} characters)"


def _record_id(line: bytes) -> object:
    """Return the id of a line that failed to parse fully, if it has one."""
    try:
        record = _strict_json(line.decode("utf-8", errors="replace"))
    except ValueError:
        return None
    return record.get("id") if isinstance(record, dict) else None


def process_jsonl(
    lines: Iterable[bytes],
    segmenter: Segmenter,
    options: SegmentOptions,
    out: BinaryIO,
    errors: str = "strict",
) -> tuple[int, int]:
    """Segment every line of ``lines`` into ``out``; return (done, failed).

    Lines are UTF-8 bytes, decoded with ``errors`` (``strict`` or ``replace``).
    """
    pending: list[dict[str, object]] = []
    texts: list[str] = []
    chars = 0
    done = failed = 0
    for number, line in enumerate(lines, start=1):
        if number == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        if not line.strip():
            continue
        try:
            doc_id, text = parse_line(line, number, errors)
            _check_text(text, options, number)
        except ValueError as exc:
            log.warning("jsonl: %s", exc)
            pending.append({"id": _record_id(line), "error": str(exc)})
            failed += 1
            continue
        pending.append({"id": doc_id, "text_index": len(texts)})
        texts.append(text)
        chars += len(text)
        if len(texts) >= DOCUMENTS_PER_CHUNK or chars >= CHARS_PER_CHUNK:
            done += _flush(pending, texts, segmenter, options, out)
            pending, texts, chars = [], [], 0
    done += _flush(pending, texts, segmenter, options, out)
    return done, failed


def _check_text(text: str, options: SegmentOptions, number: int) -> None:
    """Apply the checks that files get: the size limit and binary content."""
    try:
        check_size(text, options)
    except DocumentTooLargeError as exc:
        raise ValueError(f"line {number}: {too_large_message(exc)}") from exc
    binary = binary_reason(text)
    if binary is not None:
        raise ValueError(f"line {number}: text looks binary ({binary})")


def _flush(
    pending: list[dict[str, object]],
    texts: list[str],
    segmenter: Segmenter,
    options: SegmentOptions,
    out: BinaryIO,
) -> int:
    results = segmenter.segment_many(texts, options) if texts else []
    for item in pending:
        if "error" in item:
            record = item
        else:
            regions = results[item["text_index"]]  # type: ignore[index]
            record = {
                "id": item["id"],
                "regions": [region.to_list() for region in regions],
            }
        out.write(json.dumps(record).encode("ascii") + b"\n")
    out.flush()
    return len(texts)
