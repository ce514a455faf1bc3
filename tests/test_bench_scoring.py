"""The peer benchmark's data building, window vote, label maps and scoring.

These run without the peers' packages: the benchmark itself runs
``bench/peers/run_all.py``, outside the test suite.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench" / "peers"))

from peerbench.corpus import SourceFile, load_split  # noqa: E402
from peerbench.datasets import build_set  # noqa: E402
from peerbench.embedded import Span, embedded_runs, excerpt  # noqa: E402
from peerbench.guesslang_rule import accepted, adjusted, vscode_language  # noqa: E402
from peerbench.html_set import html_document, script_label  # noqa: E402
from peerbench.markdown_set import info_label, markdown_document  # noqa: E402
from peerbench.peer_labels import (  # noqa: E402
    GUESSLANG,
    HIGHLIGHTJS,
    MAGIKA,
    PYGMENTS,
    pygments_label,
    to_label,
)
from peerbench.records import (  # noqa: E402
    Document,
    Prediction,
    read_jsonl,
    write_jsonl,
)
from peerbench.report import overview, percent  # noqa: E402
from peerbench.rle import (  # noqa: E402
    decode_runs,
    encode_runs,
    runs_from_pieces,
)
from peerbench.scoring import (  # noqa: E402
    MAJORITY,
    Table,
    add_tool,
    majority_predictions,
)
from peerbench.splice_sets import capped, cut_lines, spliced  # noqa: E402
from peerbench.windows import plan_windows, vote  # noqa: E402

from charseg_server.contract import LABELS  # noqa: E402

# --- run-length encoding -------------------------------------------------------


def test_rle_encode_three_runs():
    runs = encode_runs(np.array([0, 0, 1, 1, 1, 0]), ("a", "b"))
    assert runs == [["a", 2], ["b", 3], ["a", 1]]


def test_rle_round_trip_and_empty():
    ids = np.array([2, 2, 0, 1, 1, 1, 1])
    labels = ("x", "y", "z")
    assert decode_runs(encode_runs(ids, labels), labels).tolist() == ids.tolist()
    assert encode_runs(np.array([], dtype=int), labels) == []
    assert decode_runs([], labels).size == 0


def test_rle_rejects_bad_runs():
    with pytest.raises(ValueError):
        decode_runs([["a", 0]], ("a",))
    with pytest.raises(KeyError):
        decode_runs([["nope", 1]], ("a",))


def test_runs_from_pieces_merges_and_skips_empty():
    pieces = [("ab", "x"), ("", "y"), ("c", "x"), ("dd", "y")]
    assert runs_from_pieces(pieces) == [["x", 3], ["y", 2]]


# --- windows and vote ----------------------------------------------------------


def test_plan_windows_moves_last_back():
    assert plan_windows(450, 200, 100) == [(0, 200), (100, 300), (200, 400), (250, 450)]


def test_plan_windows_short_and_exact():
    assert plan_windows(0, 200, 100) == []
    assert plan_windows(150, 200, 100) == [(0, 150)]
    assert plan_windows(200, 200, 100) == [(0, 200)]
    assert plan_windows(300, 200, 100) == [(0, 200), (100, 300)]


def test_vote_tie_goes_to_nearest_centre():
    # Centres are 99.5 and 199.5: characters up to 149 are nearer the first
    # window (149 is equidistant and the first window wins), the rest the second.
    winner = vote(300, [(0, 200), (100, 300)], [1, 2], 3)
    assert winner[:150].tolist() == [1] * 150
    assert winner[150:].tolist() == [2] * 150


def test_vote_majority_beats_nearest():
    winner = vote(6, [(0, 4), (1, 5), (2, 6)], [0, 0, 1], 2)
    assert winner.tolist() == [0, 0, 0, 0, 1, 1]


def test_vote_untied_nearest_ignored():
    # Character 10: labels 1 and 2 have two votes each. The nearest window
    # (centre 10) votes 0, which is not tied, so the lowest tied id wins.
    windows = [(0, 20), (0, 20), (0, 20), (0, 20), (9, 12)]
    winner = vote(20, windows, [2, 2, 1, 1, 0], 3)
    assert winner[10] == 1


def test_vote_rejects_gaps():
    with pytest.raises(ValueError):
        vote(10, [(0, 5)], [0], 2)


# --- guesslang as VS Code uses it ----------------------------------------------


def test_guesslang_adjusted_buckets():
    assert adjusted("py", 0.3) == pytest.approx(0.35)
    assert adjusted("java", 0.3) == pytest.approx(0.325)
    assert adjusted("sql", 0.6) == pytest.approx(0.1)
    assert adjusted("hs", 0.3) == pytest.approx(0.3)


def test_guesslang_clear_winner_accepted():
    assert vscode_language([("py", 0.5), ("js", 0.1)]) == "py"


def test_guesslang_close_runner_up_rejects_all():
    # py 0.35 and js 0.30 after correction: too close, and the walk ends
    # before any result trails by 0.2.
    assert vscode_language([("py", 0.3), ("js", 0.25)]) is None


def test_guesslang_low_confidence_rejected():
    assert vscode_language([]) is None
    assert vscode_language([("rb", 0.19), ("go", 0.01)]) is None
    assert vscode_language([("sql", 0.6), ("py", 0.1)]) is None


def test_guesslang_releases_pending_candidates():
    results = [("hs", 0.5), ("rb", 0.35), ("go", 0.1)]
    assert list(accepted(results)) == ["hs", "rb"]
    assert vscode_language(results) == "hs"


# --- label maps ----------------------------------------------------------------


@pytest.mark.parametrize("mapping", [PYGMENTS, HIGHLIGHTJS, MAGIKA, GUESSLANG])
def test_peer_maps_target_charseg_labels(mapping):
    assert set(mapping.values()) <= set(LABELS)


def test_to_label_missing_unknown_and_html():
    assert to_label(HIGHLIGHTJS, "xml") == "html"
    assert to_label(HIGHLIGHTJS, None) == "plaintext"
    assert to_label(MAGIKA, "pdf") == "other"
    assert to_label(GUESSLANG, "pm") == "perl"


def test_pygments_label_uses_first_known_alias():
    assert pygments_label(["splus", "s", "r"]) == "r"
    assert pygments_label(["numpy"]) == "python"
    assert pygments_label(["teratermmacro", "teraterm", "ttl"]) == "other"
    assert pygments_label(["console", "shell-session"]) == "other"


# --- Markdown truth ------------------------------------------------------------

_MARKDOWN = (
    "# Title\n\n```python\nx = 1\n```\ntext\n~~~~ {.rust,ignore}\nfn main() {}\n~~~~\n"
)


def test_markdown_strips_info_and_labels_bodies():
    text, runs = markdown_document(_MARKDOWN)
    assert text == "# Title\n\n```\nx = 1\n```\ntext\n~~~~\nfn main() {}\n~~~~\n"
    assert runs == [
        ["markdown", len("# Title\n\n```\n")],
        ["python", len("x = 1\n")],
        ["markdown", len("```\ntext\n~~~~\n")],
        ["rust", len("fn main() {}\n")],
        ["markdown", len("~~~~\n")],
    ]


def test_markdown_unclosed_fence_runs_to_end():
    text, runs = markdown_document("intro\n```go\nfunc f() {}\n")
    assert text == "intro\n```\nfunc f() {}\n"
    assert runs == [["markdown", 10], ["go", 12]]


def test_markdown_rejects_unlabelled_blocks():
    assert markdown_document("no fences here\n") is None
    assert markdown_document("```py\na\n```\n```\nb\n```\n") is None


def test_markdown_backtick_info_with_backtick_is_no_fence():
    assert markdown_document("``` a`b\ncode\n```\n") is None


@pytest.mark.parametrize(
    ("info", "label"),
    [
        ("Python", "python"),
        ("rust,ignore", "rust"),
        ("{eval-rst}", "other"),
        ("console", "other"),
        ("sh title=x", "shellscript"),
        ("text", "plaintext"),
    ],
)
def test_info_label(info, label):
    assert info_label(info) == label


# --- HTML truth ----------------------------------------------------------------


def test_html_labels_script_and_style_content():
    pieces = [
        ("<p>hi</p>\n<script>", "html"),
        ("\nvar a = 1;\n", "javascript"),
        ("</script>\n<STYLE>", "html"),
        ("p{}", "css"),
        ("</STYLE>\n<!-- <script>x</script> -->\n", "html"),
        ('<script type="application/ld+json">', "html"),
        ('{"a":1}', "json"),
        ('</script>\n<script src="x.js"></script>\n', "html"),
    ]
    page = "".join(text for text, _ in pieces)
    text, runs = html_document(page)
    assert text == page
    assert runs == runs_from_pieces(pieces)


def test_html_without_inline_code_is_rejected():
    assert html_document("<p>plain</p>\n") is None
    assert html_document('<script src="a.js"></script>\n') is None


def test_script_label_by_type():
    assert script_label("") == "javascript"
    assert script_label(" type=module") == "javascript"
    assert script_label(' type="text/template"') == "html"
    assert script_label(' type="text/x-unknown"') == "other"


# --- excerpts of long documents ------------------------------------------------


def test_excerpt_keeps_span_whole_with_context():
    text = "aaaa\n" * 10
    bounds = excerpt(text, [Span(10, 20, "x")], cap=30)
    assert bounds == (5, 35)


def test_excerpt_short_text_and_oversized_span():
    assert excerpt("ab\n", [Span(0, 2, "x")], cap=30) == (0, 3)
    text = "aaaa\n" * 10
    assert excerpt(text, [Span(0, 45, "x")], cap=30) is None


def test_embedded_runs_and_overlap():
    assert embedded_runs("abcdef", [Span(2, 4, "x")], "h") == [
        ["h", 2],
        ["x", 2],
        ["h", 2],
    ]
    with pytest.raises(ValueError):
        embedded_runs("abcdef", [Span(2, 4, "x"), Span(3, 5, "y")], "h")


# --- cutting single-language files ---------------------------------------------


def test_capped_cuts_after_newline():
    assert capped("ab\ncd\nef", cap=7) == "ab\ncd\n"
    assert capped("abcdefgh", cap=4) == "abcd"
    assert capped("short", cap=40) == "short"


def test_cut_lines_ends_with_newline():
    rng = np.random.default_rng(0)
    block = cut_lines(rng, "one\ntwo\nthree", 5)
    assert block.endswith("\n")
    assert block.rstrip("\n") in {"one\ntwo\nthree", "two\nthree", "three"}


def _tiny_corpus() -> dict[str, list[SourceFile]]:
    line = {"python": "x = 1  # py\n", "scala": "val x = 1 // scala\n"}
    return {
        label: [SourceFile(label, f"{label}.src", text * 40)]
        for label, text in line.items()
    }


def test_spliced_neighbours_differ_and_truth_covers_text():
    rng = np.random.default_rng(3)
    for by_lines in (False, True):
        text, runs = spliced(rng, _tiny_corpus(), by_lines)
        assert sum(length for _, length in runs) == len(text)
        labels = [label for label, _ in runs]
        assert all(a != b for a, b in zip(labels, labels[1:], strict=False))
        assert len(text) >= 800


def test_spliced_anywhere_runs_within_limits():
    rng = np.random.default_rng(5)
    _, runs = spliced(rng, _tiny_corpus(), by_lines=False)
    assert all(20 <= length <= 200 for _, length in runs)


def test_build_set_smaller_count_is_prefix():
    files = _tiny_corpus()
    small = build_set("spliced_python_scala", "test", files, 2, seed=7)
    large = build_set("spliced_python_scala", "test", files, 4, seed=7)
    assert [d.text for d in small] == [d.text for d in large[:2]]
    assert [d.id for d in large] == [
        f"test/spliced_python_scala/{i:04d}" for i in range(4)
    ]


def test_markdown_set_reads_full_text(tmp_path):
    page = "# Notes\n\nRun it:\n\n```python\nprint(1)\n```\n\nDone.\n"
    row = {"source": "docs", "path": "a.md", "text": "# Notes\n", "full_text": page}
    (tmp_path / "test").mkdir()
    (tmp_path / "test" / "markdown.jsonl").write_text(json.dumps(row) + "\n")
    files = load_split(tmp_path, "test", ("markdown",))
    assert files["markdown"][0].full_text == page
    (document,) = build_set("markdown_fences", "test", files, 1, seed=0)
    assert "print(1)" in document.text


def test_source_file_full_text_defaults_to_text():
    assert SourceFile("python", "p:a.py", "x = 1\n").full_text == "x = 1\n"


# --- records -------------------------------------------------------------------


def test_document_truth_must_cover_text():
    with pytest.raises(ValueError):
        Document("x", "test", "snippets", "abc", [["python", 2]])


def test_records_round_trip_lone_surrogate(tmp_path):
    text = "a\ud800b"
    document = Document("test/snippets/0000", "test", "snippets", text, [["c", 3]])
    write_jsonl(tmp_path / "d.jsonl", [document])
    (row,) = read_jsonl(tmp_path / "d.jsonl")
    assert Document(**row) == document


# --- scoring -------------------------------------------------------------------


def _documents() -> list[Document]:
    return [
        Document("test/spliced_all/0", "test", "spliced_all", "aaaabbbb",
                 [["python", 4], ["scala", 4]]),
        Document("test/snippets/0", "test", "snippets", "ccccc", [["go", 5]]),
    ]  # fmt: skip


def _predictions() -> list[Prediction]:
    return [
        Prediction("test/spliced_all/0", "whole", [["python", 8]], 0.004),
        Prediction(
            "test/spliced_all/0", "windows", [["python", 3], ["scala", 5]], 0.002
        ),
        Prediction("test/snippets/0", "whole", [["go", 5]], 0.001),
        Prediction("test/snippets/0", "windows", [["rust", 5]], 0.001),
    ]


def _table() -> Table:
    table = Table()
    add_tool(table, "t", _documents(), _predictions(), LABELS)
    return table


def test_scoring_whole_mode_on_mixed_document():
    result = _table().get("t, whole", "test", "spliced_all")
    assert result.scores.accuracy() == pytest.approx(0.5)
    assert result.scores.boundary_f1() == 0.0
    assert result.scores.latencies == [4]
    assert result.ms_per_1000_chars() == pytest.approx(500.0)


def test_scoring_windows_mode_on_mixed_document():
    result = _table().get("t, windows", "test", "spliced_all")
    assert result.scores.accuracy() == pytest.approx(7 / 8)
    assert result.scores.boundary_f1() == pytest.approx(1.0)
    assert result.scores.latencies == [0]
    assert result.scores.short_regions_per_10k() == pytest.approx(2_500.0)


def test_scoring_single_language_file_top1():
    table = _table()
    whole = table.get("t, whole", "test", "snippets").scores
    windows = table.get("t, windows", "test", "snippets").scores
    assert whole.file_accuracy() == 1.0
    assert windows.file_accuracy() == 0.0
    assert windows.accuracy() == 0.0


def test_scoring_variant_order_follows_modes():
    assert _table().variants == ["t, whole", "t, windows"]


def test_majority_baseline_breaks_ties_to_lowest_id():
    predictions = majority_predictions(_documents(), LABELS)
    assert predictions[0].pred == [["python", 8]]
    assert predictions[1].pred == [["go", 5]]
    table = Table()
    add_tool(table, MAJORITY, _documents(), predictions, LABELS)
    assert table.variants == [MAJORITY]
    assert table.get(MAJORITY, "test", "snippets").scores.accuracy() == 1.0


def test_scoring_rejects_missing_and_wrong_length():
    with pytest.raises(ValueError, match="no windows prediction"):
        add_tool(Table(), "t", _documents(), _predictions()[:3], LABELS)
    wrong = [Prediction("test/snippets/0", "whole", [["go", 4]], 0.0)]
    with pytest.raises(ValueError, match="4 labels"):
        add_tool(Table(), "t", _documents()[1:], wrong, LABELS)


def test_overview_rows():
    lines = overview(_table(), "test")
    assert lines[0] == "| tool | spliced_all | snippets | ms / 1k chars |"
    assert "| t, whole | 50.0 | 100.0 | 384.6 |" in lines
    assert "| t, windows | 87.5 | 0.0 | 230.8 |" in lines
    assert percent(None) == "–"
