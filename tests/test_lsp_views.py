"""Diagnostics, code actions, hover, hints and outline built from given regions.

These tests fix the regions instead of running the model, so they pin the exact
wording and edits. The end-to-end tests in tests/lsp run the real model.
"""

import dataclasses

from lsprotocol import types

from charseg_server.contract import LABELS
from charseg_server.lsp.analysis import Analysis, Snapshot, Status, snap_regions
from charseg_server.lsp.code_actions import (
    build_code_actions,
    owned_lines,
    sibling_uri,
    whole_lines,
)
from charseg_server.lsp.diagnostics import build_diagnostics
from charseg_server.lsp.hover import build_hover
from charseg_server.lsp.inlay_hints import build_inlay_hints
from charseg_server.lsp.outline import build_document_symbols, build_folding_ranges
from charseg_server.lsp.payload import regions_payload
from charseg_server.lsp.positions import UTF16, LineIndex
from charseg_server.lsp.settings import Settings
from charseg_server.regions import Region

PYTHON_SCALA = (
    'import os\nprint(os.name)\nobject Main extends App {\n  println("hi")\n}\nx = 1\n'
)
SCALA_START = PYTHON_SCALA.index("object")
SCALA_END = PYTHON_SCALA.index("x = 1")


def make_analysis(text, language_id, spans, uri="file:///w/doc.py", **settings):
    """Build an analysis of ``text`` from ``(end, label, confidence)`` spans."""
    regions = []
    start = 0
    for end, label, confidence in spans:
        regions.append(Region(start, end, label, confidence))
        start = end
    assert start == len(text)
    index = LineIndex(text)
    defaults = {"confidence_threshold": 0.6, "min_region": 10}
    return Analysis(
        snapshot=Snapshot(uri, 4, language_id, text),
        status=Status.OK,
        regions=snap_regions(regions, index),
        labels=LABELS,
        settings=dataclasses.replace(Settings(), **{**defaults, **settings}),
        encoding=UTF16,
        index=index,
    )


def python_with_scala(**settings):
    spans = [
        (SCALA_START, "python", 0.9),
        (SCALA_END, "scala", 0.97),
        (len(PYTHON_SCALA), "python", 0.8),
    ]
    return make_analysis(PYTHON_SCALA, "python", spans, **settings)


def code_action_params(analysis, start, end, diagnostics=(), only=None):
    return types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=analysis.uri),
        range=analysis.index.range(start, end, UTF16),
        context=types.CodeActionContext(diagnostics=list(diagnostics), only=only),
    )


def apply_edit(text, analysis, edits):
    spans = []
    for edit in edits:
        start = analysis.index.offset(edit.range.start, UTF16)
        end = analysis.index.offset(edit.range.end, UTF16)
        spans.append((start, end, edit.new_text))
    for start, end, new_text in sorted(spans, reverse=True):
        text = text[:start] + new_text + text[end:]
    return text


def test_foreign_region_gets_one_diagnostic():
    analysis = python_with_scala()
    (diagnostic,) = build_diagnostics(analysis)
    assert diagnostic.message == "Lines 3–5 look like Scala (97%) in a Python file"
    assert diagnostic.severity == types.DiagnosticSeverity.Information
    assert diagnostic.source == "charseg"
    assert diagnostic.code == "foreign-code"
    # The range ends after the closing brace, without the line break after it.
    assert diagnostic.range == analysis.index.range(SCALA_START, SCALA_END - 1, UTF16)


def test_severity_setting():
    (diagnostic,) = build_diagnostics(python_with_scala(diagnostic_severity="error"))
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert build_diagnostics(python_with_scala(diagnostic_severity="off")) == []


def test_thresholds_and_ignored_languages_suppress_diagnostics():
    assert build_diagnostics(python_with_scala(confidence_threshold=0.98)) == []
    assert build_diagnostics(python_with_scala(min_region=100)) == []
    assert build_diagnostics(python_with_scala(ignore_languages=("scala",))) == []


def test_prose_and_compatible_labels_are_not_foreign():
    text = "int main() { return 0; }\n// a long comment in plain words here\n"
    cut = text.index("//")
    spans = [(cut, "c", 0.9), (len(text), "plaintext", 0.9)]
    analysis = make_analysis(text, "cpp", spans, min_region=1)
    assert build_diagnostics(analysis) == []


