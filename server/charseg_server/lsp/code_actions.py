"""Code actions for findings: label or relabel a fence, move or wrap foreign code."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable
from urllib.parse import quote, unquote, urlsplit, urlunsplit
from urllib.request import url2pathname

from lsprotocol import types

from charseg_server.lsp import diagnostics as diag
from charseg_server.lsp.analysis import Analysis
from charseg_server.lsp.describe import line_span
from charseg_server.lsp.findings import FenceMismatch, ForeignCode, UnlabelledFence
from charseg_server.lsp.languages import FILE_EXTENSIONS, display_name, fence_name

MOVE_KIND = types.CodeActionKind.RefactorMove
WRAP_KIND = types.CodeActionKind.RefactorRewrite

_BACKTICKS = re.compile(r"`+")
#: Whitespace other than line breaks, then the end of a line or of the text.
_TRAILING_BLANKS = re.compile(r"[^\S\r\n]*(?:\r\n|\r|\n|\Z)")


def build_code_actions(
    analysis: Analysis,
    params: types.CodeActionParams,
    can_create_files: bool,
    file_exists: Callable[[str], bool],
) -> list[types.CodeAction]:
    """Return the actions for the findings that overlap the requested range.

    ``can_create_files`` is whether the client applies CreateFile operations in
    ``documentChanges``. Without them no move action is offered. ``file_exists``
    returns whether a candidate URI for the moved code is already taken.
    """
    first = analysis.index.offset(params.range.start, analysis.encoding)
    last = analysis.index.offset(params.range.end, analysis.encoding)
    findings = analysis.findings
    actions: list[types.CodeAction] = []
    for fence in findings.unlabelled:
        if _touches(fence.fence.start, fence.fence.end, first, last):
            actions.append(_label_fence(analysis, fence, params.context.diagnostics))
    for fence in findings.mismatched:
        if _touches(fence.fence.start, fence.fence.end, first, last):
            actions.append(_relabel_fence(analysis, fence, params.context.diagnostics))
    for code in findings.foreign:
        if not _touches(code.start, code.end, first, last):
            continue
        if analysis.snapshot.is_markdown and fence_name(code.label) is not None:
            actions.append(_wrap_in_fence(analysis, code))
        if can_create_files:
            action = _move_to_file(analysis, code, file_exists)
            if action is not None:
                actions.append(action)
    return [a for a in actions if _kind_requested(a, params.context.only)]


def _touches(start: int, end: int, first: int, last: int) -> bool:
    """Return whether ``[start, end)`` overlaps a selection or contains a cursor."""
    if first == last:
        return start <= first < end
    return start < last and first < end


def _kind_requested(
    action: types.CodeAction, only: list[types.CodeActionKind | str] | None
) -> bool:
    if not only:
        return True
    kind = _kind_value(action.kind)
    requested = [_kind_value(k) for k in only]
    return any(kind == k or kind.startswith(f"{k}.") for k in requested)


def _kind_value(kind: types.CodeActionKind | str | None) -> str:
    return str(getattr(kind, "value", kind))


def _matching_diagnostics(
    received: list[types.Diagnostic], code: str, fence_range: types.Range
) -> list[types.Diagnostic]:
    return [
        d
        for d in received
        if d.source == diag.SOURCE and d.code == code and d.range == fence_range
    ]


def _edit(analysis: Analysis, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    document = types.OptionalVersionedTextDocumentIdentifier(
        uri=analysis.uri, version=analysis.version
    )
    return types.WorkspaceEdit(
        document_changes=[types.TextDocumentEdit(text_document=document, edits=edits)]
    )


def _label_fence(
    analysis: Analysis, finding: UnlabelledFence, received: list[types.Diagnostic]
) -> types.CodeAction:
    name = fence_name(finding.detected.label)
    position = analysis.index.position(finding.fence.info_start, analysis.encoding)
    edit = types.TextEdit(
        range=types.Range(start=position, end=position), new_text=name
    )
    fence_range = diag.fence_opening_range(analysis, finding.fence)
    return types.CodeAction(
        title=f"Label code block as {name}",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=_matching_diagnostics(received, diag.UNLABELLED_FENCE, fence_range),
        is_preferred=True,
        edit=_edit(analysis, [edit]),
    )


def _relabel_fence(
    analysis: Analysis, finding: FenceMismatch, received: list[types.Diagnostic]
) -> types.CodeAction:
    name = fence_name(finding.detected.label)
    fence = finding.fence
    info_range = analysis.index.range(
        fence.info_start, fence.info_end, analysis.encoding
    )
    return types.CodeAction(
        title=f"Change code block language to {name}",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=_matching_diagnostics(received, diag.FENCE_MISMATCH, info_range),
        edit=_edit(analysis, [types.TextEdit(range=info_range, new_text=name)]),
    )


def _line_break(text: str) -> str:
    match = re.search(r"\r\n|\r|\n", text)
    return match.group(0) if match else "\n"


def _line_start_before(text: str, offset: int) -> int | None:
    """Return where ``offset``'s line starts if only blanks precede ``offset`` on it."""
    line_start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    before = text[line_start:offset]
    return line_start if not before or before.isspace() else None


def _line_end_after(text: str, offset: int) -> int | None:
    """Return the offset after ``offset``'s line break if only blanks follow ``offset``.

    At the end of the text, the end of the text counts as the line break.
    """
    match = _TRAILING_BLANKS.match(text, offset)
    return match.end() if match else None


