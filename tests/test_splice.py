"""Spliced documents: labels line up with the text, code point by code point."""

import json

import numpy as np
import pytest

from charseg_server.contract import LABELS
from charseg_training.config import DataConfig
from charseg_training.splice import (
    CONFUSABLE_PAIRS,
    Corpus,
    DocumentMaker,
    join_pieces,
    make_window,
)

TEXTS = {
    "python": "def greet(name):\n    return f'hi {name} 😀'\n" * 30,
    "scala": 'object Main { def run(): Unit = println("𝔘nicode") }\n' * 30,
    "sql": "SELECT id, name FROM users WHERE id = 1;\n" * 30,
    "markdown": "# Title\n\nSome *prose* with `code`.\n" * 30,
    "html": '<div class="box"><p>Hello</p></div>\n' * 30,
    "javascript": "const add = (a, b) => a + b;\n" * 30,
    "css": ".box { color: #333; margin: 0 }\n" * 30,
    "java": "public int size() { return items.length; }\n" * 30,
    "yaml": "name: build\nsteps:\n  - uses: checkout\n" * 30,
    "shellscript": 'for f in *.txt; do echo "$f"; done\n' * 30,
}


@pytest.fixture
def corpus():
    return Corpus({label: [text] for label, text in TEXTS.items()})


def test_join_pieces_labels_match_text():
    pieces = [("ab😀", "python"), ("\r\nx", "scala"), ("𝔘", "sql")]
    text, ids = join_pieces(pieces)
    assert text == "ab😀\r\nx𝔘"
    assert len(ids) == len(text) == 7
    expected = [LABELS.index(label) for label in ["python"] * 3 + ["scala"] * 3]
    assert ids.tolist() == expected + [LABELS.index("sql")]


def test_pieces_cover_requested_length(corpus):
    maker = DocumentMaker(corpus, DataConfig())
    rng = np.random.default_rng(0)
    for _ in range(50):
        pieces = maker.pieces(rng, 500)
        assert sum(len(text) for text, _ in pieces) >= 500
        assert all(label in TEXTS for _, label in pieces)


def test_every_piece_comes_from_its_label(corpus):
    maker = DocumentMaker(corpus, DataConfig())
    rng = np.random.default_rng(1)
    glue = {
        "```",
        "<script>",
        "</script>",
        "<style>",
        "</style>",
        "cursor.execute",
        "String query",
        "run: |",
        '""")',
        '";',
    }
    for _ in range(100):
        for text, label in maker.pieces(rng, 300):
            if any(marker in text for marker in glue):
                continue
            stripped = text.strip()
            assert stripped[:8] in TEXTS[label] or stripped[-8:] in TEXTS[label]


def test_focus_documents_use_focus_pair(corpus):
    config = DataConfig(
        p_pair=1.0, p_focus=1.0, focus_pair=("java", "sql"), focus_max_run=60
    )
    maker = DocumentMaker(corpus, config)
    rng = np.random.default_rng(2)
    for _ in range(20):
        pieces = maker.pieces(rng, 400)
        assert all(len(text) <= 60 for text, _ in pieces)
        labels = [label for _, label in pieces]
        assert set(labels) == {"java", "sql"}
        assert all(a != b for a, b in zip(labels, labels[1:], strict=False))


def test_focus_share_follows_p_focus(corpus):
    config = DataConfig(
        p_pair=1.0,
        p_focus=0.5,
        focus_pair=("yaml", "css"),
        max_run=60,
        focus_max_run=60,
    )
    maker = DocumentMaker(corpus, config)
    rng = np.random.default_rng(3)
    hits = sum(
        {label for _, label in maker.pieces(rng, 200)} == {"yaml", "css"}
        for _ in range(400)
    )
    # Half are focus documents. A random pair is yaml and css far less often.
    assert 0.4 < hits / 400 < 0.6