def test_documents_without_known_language_get_no_diagnostics():
    spans = [(SCALA_START, "python", 0.9), (len(PYTHON_SCALA), "scala", 0.97)]
    for language_id in ("plaintext", "toml", ""):
        analysis = make_analysis(PYTHON_SCALA, language_id, spans)
        assert build_diagnostics(analysis) == []


def test_single_line_wording():
    text = "x = 1\nval y: Int = 2\nz = 3\n"
    first, second = text.index("val"), text.index("z =")
    spans = [(first, "python", 0.9), (second, "scala", 0.7), (len(text), "python", 0.9)]
    analysis = make_analysis(text, "python", spans)
    (diagnostic,) = build_diagnostics(analysis)
    assert diagnostic.message == "Line 2 looks like Scala (70%) in a Python file"


def test_line_names_skip_edge_whitespace():
    # The SQL region starts with the line break of the Python line above it and
    # ends with a blank line: messages, symbols and folds name lines 3-4 only.
    text = "def f():\n    return q\nSELECT a\nFROM t;\n\nx = 1\n"
    sql_start, python_start = text.index("\nSELECT"), text.index("x = 1")
    spans = [
        (sql_start, "python", 0.9),
        (python_start, "sql", 0.8),
        (len(text), "python", 0.9),
    ]
    analysis = make_analysis(text, "python", spans)
    assert text[analysis.regions[1].start] == "\n"
    (diagnostic,) = build_diagnostics(analysis)
    assert diagnostic.message == "Lines 3–4 look like SQL (80%) in a Python file"
    symbols = build_document_symbols(analysis, hierarchical=True)
    assert symbols[1].detail == "80%, Lines 3–4"
    folds = [(f.start_line, f.end_line) for f in build_folding_ranges(analysis)]
    assert folds == [(0, 1), (2, 3)]


SQL_IN_PYTHON = "def f():\n    return q\n  SELECT a\nFROM t;  \n\nx = 1\n"


def python_with_sql():
    # The SQL region starts with the line break of the Python line above it and
    # ends with a blank line, as the model's regions often do.
    text = SQL_IN_PYTHON
    spans = [
        (text.index("\n  SELECT"), "python", 0.9),
        (text.index("x = 1"), "sql", 0.8),
        (len(text), "python", 0.9),
    ]
    return make_analysis(text, "python", spans)


def test_foreign_range_skips_edge_whitespace():
    analysis = python_with_sql()
    (diagnostic,) = build_diagnostics(analysis)
    start = analysis.index.offset(diagnostic.range.start, UTF16)
    end = analysis.index.offset(diagnostic.range.end, UTF16)
    assert SQL_IN_PYTHON[start:end] == "SELECT a\nFROM t;"
    visible = types.Range(
        start=types.Position(line=0, character=0),
        end=types.Position(line=9, character=0),
    )
    (hint,) = build_inlay_hints(analysis, visible)
    assert (hint.position.line, hint.position.character) == (2, 2)


def test_move_takes_whole_code_lines():
    analysis = python_with_sql()
    start = SQL_IN_PYTHON.index("SELECT")
    params = code_action_params(analysis, start, start)
    (move,) = build_code_actions(analysis, params, True, lambda uri: False)
    assert move.title == "Move SQL lines 3–4 to doc-lines-3-4.sql"
    _, insert, delete = move.edit.document_changes
    assert insert.edits[0].new_text == "  SELECT a\nFROM t;  \n"
    remaining = apply_edit(SQL_IN_PYTHON, analysis, delete.edits)
    assert remaining == "def f():\n    return q\n\nx = 1\n"
    # A cursor on the blank line after the code gets no action.
    blank = SQL_IN_PYTHON.index("\n\nx") + 1
    params = code_action_params(analysis, blank, blank)
    assert build_code_actions(analysis, params, True, lambda uri: False) == []


