"""Incremental text synchronisation of the language server's document store."""

import pytest
from lsprotocol import types

from charseg_server.lsp.documents import Document, DocumentStore
from charseg_server.lsp.positions import UTF8, UTF16, UTF32


def change(start, end, text):
    return types.TextDocumentContentChangePartial(
        range=types.Range(
            start=types.Position(line=start[0], character=start[1]),
            end=types.Position(line=end[0], character=end[1]),
        ),
        text=text,
    )


def apply(text, changes, encoding=UTF16):
    document = Document(uri="file:///a.py", language_id="python", version=1, text=text)
    document.apply_changes(changes, 2, encoding)
    assert document.version == 2
    return document.text


def test_insert_and_delete():
    assert apply("abc\ndef\n", [change((1, 1), (1, 2), "XY")]) == "abc\ndXYf\n"
    assert apply("abc\ndef\n", [change((0, 1), (1, 1), "")]) == "aef\n"


def test_changes_apply_in_order():
    changes = [change((0, 0), (0, 0), "1"), change((0, 0), (0, 1), "2")]
    assert apply("a", changes) == "2a"


def test_full_change_replaces_text():
    full = types.TextDocumentContentChangeWholeDocument(text="new")
    assert apply("old\n", [full]) == "new"


def test_form_feed_and_line_separator_are_not_line_breaks():
    assert apply("a\x0cb\nc\n", [change((1, 0), (1, 1), "Z")]) == "a\x0cb\nZ\n"
    assert apply("a\u2028b\nc", [change((1, 0), (1, 1), "Z")]) == "a\u2028b\nZ"


def test_crlf_and_lone_cr_end_lines():
    assert apply("ab\r\ncd\ref", [change((2, 1), (2, 1), "Z")]) == "ab\r\ncd\reZf"


def test_column_past_line_end_stops_before_crlf():
    assert apply("ab\r\ncd", [change((0, 9), (0, 9), "Z")]) == "abZ\r\ncd"


def test_insert_at_end_of_text():
    assert apply("ab\n", [change((1, 0), (1, 0), "c")]) == "ab\nc"
    assert apply("ab", [change((5, 0), (5, 0), "c")]) == "abc"


@pytest.mark.parametrize(("encoding", "column"), [(UTF8, 5), (UTF16, 3), (UTF32, 2)])
def test_columns_after_astral_character(encoding, column):
    assert apply("a😀b", [change((0, column), (0, column), "Z")], encoding) == "a😀Zb"


def test_utf16_edit_inside_pair_splits_it():
    text = apply("a😀b", [change((0, 2), (0, 2), "x")], UTF16)
    assert text == "a\ud83dx\ude00b"


def test_utf16_deletion_of_one_half_leaves_lone_surrogate():
    assert apply("a😀b", [change((0, 1), (0, 2), "")], UTF16) == "a\ude00b"


def test_lone_surrogates_count_one_utf16_unit():
    assert apply("\ud800ab", [change((0, 1), (0, 2), "")], UTF16) == "\ud800b"


def test_store_open_get_close():
    store = DocumentStore()
    item = types.TextDocumentItem(
        uri="file:///a.md", language_id="markdown", version=3, text="x"
    )
    document = store.open(item)
    assert store.get("file:///a.md") is document
    assert document.version == 3
    assert list(store) == [document]
    assert store.close("file:///a.md") is document
    assert store.get("file:///a.md") is None
    assert store.close("file:///a.md") is None


def test_index_follows_text():
    document = Document(uri="u", language_id="python", version=1, text="a\nb")
    assert document.index.line_count == 2
    document.apply_changes([change((1, 1), (1, 1), "\nc")], 2, UTF16)
    assert document.index.line_count == 3
