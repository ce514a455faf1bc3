"""Code-point offsets to LSP positions and back, in UTF-8, UTF-16 and UTF-32."""

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types

from charseg_server.lsp.positions import (
    UTF8,
    UTF16,
    UTF32,
    LineIndex,
    choose_position_encoding,
)

ENCODINGS = [UTF8, UTF16, UTF32]


def reference_units(char: str, encoding: str) -> int:
    if encoding == UTF8:
        return len(char.encode("utf-8", "surrogatepass"))
    if encoding == UTF16:
        return len(char.encode("utf-16-le", "surrogatepass")) // 2
    return 1


def reference_position(text: str, offset: int, encoding: str) -> tuple[int, int]:
    """Walk the text character by character: the obviously correct conversion."""
    line = 0
    column = 0
    index = 0
    while index < offset:
        char = text[index]
        if char == "\r" and index + 1 < len(text) and text[index + 1] == "\n":
            if index + 1 == offset:
                # between CR and LF: the server moves this to the next line start
                return line + 1, 0
            line += 1
            column = 0
            index += 2
            continue
        if char in "\r\n":
            line += 1
            column = 0
        else:
            column += reference_units(char, encoding)
        index += 1
    return line, column


def position(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


@pytest.mark.parametrize(
    ("offered", "chosen"),
    [
        (None, UTF16),
        ([], UTF16),
        ([UTF8, UTF16], UTF16),
        ([UTF32, UTF16, UTF8], UTF16),
        ([UTF8], UTF8),
        ([UTF32, UTF8], UTF32),
        (["utf-7", UTF8], UTF8),
        (["utf-7"], UTF16),
    ],
)
def test_choose_position_encoding(offered, chosen):
    assert choose_position_encoding(offered) == chosen


def test_line_starts_follow_lsp_line_breaks():
    index = LineIndex("a\nb\r\nc\rd\x0ce\u2028f\x85g")
    assert index.line_starts.tolist() == [0, 2, 5, 7]


def test_text_ending_with_break_has_empty_last_line():
    assert LineIndex("a\n").line_count == 2
    assert LineIndex("").line_count == 1


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [(UTF8, [0, 1, 5, 6]), (UTF16, [0, 1, 3, 4]), (UTF32, [0, 1, 2, 3])],
)
def test_astral_character_widths(encoding, expected):
    index = LineIndex("a😀b")
    lines, characters = index.positions(np.arange(4), encoding)
    assert lines.tolist() == [0, 0, 0, 0]
    assert characters.tolist() == expected


@pytest.mark.parametrize(("encoding", "width"), [(UTF8, 3), (UTF16, 1), (UTF32, 1)])
def test_lone_surrogate_width(encoding, width):
    index = LineIndex("\ud800x")
    assert index.position(1, encoding) == position(0, width)


def test_offset_between_cr_and_lf_moves_to_next_line():
    index = LineIndex("ab\r\ncd")
    assert index.position(3, UTF16) == position(1, 0)
    assert index.snap(np.array([2, 3, 4])).tolist() == [2, 4, 4]


def test_offset_before_cr_stays_at_line_end():
    index = LineIndex("ab\r\ncd")
    assert index.position(2, UTF16) == position(0, 2)


def test_end_of_text_position():
    assert LineIndex("ab\r\n").position(4, UTF16) == position(1, 0)
    assert LineIndex("ab").position(2, UTF16) == position(0, 2)


def test_offsets_beyond_text_are_clamped():
    assert LineIndex("ab").position(10, UTF16) == position(0, 2)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_offset_of_each_position_round_trips(encoding):
    text = "x😀y\r\n\ud83d z\rä€\n"
    index = LineIndex(text)
    for offset in range(len(text) + 1):
        if 0 < offset < len(text) and text[offset - 1 : offset + 1] == "\r\n":
            continue
        converted = index.position(offset, encoding)
        assert index.offset(converted, encoding) == offset


def test_offset_past_line_end_stops_before_line_break():
    index = LineIndex("ab\r\ncd")
    assert index.offset(position(0, 99), UTF16) == 2


def test_offset_past_last_line_is_text_end():
    assert LineIndex("ab\ncd").offset(position(7, 0), UTF16) == 5


def test_offset_inside_character_rounds_down():
    index = LineIndex("a😀b")
    assert index.offset(position(0, 2), UTF16) == 1
    assert index.offset(position(0, 3), UTF8) == 1


def test_splits_character():
    index = LineIndex("a😀b")
    assert index.splits_character(position(0, 2), UTF16)
    assert not index.splits_character(position(0, 3), UTF16)
    assert not index.splits_character(position(0, 1), UTF16)
    assert not index.splits_character(position(4, 0), UTF16)


def test_content_end_excludes_line_break():
    index = LineIndex("ab\r\ncd\ne\rf")
    assert [index.content_end(line) for line in range(4)] == [2, 6, 8, 10]


def test_lines_of_offsets():
    index = LineIndex("ab\ncd\n")
    assert index.lines_of(np.array([0, 2, 3, 6])).tolist() == [0, 0, 1, 2]


text_alphabet = st.sampled_from(list("ab \t\r\n\x0c\u2028é€😀\ud800\udfff"))


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(text_alphabet, max_size=40).map("".join),
    encoding=st.sampled_from(ENCODINGS),
)
def test_positions_match_reference(text, encoding):
    index = LineIndex(text)
    offsets = np.arange(len(text) + 1)
    lines, characters = index.positions(offsets, encoding)
    for offset in range(len(text) + 1):
        expected = reference_position(text, offset, encoding)
        assert (int(lines[offset]), int(characters[offset])) == expected


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(text_alphabet, max_size=40).map("".join),
    encoding=st.sampled_from(ENCODINGS),
    line=st.integers(0, 12),
    character=st.integers(0, 30),
)
def test_offset_is_inverse_of_position(text, encoding, line, character):
    index = LineIndex(text)
    offset = index.offset(position(line, character), encoding)
    assert 0 <= offset <= len(text)
    converted = index.position(offset, encoding)
    assert converted.line <= line
    if converted.line == line:
        assert converted.character <= character


def test_five_megabyte_document_converts_quickly():
    line = "x = '😀' + \"é\"  # ∑ mixed line\r\n"
    text = line * (5_000_000 // len(line))
    index = LineIndex(text)
    offsets = np.arange(0, len(text), 97)
    started = time.perf_counter()
    lines, characters = index.positions(offsets, UTF16)
    elapsed = time.perf_counter() - started
    assert elapsed < 5, f"converting a 5 MB document took {elapsed:.1f} s"
    assert lines[-1] == offsets[-1] // len(line)
    column = offsets[-1] % len(line)
    assert characters[-1] == reference_position(line, int(column), UTF16)[1]
