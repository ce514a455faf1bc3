"""Document symbols and folding ranges: one per region."""

from __future__ import annotations

from lsprotocol import types

from charseg_server.lsp.analysis import Analysis
from charseg_server.lsp.describe import line_span, percent
from charseg_server.lsp.languages import display_name

#: Symbol kind of a region. LSP has no kind for "a stretch of another language";
#: Namespace is the closest container kind.
REGION_SYMBOL_KIND = types.SymbolKind.Namespace


def build_document_symbols(
    analysis: Analysis, hierarchical: bool
) -> list[types.DocumentSymbol] | list[types.SymbolInformation]:
    """List the regions, as DocumentSymbols or, for old clients, SymbolInformation."""
    symbols = []
    for region in analysis.regions:
        first, last = analysis.line_extent(region.start, region.end)
        name = display_name(region.label)
        region_range = analysis.index.range(region.start, region.end, analysis.encoding)
        if hierarchical:
            symbols.append(
                types.DocumentSymbol(
                    name=name,
                    detail=f"{percent(region.confidence)}, {line_span(first, last)}",
                    kind=REGION_SYMBOL_KIND,
                    range=region_range,
                    selection_range=region_range,
                )
            )
        else:
            symbols.append(
                types.SymbolInformation(
                    name=name,
                    kind=REGION_SYMBOL_KIND,
                    location=types.Location(uri=analysis.uri, range=region_range),
                )
            )
    return symbols


def build_folding_ranges(analysis: Analysis) -> list[types.FoldingRange]:
    """Return a folding range for each region that spans more than one line."""
    ranges = []
    for region in analysis.regions:
        first, last = analysis.line_extent(region.start, region.end)
        if last > first:
            ranges.append(
                types.FoldingRange(
                    start_line=first,
                    end_line=last,
                    kind=types.FoldingRangeKind.Region,
                )
            )
    return ranges