def test_blank_foreign_region_unreported():
    text = "x = 1\n" + " " * 20 + "\ny = 2\n"
    blank_start, blank_end = text.index(" "), text.index("y")
    spans = [
        (blank_start, "python", 0.9),
        (blank_end, "sql", 0.9),
        (len(text), "python", 0.9),
    ]
    assert build_diagnostics(make_analysis(text, "python", spans)) == []


def test_whole_lines_keeps_shared_edges():
    text = "a = 1; SELECT b\r\n  FROM t \r\nrest"
    start, end = text.index("SELECT"), text.index("t \r") + 1
    assert whole_lines(text, start, end) == (start, text.index("rest"))
    start = text.index("FROM")
    assert whole_lines(text, start, end) == (text.index("  FROM"), text.index("rest"))
    assert whole_lines("x", 0, 1) == (0, 1)
    assert whole_lines("ab cd", 3, 5) == (3, 5)
    assert whole_lines("ab cd", 0, 2) == (0, 2)
    # Whitespace other than line breaks counts as blank.
    assert whole_lines("x\n\xa0SELECT a\f\ny", 3, 11) == (2, 13)


def test_owned_lines_needs_both_edges():
    # Code that shares its first or last line keeps both edges.
    text = "x = 1; SELECT a\ny = 2\n"
    start, end = text.index("SELECT"), text.index("\ny")
    assert owned_lines(text, start, end) == (start, end)
    text = "def f():\n    SELECT 1; return 2\n"
    start, end = text.index("SELECT"), text.index(" return")
    assert owned_lines(text, start, end) == (start, end)
    text = "x = 1\n\tSELECT a  \r\ny = 2"
    start, end = text.index("SELECT"), text.index("a  ") + 1
    assert owned_lines(text, start, end) == (text.index("\t"), text.index("y"))


def test_move_keeps_shared_lines_intact():
    text = "x = 1; SELECT a\ny = 2\n"
    spans = [(7, "python", 0.9), (16, "sql", 0.9), (len(text), "python", 0.9)]
    analysis = make_analysis(text, "python", spans, min_region=1)
    params = code_action_params(analysis, 7, 7)
    (move,) = build_code_actions(analysis, params, True, lambda uri: False)
    _, insert, delete = move.edit.document_changes
    assert insert.edits[0].new_text == "SELECT a\n"
    assert apply_edit(text, analysis, delete.edits) == "x = 1; \ny = 2\n"


def test_whitespace_region_keeps_lines():
    text = "x = 1\n\n\n\ny = 2\n"
    blank, after = text.index("\n\n") + 1, text.index("y")
    spans = [
        (blank, "python", 0.9),
        (after, "plaintext", 0.5),
        (len(text), "python", 0.9),
    ]
    analysis = make_analysis(text, "python", spans)
    region = analysis.regions[1]
    assert analysis.line_extent(region.start, region.end) == (1, 3)


MARKDOWN = (
    "# Notes\n"
    "\n"
    "```\n"
    "import os\n"
    "print(os.getcwd())\n"
    "```\n"
    "\n"
    "```sql\n"
    "object Main extends App { println(1) }\n"
    "```\n"
    "def loose():\n"
    "    return 42\n"
)


def markdown_analysis(**settings):
    fence1 = MARKDOWN.index("```\nimport")
    fence1_end = MARKDOWN.index("```\n\n```sql") + 4
    code2 = MARKDOWN.index("object")
    after2 = MARKDOWN.index("```\ndef") + 4
    spans = [
        (fence1 + 4, "markdown", 0.9),
        (fence1_end, "python", 0.95),
        (code2, "markdown", 0.9),
        (after2, "scala", 0.9),
        (len(MARKDOWN), "python", 0.9),
    ]
    return make_analysis(
        MARKDOWN, "markdown", spans, uri="file:///w/notes.md", **settings
    )


def test_markdown_diagnostics():
    analysis = markdown_analysis()
    messages = [(d.code, d.message, d.severity) for d in build_diagnostics(analysis)]
    assert messages == [
        (
            "unlabelled-fence",
            "Code block has no language, but its code looks like Python (95%)",
            types.DiagnosticSeverity.Information,
        ),
        (
            "fence-language-mismatch",
            "Code block is labelled 'sql', but its code looks like Scala (90%)",
            types.DiagnosticSeverity.Hint,
        ),
        (
            "foreign-code",
            "Lines 11–12 look like Python (90%) outside a code block",
            types.DiagnosticSeverity.Information,
        ),
    ]


