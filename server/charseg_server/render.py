"""Rendering segmented text: ANSI-coloured terminal text and standalone HTML."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence

from .colors import color_for, rgb, text_color
from .newlines import fold_line_endings
from .regions import Region

RESET = "\x1b[0m"

# C0 controls except tab, line feed and carriage return, plus DEL and the C1
# next-line control, shown as Unicode control pictures so that the file cannot
# send escape sequences to the terminal. CRLF and lone CR end lines, as they do
# in LSP clients.
_CONTROL_PICTURES = {
    code: 0x2400 + code for code in range(0x20) if code not in (0x09, 0x0A, 0x0D)
}
_CONTROL_PICTURES[0x7F] = 0x2421
_CONTROL_PICTURES[0x85] = 0x2424
# Bidirectional embedding, override and isolate controls would reorder the rest of
# the terminal line, so they are replaced too.
_C1_AND_SURROGATES = re.compile("[\x80-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_REPLACEMENT = "\ufffd"

Span = tuple[int, int, str]


def printable(text: str) -> str:
    """Return ``text`` safe to print: controls shown as symbols, CRLF and CR as LF.

    Lone surrogates, bidirectional controls and C1 controls other than next-line
    become U+FFFD, so the result always encodes to UTF-8 and keeps its order.
    """
    text = fold_line_endings(text).translate(_CONTROL_PICTURES)
    return _C1_AND_SURROGATES.sub(_REPLACEMENT, text)


def ansi_style(label: str) -> str:
    """Return the 24-bit ANSI escape that colours text as ``label``."""
    background = color_for(label)
    red, green, blue = rgb(background)
    fg_red, fg_green, fg_blue = rgb(text_color(background))
    return f"\x1b[48;2;{red};{green};{blue}m\x1b[38;2;{fg_red};{fg_green};{fg_blue}m"


def render_ansi(text: str, regions: Sequence[Region]) -> str:
    """Return ``text`` with each region's background in its label colour.

    The style is reset before every line feed, so no colour bleeds into the
    rest of a terminal line.
    """
    parts = []
    for region in regions:
        style = ansi_style(region.label)
        lines = printable(text[region.start : region.end]).split("\n")
        parts.append("\n".join(style + line + RESET if line else "" for line in lines))
    rendered = "".join(parts)
    if rendered and not rendered.endswith("\n"):
        rendered += "\n"
    return rendered


def label_shares(regions: Sequence[Region]) -> list[tuple[str, int]]:
    """Return (label, characters) pairs, the most frequent label first."""
    counts: Counter[str] = Counter()
    for region in regions:
        counts[region.label] += len(region)
    return counts.most_common()


def render_ansi_legend(regions: Sequence[Region]) -> str:
    """Return one line per label present: a colour swatch and its share."""
    total = sum(len(region) for region in regions)
    lines = []
    for label, count in label_shares(regions):
        share = 100 * count / total
        lines.append(
            f"{ansi_style(label)} {label} {RESET} {share:5.1f}% ({count:,} characters)"
        )
    return "\n".join(lines) + "\n" if lines else "(empty text: no regions)\n"


def split_by_truth(
    regions: Sequence[Region], truth: Sequence[Span]
) -> list[tuple[int, int, Region, str | None]]:
    """Cut regions at truth boundaries: (start, end, region, true label or None).

    ``truth`` contains sorted, non-overlapping ``(start, end, label)`` spans. A
    character that no span covers has the true label ``None``.
    """
    pieces = []
    spans = list(truth)
    span_index = 0
    for region in regions:
        position = region.start
        while position < region.end:
            while span_index < len(spans) and spans[span_index][1] <= position:
                span_index += 1
            true_label = None
            end = region.end
            if span_index < len(spans):
                span_start, span_end, label = spans[span_index]
                if span_start <= position:
                    true_label = label
                    end = min(end, span_end)
                else:
                    end = min(end, span_start)
            pieces.append((position, end, region, true_label))
            position = end
    return pieces


_HTML_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em; }
pre.document { font-family: ui-monospace, monospace; font-size: 13px;
  line-height: 1.5; white-space: pre-wrap; overflow-wrap: anywhere; }
.legend span.swatch { display: inline-block; padding: 0.1em 0.5em;
  margin: 0.15em; border-radius: 3px; font-family: ui-monospace, monospace; }
pre.document span.wrong { outline: 2px dashed #d00000; outline-offset: -1px; }
pre.document span.truth { border-bottom-width: 4px; border-bottom-style: solid; }
""".strip()


def _html_span(
    text: str, start: int, end: int, region: Region, true_label: str | None
) -> str:
    background = color_for(region.label)
    style = f"background:{background};color:{text_color(background)}"
    title = (
        f"{region.label}, confidence {region.confidence:.2f}, "
        f"characters {region.start}-{region.end} ({len(region):,})"
    )
    classes = []
    if true_label is not None:
        style += f";border-bottom-color:{color_for(true_label)}"
        classes.append("truth")
        title += f"; true label {true_label}"
        if true_label != region.label:
            classes.append("wrong")
    class_attribute = f' class="{" ".join(classes)}"' if classes else ""
    body = html.escape(printable(text[start:end]))
    return (
        f'<span{class_attribute} style="{style}" '
        f'title="{html.escape(title)}">{body}</span>'
    )


def _html_legend(labels: Sequence[tuple[str, int]], total: int) -> str:
    items = []
    for label, count in labels:
        background = color_for(label)
        share = 100 * count / total if total else 0.0
        items.append(
            f'<span class="swatch" style="background:{background};'
            f'color:{text_color(background)}">{html.escape(label)}</span> '
            f"{share:.1f}% ({count:,} characters)"
        )
    return "<br>\n".join(items)


def _accuracy_line(pieces: Sequence[tuple[int, int, Region, str | None]]) -> str:
    judged = sum(end - start for start, end, _, truth in pieces if truth is not None)
    right = sum(
        end - start
        for start, end, region, truth in pieces
        if truth is not None and truth == region.label
    )
    if judged == 0:
        return "<p>The truth file covers no character.</p>"
    return (
        f"<p>Character accuracy against the truth: {100 * right / judged:.2f}% "
        f"({right:,} of {judged:,} labelled characters). Wrong spans have a "
        "dashed red outline; the bar under each span shows the true label's "
        "colour.</p>"
    )


def render_html(
    text: str,
    regions: Sequence[Region],
    *,
    title: str,
    details: str = "",
    truth: Sequence[Span] | None = None,
) -> str:
    """Return a standalone HTML page with ``text`` coloured by predicted label.

    Hovering a span shows its label, confidence and extent. With ``truth``,
    each span also shows its true label and errors are outlined.
    """
    if truth is None:
        pieces = [(r.start, r.end, r, None) for r in regions]
    else:
        pieces = split_by_truth(regions, truth)
    body = "".join(_html_span(text, *piece) for piece in pieces)
    heading = html.escape(title)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>charseg: {heading}</title>",
        f"<style>\n{_HTML_STYLE}\n</style></head><body>",
        f"<h1>{heading}</h1>",
    ]
    if details:
        parts.append(f"<p>{html.escape(details)}</p>")
    if truth is not None:
        parts.append(_accuracy_line(pieces))
    parts.append(
        '<div class="legend">'
        + _html_legend(label_shares(regions), len(text))
        + "</div>"
    )
    parts.append(f'<pre class="document">{body}</pre>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
