"""End to end over stdio: hover, inlay hints, symbols, folding, code actions, settings.

Expectations are computed from the regions the server published, so the tests hold
for any model.
"""

import pytest
from lsp_harness import (
    MARKDOWN_TEXT,
    MIXED_FILE,
    REPORT_EVERYTHING,
    apply_text_edits,
    lsp_session,
    offset_of,
)
from lsprotocol import types

from charseg_server.lsp.code_actions import owned_lines, whole_lines
from charseg_server.lsp.languages import display_name, fence_name

PY_URI = "file:///workspace/mixed.py"
MD_URI = "file:///workspace/notes.md"


def text_document(uri):
    return types.TextDocumentIdentifier(uri=uri)


def whole_range(text):
    lines = text.splitlines()
    return types.Range(
        start=types.Position(line=0, character=0),
        end=types.Position(line=len(lines) + 1, character=0),
    )


def to_range(data):
    return types.Range(
        start=types.Position(**data["range"]["start"]),
        end=types.Position(**data["range"]["end"]),
    )


def content_lines(text, region):
    """The lines of the first and last character of a region that is not whitespace."""
    start = offset_of(text, region["range"]["start"], "utf-16")
    end = offset_of(text, region["range"]["end"], "utf-16")
    span = text[start:end]
    first = start + len(span) - len(span.lstrip())
    last = start + len(span.rstrip()) - 1
    return text.count("\n", 0, first), text.count("\n", 0, last)


async def test_hover_names_region_under_cursor():
    text = MIXED_FILE.read_text()
    async with lsp_session() as session:
        session.open(PY_URI, text, "python")
        payload = await session.wait_regions(PY_URI, 1)
        region = payload["regions"][0]
        hover = await session.client.text_document_hover_async(
            types.HoverParams(
                text_document=text_document(PY_URI),
                position=types.Position(line=0, character=1),
            )
        )
    assert hover.range == to_range(region)
    assert display_name(region["languageId"]) in hover.contents.value
    assert f"{round(region['confidence'] * 100)}% confidence" in hover.contents.value


async def test_inlay_hints_follow_mode():
    options = {**REPORT_EVERYTHING, "inlayHints": "all"}
    async with lsp_session(initialization_options=options) as session:
        session.open(MD_URI, MARKDOWN_TEXT, "markdown")
        payload = await session.wait_regions(MD_URI, 1)
        params = types.InlayHintParams(
            text_document=text_document(MD_URI), range=whole_range(MARKDOWN_TEXT)
        )
        every = await session.client.text_document_inlay_hint_async(params)
        session.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(
                settings={"charseg": {**REPORT_EVERYTHING, "inlayHints": "foreign"}}
            )
        )
        await session.wait_for(
            lambda: len(session.regions(MD_URI)) >= 2, what="a re-analysis"
        )
        diagnostics = await session.wait_diagnostics(MD_URI, 1)
        foreign = await session.client.text_document_inlay_hint_async(params)
        session.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(
                settings={"charseg": {"inlayHints": "off"}}
            )
        )
        await session.wait_for(
            lambda: len(session.regions(MD_URI)) >= 3, what="a re-analysis"
        )
        off = await session.client.text_document_inlay_hint_async(params)
        refreshes = [
            method
            for method, _ in session.notifications
            if method == types.WORKSPACE_INLAY_HINT_REFRESH
        ]
    assert [h.position for h in every] == [
        to_range(r).start for r in payload["regions"]
    ]
    assert [h.label for h in every] == [
        display_name(r["languageId"]) for r in payload["regions"]
    ]
    foreign_starts = [d.range.start for d in diagnostics if d.code == "foreign-code"]
    assert [h.position for h in foreign] == foreign_starts
    assert list(off) == []
    assert len(refreshes) == 2


async def test_symbols_and_folding_list_regions():
    text = MIXED_FILE.read_text()
    async with lsp_session() as session:
        session.open(PY_URI, text, "python")
        payload = await session.wait_regions(PY_URI, 1)
        symbols = await session.client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=text_document(PY_URI))
        )
        folding = await session.client.text_document_folding_range_async(
            types.FoldingRangeParams(text_document=text_document(PY_URI))
        )
    regions = payload["regions"]
    assert [s.name for s in symbols] == [display_name(r["languageId"]) for r in regions]
    assert [s.range for s in symbols] == [to_range(r) for r in regions]
    # Folds start at a region's first line of code, not at the line break of the
    # line before it, which regions often begin with.
    expected_folds = [
        (first, last)
        for first, last in (content_lines(text, region) for region in regions)
        if last > first
    ]
    assert [(f.start_line, f.end_line) for f in folding] == expected_folds