def test_label_fence_quick_fix():
    analysis = markdown_analysis()
    diagnostics = build_diagnostics(analysis)
    fence = MARKDOWN.index("```\nimport")
    params = code_action_params(analysis, fence, fence, diagnostics)
    actions = build_code_actions(analysis, params, True, lambda uri: False)
    (action,) = [a for a in actions if a.kind == types.CodeActionKind.QuickFix]
    assert action.title == "Label code block as python"
    assert action.diagnostics == [diagnostics[0]]
    (change,) = action.edit.document_changes
    assert change.text_document.version == 4
    fixed = apply_edit(MARKDOWN, analysis, change.edits)
    assert fixed == MARKDOWN.replace("```\nimport", "```python\nimport")


def test_relabel_fence_quick_fix():
    analysis = markdown_analysis()
    fence = MARKDOWN.index("```sql")
    params = code_action_params(analysis, fence, fence, build_diagnostics(analysis))
    (action,) = build_code_actions(analysis, params, True, lambda uri: False)
    assert action.title == "Change code block language to scala"
    assert action.diagnostics[0].code == "fence-language-mismatch"
    fixed = apply_edit(MARKDOWN, analysis, action.edit.document_changes[0].edits)
    assert fixed == MARKDOWN.replace("```sql", "```scala")


def test_wrap_foreign_code_in_fence():
    analysis = markdown_analysis()
    start = MARKDOWN.index("def loose")
    params = code_action_params(analysis, start, start)
    actions = build_code_actions(analysis, params, True, lambda uri: False)
    (wrap,) = [a for a in actions if a.kind == types.CodeActionKind.RefactorRewrite]
    assert wrap.title == "Wrap lines 11–12 in a code block labelled python"
    wrapped = apply_edit(MARKDOWN, analysis, wrap.edit.document_changes[0].edits)
    assert wrapped == MARKDOWN.replace(
        "def loose():\n    return 42\n", "```python\ndef loose():\n    return 42\n```\n"
    )


def test_wrap_mid_line_code_with_backticks_and_crlf():
    text = "See this: x = `a`\r\ny = ```b```\r\nend"
    start = text.index("x =")
    end = text.index("end")
    spans = [(start, "markdown", 0.9), (end, "python", 0.9), (len(text), "markdown", 1)]
    analysis = make_analysis(text, "markdown", spans, uri="file:///w/a.md")
    params = code_action_params(analysis, start, start)
    actions = build_code_actions(analysis, params, False, lambda uri: False)
    (wrap,) = actions
    wrapped = apply_edit(text, analysis, wrap.edit.document_changes[0].edits)
    assert wrapped == (
        "See this: \r\n````python\r\nx = `a`\r\ny = ```b```\r\n````\r\nend"
    )


def test_move_foreign_code_to_new_file():
    analysis = python_with_scala()
    params = code_action_params(analysis, SCALA_START, SCALA_START)
    existing_uris = {"file:///w/doc-lines-3-5.scala"}
    (move,) = build_code_actions(analysis, params, True, existing_uris.__contains__)
    assert move.kind == types.CodeActionKind.RefactorMove
    assert move.title == "Move Scala lines 3–5 to doc-lines-3-5-2.scala"
    create, insert, delete = move.edit.document_changes
    assert create.uri == "file:///w/doc-lines-3-5-2.scala"
    assert create.options.overwrite is False
    assert insert.text_document.uri == create.uri
    assert insert.edits[0].new_text == PYTHON_SCALA[SCALA_START:SCALA_END]
    assert delete.text_document.uri == analysis.uri
    assert delete.text_document.version == 4
    remaining = apply_edit(PYTHON_SCALA, analysis, delete.edits)
    assert remaining == PYTHON_SCALA[:SCALA_START] + PYTHON_SCALA[SCALA_END:]