def test_look_alike_pairs_use_pair_max_run(corpus):
    # Random pairs have runs of up to 600 characters, look-alike pairs of at
    # most 40, so runs all that short mark the look-alike half of the documents.
    config = DataConfig(p_pair=1.0, max_run=600, pair_max_run=40)
    maker = DocumentMaker(corpus, config)
    rng = np.random.default_rng(4)
    look_alike = {frozenset(pair) for pair in CONFUSABLE_PAIRS}
    short = 0
    for _ in range(400):
        pieces = maker.pieces(rng, 400)
        if all(len(text) <= 40 for text, _ in pieces):
            short += 1
            assert frozenset(label for _, label in pieces) in look_alike
    assert 0.4 < short / 400 < 0.6


def test_host_block_pastes_whole_lines(corpus):
    config = DataConfig(p_pair=0.0, p_block=1.0, focus_pair=("python", "scala"))
    maker = DocumentMaker(corpus, config)
    rng = np.random.default_rng(5)
    look_alike = {frozenset(pair) for pair in CONFUSABLE_PAIRS}
    focus = 0
    for _ in range(200):
        pieces = maker.pieces(rng, 400)
        labels = [label for _, label in pieces]
        assert frozenset(labels) in look_alike
        assert all(a != b for a, b in zip(labels, labels[1:], strict=False))
        # Blocks are whole lines: every piece ends a line.
        assert all(text.endswith("\n") for text, _ in pieces)
        focus += set(labels) == {"python", "scala"}
    # Half of the documents use the focus pair; the rest share out the
    # look-alike pairs that this corpus holds, Python and Scala among them.
    assert 0.45 < focus / 200 < 0.8


def test_host_block_share_follows_p_block(corpus):
    config = DataConfig(p_pair=0.0, p_block=0.5, p_single=0.5, p_lines=0.0)
    maker = DocumentMaker(corpus, config)
    rng = np.random.default_rng(6)
    mixed = sum(
        len({label for _, label in maker.pieces(rng, 300)}) > 1 for _ in range(400)
    )
    # Single-language documents have one label, host-block documents two.
    assert 0.4 < mixed / 400 < 0.6


def test_window_has_exact_length(corpus):
    maker = DocumentMaker(corpus, DataConfig())
    rng = np.random.default_rng(2)
    for _ in range(30):
        text, ids = make_window(maker, rng, 257)
        assert len(text) == 257
        assert ids.shape == (257,)


def test_embedded_markdown_fence_labels():
    corpus = Corpus({"markdown": [TEXTS["markdown"]], "python": [TEXTS["python"]]})
    maker = DocumentMaker(corpus, DataConfig())
    rng = np.random.default_rng(3)
    pieces = maker._markdown_fence(rng)
    labels = [label for _, label in pieces]
    assert labels == ["markdown", "markdown", "python", "markdown", "markdown"]
    assert pieces[1][0].startswith("```")
    assert pieces[3][0] == "```\n"


def test_embedded_sql_in_python_labels():
    corpus = Corpus({"python": [TEXTS["python"]], "sql": [TEXTS["sql"]]})
    maker = DocumentMaker(corpus, DataConfig())
    pieces = maker._sql_in_python(np.random.default_rng(4))
    assert [label for _, label in pieces] == ["python", "sql", "python"]
    assert "SELECT" in pieces[1][0]


def test_corpus_load_reads_jsonl(tmp_path):
    split = tmp_path / "train"
    split.mkdir()
    rows = [{"label": "go", "source": "x==1", "path": "a.go", "text": "package a\n"}]
    (split / "go.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    corpus = Corpus.load(tmp_path, "train")
    assert corpus.labels == ["go"]
    assert corpus.files["go"] == ["package a\n"]


def test_corpus_load_missing_split_raises(tmp_path):
    with pytest.raises(FileNotFoundError, match="charseg-train corpus"):
        Corpus.load(tmp_path, "train")