async def test_label_fence_quick_fix_applies():
    async with lsp_session(initialization_options=REPORT_EVERYTHING) as session:
        session.open(MD_URI, MARKDOWN_TEXT, "markdown")
        diagnostics = await session.wait_diagnostics(MD_URI, 1)
        unlabelled = [d for d in diagnostics if d.code == "unlabelled-fence"]
        assert len(unlabelled) == 1, "the fence at line 5 has no info string"
        actions = await session.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=text_document(MD_URI),
                range=unlabelled[0].range,
                context=types.CodeActionContext(diagnostics=unlabelled),
            )
        )
        (fix,) = [a for a in actions if a.kind == types.CodeActionKind.QuickFix]
        assert list(fix.diagnostics) == unlabelled
        (change,) = fix.edit.document_changes
        assert change.text_document.version == 1
        fixed = apply_text_edits(MARKDOWN_TEXT, change.edits, "utf-16")
        name = fix.title.removeprefix("Label code block as ")
        edit = change.edits[0]
        start = offset_of(MARKDOWN_TEXT, edit.range.start, "utf-16")
        version = session.replace(MD_URI, start, start, edit.new_text)
        after = await session.wait_diagnostics(MD_URI, version)
    assert fence_name(unlabelled[0].data["label"]) == name
    assert fixed == MARKDOWN_TEXT.replace("```\nimport", f"```{name}\nimport")
    assert session.texts[MD_URI] == fixed
    assert not [d for d in after if d.code == "unlabelled-fence"]


async def test_move_and_wrap_foreign_code():
    async with lsp_session(initialization_options=REPORT_EVERYTHING) as session:
        session.open(MD_URI, MARKDOWN_TEXT, "markdown")
        diagnostics = await session.wait_diagnostics(MD_URI, 1)
        foreign = [d for d in diagnostics if d.code == "foreign-code"]
        assert foreign, "the model labelled no text outside fences as code"
        target = foreign[-1]
        actions = await session.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=text_document(MD_URI),
                range=types.Range(start=target.range.start, end=target.range.start),
                context=types.CodeActionContext(diagnostics=[]),
            )
        )
    start = offset_of(MARKDOWN_TEXT, target.range.start, "utf-16")
    end = offset_of(MARKDOWN_TEXT, target.range.end, "utf-16")
    code = MARKDOWN_TEXT[start:end]
    # The diagnostic covers the code, not the whitespace at the region's edges.
    assert code == code.strip()
    # The move takes whole lines only where the code has them to itself, and
    # the wrap widens each edge that has no other text on its line.
    moved_first, moved_last = owned_lines(MARKDOWN_TEXT, start, end)
    moved = MARKDOWN_TEXT[moved_first:moved_last]
    first, last = whole_lines(MARKDOWN_TEXT, start, end)
    lines = MARKDOWN_TEXT[first:last]
    by_kind = {a.kind: a for a in actions}

    move = by_kind[types.CodeActionKind.RefactorMove]
    create, insert, delete = move.edit.document_changes
    assert isinstance(create, types.CreateFile)
    assert create.uri.startswith("file:///workspace/notes-lines-")
    assert insert.text_document.uri == create.uri
    new_file = apply_text_edits("", insert.edits, "utf-16")
    assert new_file.rstrip("\n") == moved.rstrip("\n")
    assert new_file.strip() == code
    assert delete.text_document.version == 1
    remaining = apply_text_edits(MARKDOWN_TEXT, delete.edits, "utf-16")
    assert remaining == MARKDOWN_TEXT[:moved_first] + MARKDOWN_TEXT[moved_last:]

    wrap = by_kind[types.CodeActionKind.RefactorRewrite]
    wrapped = apply_text_edits(
        MARKDOWN_TEXT, wrap.edit.document_changes[0].edits, "utf-16"
    )
    label = target.data["label"]
    assert wrapped[:first] == MARKDOWN_TEXT[:first]
    assert f"```{fence_name(label)}\n{lines}" in wrapped[first:]
    assert wrapped.endswith(MARKDOWN_TEXT[last:])