def test_move_needs_file_creation_support_and_a_folder():
    analysis = python_with_scala()
    params = code_action_params(analysis, SCALA_START, SCALA_START)
    assert build_code_actions(analysis, params, False, lambda uri: False) == []
    assert sibling_uri("untitled:Untitled-1", "x", ".py", lambda uri: False) is None


def test_sibling_uri_quotes_names():
    uri = sibling_uri("file:///w/my%20notes.md", "lines-1-2", ".py", lambda u: False)
    assert uri == "file:///w/my%20notes-lines-1-2.py"


def test_sibling_uri_drops_query_and_fragment():
    uri = sibling_uri("file:///w/x.py?q=1#frag", "lines-1-2", ".sql", lambda u: False)
    assert uri == "file:///w/x-lines-1-2.sql"


def test_code_action_kind_filter():
    analysis = markdown_analysis()
    start = MARKDOWN.index("def loose")
    only = [types.CodeActionKind.Refactor]
    params = code_action_params(analysis, start, start, only=only)
    kinds = {
        a.kind for a in build_code_actions(analysis, params, True, lambda u: False)
    }
    assert kinds == {
        types.CodeActionKind.RefactorRewrite,
        types.CodeActionKind.RefactorMove,
    }


def test_hover_describes_region():
    analysis = python_with_scala()
    hover = build_hover(analysis, analysis.index.position(SCALA_START + 3, UTF16), True)
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert "**Scala** (97% confidence), lines 3–5" in hover.contents.value
    assert hover.range == analysis.index.range(SCALA_START, SCALA_END, UTF16)
    plain = build_hover(analysis, types.Position(line=0, character=0), False)
    assert plain.contents.kind == types.MarkupKind.PlainText
    assert plain.contents.value.startswith("Python (90% confidence), lines 1–2")


def test_hover_below_last_line_is_empty():
    analysis = python_with_scala()
    last = analysis.index.line_count - 1
    assert build_hover(analysis, types.Position(line=last, character=0), True)
    assert (
        build_hover(analysis, types.Position(line=last + 1, character=0), True) is None
    )


def test_inlay_hint_modes():
    visible = types.Range(
        start=types.Position(line=0, character=0),
        end=types.Position(line=99, character=0),
    )
    foreign = build_inlay_hints(python_with_scala(), visible)
    assert [(h.label, h.position.line) for h in foreign] == [("Scala", 2)]
    every = build_inlay_hints(python_with_scala(inlay_hints="all"), visible)
    assert [h.label for h in every] == ["Python", "Scala", "Python"]
    assert build_inlay_hints(python_with_scala(inlay_hints="off"), visible) == []
    first_line = types.Range(
        start=visible.start, end=types.Position(line=1, character=0)
    )
    assert (
        build_inlay_hints(python_with_scala(inlay_hints="all"), first_line)[0].label
        == "Python"
    )
    assert len(build_inlay_hints(python_with_scala(inlay_hints="all"), first_line)) == 1


def test_symbols_and_folding():
    analysis = python_with_scala()
    symbols = build_document_symbols(analysis, hierarchical=True)
    assert [s.name for s in symbols] == ["Python", "Scala", "Python"]
    assert symbols[1].detail == "97%, Lines 3–5"
    assert symbols[1].range == analysis.index.range(SCALA_START, SCALA_END, UTF16)
    flat = build_document_symbols(analysis, hierarchical=False)
    assert flat[1].location.uri == analysis.uri
    folds = [(f.start_line, f.end_line) for f in build_folding_ranges(analysis)]
    assert folds == [(0, 1), (2, 4)]


def test_payload_converts_every_region():
    text = "a😀\r\nb"
    spans = [(3, "python", 0.5), (len(text), "scala", 0.25)]
    analysis = make_analysis(text, "python", spans)
    payload = regions_payload(analysis)
    assert payload["version"] == 4
    assert payload["status"] == "ok"
    ranges = [
        (r["range"]["start"], r["range"]["end"], r["languageId"])
        for r in payload["regions"]
    ]
    # the boundary at offset 3 sits between CR and LF and moves to line 1
    assert ranges == [
        ({"line": 0, "character": 0}, {"line": 1, "character": 0}, "python"),
        ({"line": 1, "character": 0}, {"line": 1, "character": 1}, "scala"),
    ]
