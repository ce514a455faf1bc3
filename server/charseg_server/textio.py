"""Reading the CLI's inputs: UTF-8 text files and truth files."""

from __future__ import annotations

import codecs
import json
import sys
from typing import BinaryIO

from .engine import DocumentTooLargeError

#: Bytes inspected for NUL bytes when input is not valid UTF-8.
BINARY_SNIFF_BYTES = 65536
#: Share of NUL characters from which decoded text counts as binary.
BINARY_NUL_SHARE = 0.01
#: Bytes read at a time from a file with a size limit.
READ_CHUNK_BYTES = 1 << 20


class InputError(Exception):
    """An input that cannot be used; the message names it and the reason."""


def read_bytes(path: str, max_chars: int | None = None) -> bytes:
    """Read a whole file, or standard input for ``-``.

    Raises :class:`InputError` for input that must hold more than
    ``max_chars`` characters, before reading all of it, so a huge input
    cannot exhaust memory: over four UTF-8 bytes per character, plus a byte
    order mark.
    """
    name = "<stdin>" if path == "-" else path
    max_bytes = None if max_chars is None else 4 * max_chars + len(codecs.BOM_UTF8)
    try:
        if path == "-":
            data = _read_limited(sys.stdin.buffer, max_bytes)
        else:
            with open(path, "rb") as stream:
                data = _read_limited(stream, max_bytes)
    except FileNotFoundError as exc:
        raise InputError(f"{path}: file not found") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a directory, expected a text file") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    if max_bytes is not None and len(data) > max_bytes:
        unit = "character" if max_chars == 1 else "characters"
        raise InputError(
            f"{name}: input is longer than the limit of {max_chars:,} {unit} "
            f"(it has over {max_bytes:,} bytes); raise the limit with --max-chars N"
        )
    return data


def _read_limited(stream: BinaryIO, max_bytes: int | None) -> bytes:
    """Read at most ``max_bytes + 1`` bytes, in chunks, so that a huge limit
    costs no more memory than the input itself."""
    if max_bytes is None:
        return stream.read()
    chunks = []
    size = 0
    while size <= max_bytes:
        chunk = stream.read(min(READ_CHUNK_BYTES, max_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def binary_reason(text: str) -> str | None:
    """Return why decoded ``text`` counts as binary, or None for text.

    Text counts as binary when at least 1% of its characters are NUL. Text
    files have none; a stray NUL in a large text still gets analysed.
    """
    nul_count = text.count("\x00")
    if nul_count and nul_count >= BINARY_NUL_SHARE * len(text):
        return f"{nul_count / len(text):.0%} of its characters are NUL"
    return None


def too_large_message(error: DocumentTooLargeError) -> str:
    """Describe a document over ``--max-chars`` in the command line's terms."""
    return (
        f"document of {error.length:,} characters exceeds the limit of "
        f"{error.limit:,} characters; raise the limit with --max-chars N"
    )


def decode_text(data: bytes, name: str, errors: str = "strict") -> str:
    """Decode UTF-8 ``data``, rejecting binary data and (by default) invalid bytes.

    Data counts as binary when 1% or more of its characters are NUL, as the
    language server and the batch mode count it, or when it is not valid UTF-8
    and has a NUL byte in its first 64 KiB. A UTF-8 byte order mark is dropped,
    as editors hide it, so that offsets match theirs.

    Args:
        data: the file content.
        name: the file name used in messages (``<stdin>`` for standard input).
        errors: ``strict`` raises :class:`InputError` on invalid UTF-8;
            ``replace`` decodes each invalid sequence as U+FFFD.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(
            f"{name}: starts with a UTF-16 byte order mark; charseg reads UTF-8 "
            "text, so convert it first (for example: iconv -f UTF-16 -t UTF-8)"
        )
    data = data.removeprefix(codecs.BOM_UTF8)
    head = data[:BINARY_SNIFF_BYTES]
    nul_count = head.count(b"\x00")
    nul_bytes = "1 NUL byte" if nul_count == 1 else f"{nul_count:,} NUL bytes"
    try:
        text = data.decode("utf-8", errors=errors)
    except UnicodeDecodeError as exc:
        if nul_count:
            # NUL bytes and invalid UTF-8 together: most likely not text at all.
            raise InputError(
                f"{name}: looks like a binary file ({nul_bytes} in the "
                f"first {len(head):,} bytes); charseg reads UTF-8 text"
            ) from exc
        raise InputError(
            f"{name}: invalid UTF-8 at byte offset {exc.start} ({exc.reason}); "
            "pass --errors replace to decode invalid bytes as U+FFFD"
        ) from exc
    reason = binary_reason(text)
    if reason is not None:
        raise InputError(
            f"{name}: looks like a binary file ({reason}); charseg reads UTF-8 text"
        )
    return text


def read_text(path: str, errors: str = "strict", max_chars: int | None = None) -> str:
    """Read and decode a UTF-8 text file, or standard input for ``-``.

    With ``max_chars``, input with more bytes than that many characters can
    take is rejected before it is fully read (see :func:`read_bytes`).
    """
    name = "<stdin>" if path == "-" else path
    return decode_text(read_bytes(path, max_chars), name, errors)


def load_truth(path: str, length: int) -> list[tuple[int, int, str]]:
    """Load true labels: a JSON list of ``[start, end, label]`` spans.

    Spans must lie within ``[0, length)``, be non-empty and not overlap. They
    may leave gaps; they come back sorted by start.
    """
    try:
        raw = json.loads(read_bytes(path).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: invalid truth file: {exc}") from exc
    if not isinstance(raw, list):
        raise InputError(f"{path}: expected a JSON list of [start, end, label] spans")
    spans = [_parse_span(path, index, item) for index, item in enumerate(raw)]
    spans.sort()
    previous_end = 0
    for start, end, label in spans:
        if start < previous_end:
            raise InputError(
                f"{path}: span [{start}, {end}, {label!r}] overlaps another"
            )
        if end > length:
            raise InputError(
                f"{path}: span [{start}, {end}, {label!r}] ends past the text "
                f"({length} characters)"
            )
        previous_end = end
    return spans


def _parse_span(path: str, index: int, item: object) -> tuple[int, int, str]:
    valid = (
        isinstance(item, list)
        and len(item) == 3
        and all(type(value) is int for value in item[:2])
        and isinstance(item[2], str)
    )
    if not valid:
        raise InputError(
            f"{path}: entry {index} must be [start, end, label], got {item!r}"
        )
    start, end, label = item
    if not 0 <= start < end:
        raise InputError(f"{path}: entry {index} needs 0 <= start < end, got {item!r}")
    return start, end, label
