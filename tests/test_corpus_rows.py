"""Reading corpus rows: each bad row is reported with its file and line."""

import json

import pytest

from charseg_training.corpus_rows import read_texts
from charseg_training.splice import Corpus


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b"not json", "line 2: invalid JSON"),
        (b"\xef\xbb\xbf" + json.dumps({"text": "x"}).encode(), "line 2: invalid JSON"),
        (b'{"text": "\xed\xa0\x80"}', "line 2: invalid UTF-8"),
        (b"[1, 2]", "line 2: expected an object with a text"),
        (b'{"label": "sql"}', "line 2: expected an object with a text"),
        (b'{"text": 5}', "line 2: expected an object with a text"),
    ],
)
def test_bad_row_names_file_and_line(tmp_path, line, message):
    path = tmp_path / "sql.jsonl"
    path.write_bytes(json.dumps({"text": "SELECT 1;"}).encode() + b"\n" + line + b"\n")
    with pytest.raises(ValueError, match=f"sql.jsonl, {message}"):
        read_texts(path)


def test_blank_rows_and_texts_are_skipped(tmp_path):
    path = tmp_path / "sql.jsonl"
    rows = [{"text": "SELECT 1;"}, {"text": "  \n"}, {"text": "SELECT 2;"}]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n\n")
    assert read_texts(path) == ["SELECT 1;", "SELECT 2;"]


def test_corpus_of_blank_texts_is_missing(tmp_path):
    (tmp_path / "train").mkdir()
    (tmp_path / "train" / "sql.jsonl").write_text(json.dumps({"text": " "}) + "\n")
    with pytest.raises(FileNotFoundError, match="no corpus files under"):
        Corpus.load(tmp_path, "train", ["sql"])
