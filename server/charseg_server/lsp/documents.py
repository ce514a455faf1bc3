"""Open text documents, kept in sync with the client's incremental changes.

The server stores documents itself instead of using pygls's workspace, because pygls
2.1.1 splits lines with :meth:`str.splitlines`, so an edit below a form feed or a
U+2028 lands on the wrong line (see :mod:`charseg_server.lsp.positions`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from lsprotocol import types

from charseg_server.lsp.positions import UTF16, LineIndex


@dataclass
class Document:
    """The current text of one open document."""

    uri: str
    language_id: str
    version: int
    text: str
    _index: LineIndex | None = field(default=None, repr=False)

    @property
    def index(self) -> LineIndex:
        """Line index of the current text, rebuilt after each change."""
        if self._index is None or self._index.text is not self.text:
            self._index = LineIndex(self.text)
        return self._index

    def apply_changes(
        self,
        changes: Iterable[types.TextDocumentContentChangeEvent],
        version: int,
        encoding: str,
    ) -> None:
        """Apply the changes of one ``didChange`` notification in order."""
        for change in changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                self._apply_partial(change, encoding)
            else:
                self.text = change.text
        self.version = version

    def _apply_partial(
        self, change: types.TextDocumentContentChangePartial, encoding: str
    ) -> None:
        if encoding == UTF16:
            self._split_surrogate_pairs(change.range, encoding)
        index = self.index
        start = index.offset(change.range.start, encoding)
        end = max(start, index.offset(change.range.end, encoding))
        self.text = self.text[:start] + change.text + self.text[end:]

    def _split_surrogate_pairs(self, edit_range: types.Range, encoding: str) -> None:
        """Split an astral character that a UTF-16 edit boundary falls inside.

        After a UTF-16 client edits between the two halves of a surrogate pair, its
        text contains two lone surrogates, so the server's text must contain them too.
        """
        for position in (edit_range.end, edit_range.start):
            index = self.index
            if not index.splits_character(position, encoding):
                continue
            offset = index.offset(position, encoding)
            pair = self.text[offset].encode("utf-16-le")
            high = int.from_bytes(pair[:2], "little")
            low = int.from_bytes(pair[2:], "little")
            halves = chr(high) + chr(low)
            self.text = self.text[:offset] + halves + self.text[offset + 1 :]


class DocumentStore:
    """The open documents, by URI."""

    def __init__(self) -> None:
        self._documents: dict[str, Document] = {}

    def open(self, item: types.TextDocumentItem) -> Document:
        """Store a newly opened document, replacing any earlier one."""
        document = Document(
            uri=item.uri,
            language_id=item.language_id,
            version=item.version,
            text=item.text,
        )
        self._documents[item.uri] = document
        return document

    def get(self, uri: str) -> Document | None:
        """Return the open document at ``uri``, or None."""
        return self._documents.get(uri)

    def close(self, uri: str) -> Document | None:
        """Forget the document at ``uri`` and return it, or None if not open."""
        return self._documents.pop(uri, None)

    def __iter__(self):
        return iter(list(self._documents.values()))
