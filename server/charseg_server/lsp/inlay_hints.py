"""Inlay hints naming the language at the start of regions."""

from __future__ import annotations

from lsprotocol import types

from charseg_server.lsp.analysis import Analysis
from charseg_server.lsp.describe import percent
from charseg_server.lsp.languages import display_name


def build_inlay_hints(
    analysis: Analysis, visible: types.Range
) -> list[types.InlayHint]:
    """Return hints inside ``visible`` for the configured mode.

    ``foreign`` hints exactly the code that gets foreign-code diagnostics, ``all``
    every region and ``off`` nothing.
    """
    mode = analysis.settings.inlay_hints
    if mode == "all":
        spans = [(r.start, r.label, r.confidence) for r in analysis.regions]
    elif mode == "foreign":
        spans = [(f.start, f.label, f.confidence) for f in analysis.findings.foreign]
    else:
        return []
    first = analysis.index.offset(visible.start, analysis.encoding)
    last = analysis.index.offset(visible.end, analysis.encoding)
    hints = []
    for start, label, confidence in spans:
        if not first <= start <= last:
            continue
        name = display_name(label)
        hints.append(
            types.InlayHint(
                position=analysis.index.position(start, analysis.encoding),
                label=name,
                padding_right=True,
                tooltip=f"charseg: {name} ({percent(confidence)} confidence)",
            )
        )
    return hints
