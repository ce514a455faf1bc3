"""End to end over stdio: regions and diagnostics follow the document's versions.

These tests hold for any model: they compare what the server publishes with the
text and with the server's own regions, never with the true languages.
"""

import asyncio

import pytest
from lsp_harness import (
    MARKDOWN_TEXT,
    MIXED_FILE,
    REPORT_EVERYTHING,
    assert_tiles,
    end_position,
    lsp_session,
    offset_of,
    region_offsets,
)
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from charseg_server.contract import LABELS
from charseg_server.lsp.languages import PROSE_LABELS, display_name

PY_URI = "file:///workspace/mixed.py"
MD_URI = "file:///workspace/notes.md"


async def test_open_publishes_regions_and_diagnostics():
    text = MIXED_FILE.read_text()
    async with lsp_session() as session:
        session.open(PY_URI, text, "python")
        payload = await session.wait_regions(PY_URI, 1)
        await session.wait_diagnostics(PY_URI, 1)
    assert payload["uri"] == PY_URI
    assert payload["status"] == "ok"
    assert_tiles(text, payload)
    assert payload["regions"][-1]["range"]["end"] == end_position(text, "utf-16")
    for region in payload["regions"]:
        assert region["languageId"] in LABELS
        assert 0 <= region["confidence"] <= 1


async def test_every_foreign_region_gets_a_diagnostic():
    text = MIXED_FILE.read_text()
    async with lsp_session(initialization_options=REPORT_EVERYTHING) as session:
        session.open(PY_URI, text, "python")
        payload = await session.wait_regions(PY_URI, 1)
        diagnostics = await session.wait_diagnostics(PY_URI, 1)
    spans = region_offsets(text, payload, "utf-16")
    foreign = [
        (region, span)
        for region, span in zip(payload["regions"], spans, strict=True)
        if region["languageId"] != "python"
        and region["languageId"] not in PROSE_LABELS
        and text[span[0] : span[1]].strip()
    ]
    assert len(diagnostics) == len(foreign)
    for (region, (start, end)), diagnostic in zip(foreign, diagnostics, strict=True):
        # The diagnostic covers the region's code without its edge whitespace.
        first = offset_of(text, diagnostic.range.start, "utf-16")
        last = offset_of(text, diagnostic.range.end, "utf-16")
        assert text[first:last] == text[start:end].strip()
        assert start <= first < last <= end
        assert display_name(region["languageId"]) in diagnostic.message
        assert diagnostic.message.endswith("in a Python file")
        assert diagnostic.severity == types.DiagnosticSeverity.Information
        assert diagnostic.source == "charseg"


async def test_markdown_code_outside_fences_is_reported():
    async with lsp_session(initialization_options=REPORT_EVERYTHING) as session:
        session.open(MD_URI, MARKDOWN_TEXT, "markdown")
        payload = await session.wait_regions(MD_URI, 1)
        diagnostics = await session.wait_diagnostics(MD_URI, 1)
    assert_tiles(MARKDOWN_TEXT, payload)
    fence_lines = {4, 5, 6, 7, 8, 15, 16, 17}
    for diagnostic in diagnostics:
        if diagnostic.code == "foreign-code":
            assert diagnostic.message.endswith("outside a code block")
            lines = range(diagnostic.range.start.line, diagnostic.range.end.line)
            assert not fence_lines & set(lines)
        else:
            assert diagnostic.code in {"unlabelled-fence", "fence-language-mismatch"}
            assert diagnostic.range.start.line in {4, 15}


async def test_edit_publishes_newer_version():
    text = MIXED_FILE.read_text()
    async with lsp_session() as session:
        session.open(PY_URI, text, "python")
        await session.wait_regions(PY_URI, 1)
        cut = text.index("object")
        version = session.replace(PY_URI, cut, cut, "val answer = 42\r\n")
        payload = await session.wait_regions(PY_URI, version)
        diagnostics = await session.wait_diagnostics(PY_URI, version)
        versions = [p["version"] for p in session.regions(PY_URI)]
    assert version == 2
    assert_tiles(session.texts[PY_URI], payload)
    assert versions == sorted(versions)
    assert isinstance(diagnostics, list)


async def test_decreasing_version_is_logged():
    text = MIXED_FILE.read_text()
    async with lsp_session() as session:
        session.open(PY_URI, text, "python", version=5)
        await session.wait_regions(PY_URI, 5)
        session.versions[PY_URI] = 1
        version = session.replace(PY_URI, 0, 0, "# header\n")
        payload = await session.wait_regions(PY_URI, version)
        log = session.log_text()
    assert version == 2
    assert_tiles(session.texts[PY_URI], payload)
    assert "went from version 5 to 2" in log


