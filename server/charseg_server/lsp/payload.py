"""The ``charseg/regions`` payload: every region of a document version."""

from __future__ import annotations

from typing import Any

import numpy as np

from charseg_server.lsp.analysis import Analysis

#: Method name of both the notification and the request.
REGIONS_METHOD = "charseg/regions"


def regions_payload(analysis: Analysis) -> dict[str, Any]:
    """Return ``{uri, version, status, regions}``, ranges in the negotiated encoding.

    Boundaries are converted in one numpy pass, because large documents can have
    thousands of regions.
    """
    regions = analysis.regions
    offsets = np.array([[r.start, r.end] for r in regions], dtype=np.int64)
    lines, characters = analysis.index.positions(offsets.reshape(-1), analysis.encoding)
    lines = lines.reshape(-1, 2).tolist()
    characters = characters.reshape(-1, 2).tolist()
    items = []
    for region, line_pair, character_pair in zip(
        regions, lines, characters, strict=True
    ):
        items.append(
            {
                "range": {
                    "start": {"line": line_pair[0], "character": character_pair[0]},
                    "end": {"line": line_pair[1], "character": character_pair[1]},
                },
                "languageId": region.label,
                "confidence": round(float(region.confidence), 4),
            }
        )
    return {
        "uri": analysis.uri,
        "version": analysis.version,
        "status": str(analysis.status),
        "regions": items,
    }