async def test_configuration_pull():
    pulled = {**REPORT_EVERYTHING, "diagnosticSeverity": "warning"}
    async with lsp_session(configuration=pulled) as session:
        session.open(MD_URI, MARKDOWN_TEXT, "markdown")
        first = await session.wait_diagnostics(MD_URI, 1)
        session.client.set_configuration(
            {**REPORT_EVERYTHING, "diagnosticSeverity": "off"}, section="charseg"
        )
        session.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings=None)
        )
        await session.wait_for(
            lambda: len(session.diagnostics(MD_URI)) >= 2, what="new diagnostics"
        )
        second = session.diagnostics(MD_URI)[-1]
    assert first, "threshold 0 reports the fences of the Markdown text"
    assert {d.severity for d in first} <= {
        types.DiagnosticSeverity.Warning,
        types.DiagnosticSeverity.Hint,
    }
    assert types.DiagnosticSeverity.Warning in {d.severity for d in first}
    assert second.version == 1
    assert list(second.diagnostics) == []


async def test_configuration_change_not_an_object():
    pulled = {**REPORT_EVERYTHING, "diagnosticSeverity": "warning"}
    async with lsp_session(configuration=pulled) as session:
        session.open(MD_URI, MARKDOWN_TEXT, "markdown")
        await session.wait_diagnostics(MD_URI, 1)
        session.client.set_configuration(
            {**REPORT_EVERYTHING, "diagnosticSeverity": "off"}, section="charseg"
        )
        session.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings=5)
        )
        await session.wait_for(
            lambda: len(session.diagnostics(MD_URI)) >= 2, what="new diagnostics"
        )
        second = session.diagnostics(MD_URI)[-1]
        log = session.log_text()
    assert "didChangeConfiguration settings is a number, not an object" in log
    assert "pulling the settings from the client" in log
    assert list(second.diagnostics) == [], "the pulled settings apply"


async def test_invalid_settings_are_named_in_warnings():
    options = {
        "debounceMs": "fast",
        "inlayHint": "all",
        "minRegion": 0,
        "ignoreLanguages": ["sql", "klingon"],
    }
    async with lsp_session(initialization_options=options) as session:
        session.open(PY_URI, MIXED_FILE.read_text(), "python")
        await session.wait_regions(PY_URI, 1)
        session.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"charseg": {"minRegion": 30}})
        )
        await session.wait_for(
            lambda: "'minRegion': 30" in session.log_text(), what="the new settings"
        )
        log = session.log_text()
    assert "invalid value 'fast' for setting charseg.debounceMs" in log
    assert "unknown setting charseg.inlayHint is ignored" in log
    assert "invalid value 0 for setting charseg.minRegion" in log
    assert "'klingon' is not a language the model labels" in log
    assert "'sql' is not" not in log
    # initializationOptions are checked once, not again on each settings change.
    assert log.count("invalid value 'fast'") == 1
    assert log.count("'klingon' is not") == 1


@pytest.mark.parametrize("options", ["fast", 5, [1], {"charseg": [1]}])
async def test_non_object_initialization_options_warn(options):
    async with lsp_session(initialization_options=options) as session:
        session.open(PY_URI, MIXED_FILE.read_text(), "python")
        await session.wait_regions(PY_URI, 1)
        log = session.log_text()
    assert "initializationOptions" in log
    assert "not an object, so it is ignored" in log


async def test_model_path_change_reloads_model(tmp_path):
    missing = tmp_path / "missing.onnx"
    async with lsp_session() as session:
        session.open(PY_URI, MIXED_FILE.read_text(), "python")
        await session.wait_regions(PY_URI, 1)
        session.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(
                settings={"charseg": {"modelPath": str(missing)}}
            )
        )
        without_model = await session.wait_for(
            lambda: [p for p in session.regions(PY_URI) if p["status"] == "noModel"],
            what="a result without model",
        )
        errors = [
            m for m in session.shown_messages() if m.type == types.MessageType.Error
        ]
        session.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(
                settings={"charseg": {"modelPath": None}}
            )
        )
        restored = await session.wait_for(
            lambda: (
                session.regions(PY_URI)[-1]["status"] == "ok"
                and session.regions(PY_URI)[-1]
            ),
            what="a result with the bundled model",
        )
    assert without_model[0]["regions"] == []
    assert len(errors) == 1
    assert str(missing) in errors[0].message
    assert restored["regions"]