async def test_edit_storm_publishes_only_the_latest_version():
    text = MIXED_FILE.read_text()
    async with lsp_session(initialization_options={"debounceMs": 300}) as session:
        session.open(PY_URI, text, "python")
        await session.wait_regions(PY_URI, 1)
        for step in range(300):
            offset = (step * 7919) % len(session.texts[PY_URI])
            session.replace(PY_URI, offset, offset, "xy"[step % 2])
        final_version = session.versions[PY_URI]
        final = await session.wait_regions(PY_URI, final_version)
        await asyncio.sleep(1)
        published = [p["version"] for p in session.regions(PY_URI)]
        diagnostics_versions = [d.version for d in session.diagnostics(PY_URI)]

        fresh_uri = "file:///workspace/fresh.py"
        session.open(fresh_uri, session.texts[PY_URI], "python")
        fresh = await session.wait_regions(fresh_uri, 1)
    assert final_version == 301
    assert published == sorted(published)
    assert published[-1] == final_version
    assert len(published) < 30, f"{len(published)} versions published during a storm"
    assert diagnostics_versions == sorted(diagnostics_versions)
    assert_tiles(session.texts[PY_URI], final)
    assert final["regions"] == fresh["regions"]


async def test_close_mid_inference_publishes_nothing_more():
    big_uri = "file:///workspace/big.py"
    # unique lines, so that the engine cannot reuse the result of a repeated window
    mixed = MIXED_FILE.read_text()
    big_text = "".join(f"# part {i}\n{mixed}" for i in range(20))
    small_uri = "file:///workspace/small.md"

    async with lsp_session(server_args=("--log-level", "debug")) as session:
        session.open(big_uri, big_text, "python")
        await session.wait_for(
            lambda: f"analysing {big_uri} version 1" in session.log_text(),
            what="the analysis to start",
        )
        session.close(big_uri)
        session.open(small_uri, MARKDOWN_TEXT, "markdown")
        # the single inference worker finishes the big document first
        await session.wait_regions(small_uri, 1, timeout=120)
        answer = await session.request_regions(big_uri)
        log = session.log_text()
        events = [
            (method, params)
            for method, params in session.notifications
            if method in ("charseg/regions", types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        ]

    assert answer is None
    assert f"cancelled the analysis of {big_uri} version 1" in log
    assert f"analysed {big_uri} version 1" in log

    big_events = [
        (method, params)
        for method, params in events
        if (params["uri"] if isinstance(params, dict) else params.uri) == big_uri
    ]
    assert big_events, "closing must clear the document's diagnostics"
    method, cleared = big_events[-1]
    assert method == types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
    assert list(cleared.diagnostics) == []
    assert cleared.version is None


async def test_close_clears_diagnostics():
    async with lsp_session(initialization_options=REPORT_EVERYTHING) as session:
        session.open(MD_URI, MARKDOWN_TEXT, "markdown")
        await session.wait_diagnostics(MD_URI, 1)
        session.close(MD_URI)
        await session.wait_for(
            lambda: session.diagnostics(MD_URI)[-1].version is None,
            what="cleared diagnostics",
        )
        cleared = session.diagnostics(MD_URI)[-1]
    assert list(cleared.diagnostics) == []


async def test_pull_request_returns_current_regions():
    text = MIXED_FILE.read_text()
    async with lsp_session() as session:
        session.open(PY_URI, text, "python")
        pulled = await session.request_regions(PY_URI)
        pushed = await session.wait_regions(PY_URI, 1)
        missing = await session.request_regions("file:///workspace/not-open.py")
        with pytest.raises(JsonRpcException) as invalid:
            await session.client.protocol.send_request_async("charseg/regions", {})
    assert pulled == pushed
    assert missing is None
    assert invalid.value.code == -32602


async def test_regions_are_identical_in_every_encoding():
    text = "x = '😀'\r\nval s = \"\ud83d\"\r\n" * 40 + "é\rfin"
    offsets = {}
    async with lsp_session() as session:
        session.open(PY_URI, text, "python")
        reference = await session.wait_regions(PY_URI, 1)
    offsets["utf-16"] = region_offsets(text, reference, "utf-16")
    for encoding in ("utf-8", "utf-32"):
        async with lsp_session(encodings=[encoding]) as session:
            assert session.encoding == encoding
            session.open(PY_URI, text, "python")
            payload = await session.wait_regions(PY_URI, 1)
        offsets[encoding] = region_offsets(text, payload, encoding)
        assert_tiles(text, payload, encoding)
    assert offsets["utf-8"] == offsets["utf-16"] == offsets["utf-32"]