def whole_lines(text: str, start: int, end: int) -> tuple[int, int]:
    """Move each edge of ``[start, end)`` to its line's edge if only blanks lie between.

    Blanks are whitespace other than line breaks. An edge that shares its line with
    other text stays where it is.
    """
    line_start = _line_start_before(text, start)
    if line_start is not None:
        start = line_start
    line_end = _line_end_after(text, end)
    if line_end is not None:
        end = line_end
    return start, end


def owned_lines(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to whole lines only if it has its lines to itself.

    Widening one edge alone would join the text left of the code with the line
    after it, or take the indentation of the code right of it.
    """
    line_start = _line_start_before(text, start)
    line_end = _line_end_after(text, end)
    if line_start is None or line_end is None:
        return start, end
    return line_start, line_end


def _wrap_in_fence(analysis: Analysis, code: ForeignCode) -> types.CodeAction:
    """Surround foreign code with a fence longer than any backtick run inside it."""
    # NOTE: the fence lines get no block-quote markers or list indentation, so
    # wrapping code inside a quote or list item ends that quote or item.
    text = analysis.text
    newline = _line_break(text)
    start_offset, end_offset = whole_lines(text, code.start, code.end)
    body = text[start_offset:end_offset]
    longest = max((len(run) for run in _BACKTICKS.findall(body)), default=0)
    marker = "`" * max(3, longest + 1)
    name = fence_name(code.label)

    at_line_start = start_offset == 0 or text[start_offset - 1] in "\r\n"
    opening = f"{marker}{name}{newline}"
    if not at_line_start:
        opening = newline + opening
    if text[end_offset - 1] in "\r\n":
        closing = f"{marker}{newline}"
    elif end_offset == len(text):
        closing = f"{newline}{marker}"
    else:
        closing = f"{newline}{marker}{newline}"

    start = analysis.index.position(start_offset, analysis.encoding)
    end = analysis.index.position(end_offset, analysis.encoding)
    first, last = analysis.line_extent(code.start, code.end)
    return types.CodeAction(
        title=f"Wrap {line_span(first, last).lower()} in a code block labelled {name}",
        kind=WRAP_KIND,
        edit=_edit(
            analysis,
            [
                types.TextEdit(
                    range=types.Range(start=start, end=start), new_text=opening
                ),
                types.TextEdit(range=types.Range(start=end, end=end), new_text=closing),
            ],
        ),
    )


def _move_to_file(
    analysis: Analysis, code: ForeignCode, file_exists: Callable[[str], bool]
) -> types.CodeAction | None:
    extension = FILE_EXTENSIONS.get(code.label)
    if extension is None:
        return None
    first, last = analysis.line_extent(code.start, code.end)
    target = sibling_uri(
        analysis.uri, f"lines-{first + 1}-{last + 1}", extension, file_exists
    )
    if target is None:
        return None

    start, end = owned_lines(analysis.text, code.start, code.end)
    body = analysis.text[start:end]
    if not body.endswith(("\n", "\r")):
        body += _line_break(analysis.text)

    origin = types.OptionalVersionedTextDocumentIdentifier(
        uri=analysis.uri, version=analysis.version
    )
    created = types.OptionalVersionedTextDocumentIdentifier(uri=target, version=None)
    start_of_file = types.Range(
        start=types.Position(line=0, character=0),
        end=types.Position(line=0, character=0),
    )
    region_range = analysis.index.range(start, end, analysis.encoding)
    name = posixpath.basename(unquote(urlsplit(target).path))
    return types.CodeAction(
        title=(
            f"Move {display_name(code.label)} {line_span(first, last).lower()} "
            f"to {name}"
        ),
        kind=MOVE_KIND,
        edit=types.WorkspaceEdit(
            document_changes=[
                types.CreateFile(
                    uri=target,
                    options=types.CreateFileOptions(
                        overwrite=False, ignore_if_exists=False
                    ),
                ),
                types.TextDocumentEdit(
                    text_document=created,
                    edits=[types.TextEdit(range=start_of_file, new_text=body)],
                ),
                types.TextDocumentEdit(
                    text_document=origin,
                    edits=[types.TextEdit(range=region_range, new_text="")],
                ),
            ]
        ),
    )


def sibling_uri(
    uri: str, suffix: str, extension: str, file_exists: Callable[[str], bool]
) -> str | None:
    """Return a free URI beside ``uri``: ``<stem>-<suffix>[-<n>]<extension>``.

    The new URI drops the query and fragment of ``uri``, which belong to that
    document. Returns None for URIs without a folder, such as ``untitled:Untitled-1``.
    """
    parts = urlsplit(uri)
    folder, _, name = unquote(parts.path).rpartition("/")
    if not parts.path.startswith("/") or not name:
        return None
    stem = posixpath.splitext(name)[0] or "untitled"
    for attempt in range(1, 100):
        counter = "" if attempt == 1 else f"-{attempt}"
        path = f"{folder}/{stem}-{suffix}{counter}{extension}"
        candidate = urlunsplit(parts._replace(path=quote(path), query="", fragment=""))
        if not file_exists(candidate):
            return candidate
    return None


def file_uri_exists(uri: str) -> bool:
    """Return whether a ``file:`` URI names an existing file; False for others."""
    parts = urlsplit(uri)
    if parts.scheme != "file":
        return False
    return os.path.exists(url2pathname(parts.path))
