"""End to end: position encoding negotiation and edits around astral characters."""

import pytest
from lsp_harness import end_position, lsp_session, offset_of

URI = "file:///workspace/positions.py"


@pytest.mark.parametrize(
    ("offered", "chosen"),
    [
        (None, "utf-16"),
        (["utf-8", "utf-16"], "utf-16"),
        (["utf-8"], "utf-8"),
        (["utf-32", "utf-8"], "utf-32"),
    ],
)
async def test_position_encoding_negotiation(offered, chosen):
    async with lsp_session(encodings=offered) as session:
        advertised = session.initialize_result.capabilities.position_encoding
    assert advertised == chosen


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
async def test_edits_around_astral_characters_and_crlf(encoding):
    text = "first = 1\r\nsecond = '\ud83d'\r\na😀b😀c"
    async with lsp_session(encodings=[encoding]) as session:
        assert session.encoding == encoding
        session.open(URI, text, "python")
        await session.wait_regions(URI, 1)
        last_line = text.rindex("\n") + 1
        session.replace(URI, last_line + 1, last_line + 2, "")  # the first 😀
        joined = text.index("\r\n")
        session.replace(URI, joined, joined + 2, " ")  # join the first two lines
        end = len(session.texts[URI])
        version = session.replace(URI, end, end, "é😀")
        payload = await session.wait_regions(URI, version)
        pulled = await session.request_regions(URI)
    expected = "first = 1 second = '\ud83d'\r\nab😀cé😀"
    assert session.texts[URI] == expected
    assert payload["regions"][-1]["range"]["end"] == end_position(expected, encoding)
    assert pulled == payload
    for region in payload["regions"]:
        offset_of(expected, region["range"]["start"], encoding)
        offset_of(expected, region["range"]["end"], encoding)
