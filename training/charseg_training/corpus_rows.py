"""The rows of the corpus's JSONL files, checked as training reads them.

Each line of ``<split>/<label>.jsonl`` is a JSON object for one source file,
with its text under ``text`` (and ``label``, ``source`` and ``path`` beside it).
A row that breaks this raises ``ValueError`` naming its file and line, so a bad
corpus fails before training starts and not deep inside it.
"""

from __future__ import annotations

import json
from pathlib import Path


def parse_row(path: Path, number: int, line: bytes) -> dict:
    """Return the row on line ``number`` of ``path``, or raise ``ValueError``."""
    try:
        # Strict UTF-8 rejects lone surrogates written as bytes, and json rejects
        # a BOM. A surrogate written as a JSON escape passes; the model encodes
        # it like any other character, as the server does.
        row = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}, line {number}: invalid UTF-8 ({error})") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}, line {number}: invalid JSON ({error})") from None
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        raise ValueError(f"{path}, line {number}: expected an object with a text")
    return row


def read_texts(path: Path) -> list[str]:
    """Return the texts of ``path`` that hold more than whitespace."""
    texts = []
    for number, line in enumerate(Path(path).read_bytes().splitlines(), start=1):
        if line.strip():
            text = parse_row(path, number, line)["text"]
            if text.strip():
                texts.append(text)
    return texts
