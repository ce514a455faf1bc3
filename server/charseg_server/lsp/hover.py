"""Hover: the language, confidence and lines of the region under the cursor."""

from __future__ import annotations

from lsprotocol import types

from charseg_server.lsp.analysis import Analysis
from charseg_server.lsp.describe import line_span, percent
from charseg_server.lsp.languages import display_name


def build_hover(
    analysis: Analysis, position: types.Position, markdown: bool
) -> types.Hover | None:
    """Describe the region at ``position``; ``markdown`` selects the markup kind.

    Returns None for a position below the last line, where there is no text.
    """
    if position.line >= analysis.index.line_count:
        return None
    offset = analysis.index.offset(position, analysis.encoding)
    region = analysis.region_at(offset)
    if region is None:
        return None
    first, last = analysis.line_extent(region.start, region.end)
    name = display_name(region.label)
    extent = line_span(first, last).lower()
    confidence = percent(region.confidence)
    if markdown:
        value = f"**{name}** ({confidence} confidence), {extent}\n\n_charseg_"
        kind = types.MarkupKind.Markdown
    else:
        value = f"{name} ({confidence} confidence), {extent} (charseg)"
        kind = types.MarkupKind.PlainText
    return types.Hover(
        contents=types.MarkupContent(kind=kind, value=value),
        range=analysis.index.range(region.start, region.end, analysis.encoding),
    )
