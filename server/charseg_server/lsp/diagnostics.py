"""Diagnostics built from an analysis's findings."""

from __future__ import annotations

from lsprotocol import types

from charseg_server.lsp.analysis import Analysis
from charseg_server.lsp.describe import looks_like, percent
from charseg_server.lsp.findings import FenceMismatch, ForeignCode, UnlabelledFence
from charseg_server.lsp.languages import display_name
from charseg_server.lsp.markdown import Fence

SOURCE = "charseg"

#: Diagnostic codes, which code actions use to find the diagnostics they fix.
FOREIGN_CODE = "foreign-code"
UNLABELLED_FENCE = "unlabelled-fence"
FENCE_MISMATCH = "fence-language-mismatch"

SEVERITIES = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


def build_diagnostics(analysis: Analysis) -> list[types.Diagnostic]:
    """Return the diagnostics of an analysis; none if the severity is ``off``.

    Foreign code and unlabelled fences get the configured severity. A fence whose
    language disagrees with its info string always gets a Hint, because an info
    string is often right where the model is wrong.
    """
    severity = SEVERITIES.get(analysis.settings.diagnostic_severity)
    if severity is None:
        return []
    findings = analysis.findings
    diagnostics = [
        foreign_code_diagnostic(analysis, f, severity) for f in findings.foreign
    ]
    for fence in findings.unlabelled:
        diagnostics.append(unlabelled_fence_diagnostic(analysis, fence, severity))
    for fence in findings.mismatched:
        diagnostics.append(fence_mismatch_diagnostic(analysis, fence))
    diagnostics.sort(key=lambda d: (d.range.start.line, d.range.start.character))
    return diagnostics


def foreign_code_diagnostic(
    analysis: Analysis, finding: ForeignCode, severity: types.DiagnosticSeverity
) -> types.Diagnostic:
    """Describe code in another language than the document's."""
    first, last = analysis.line_extent(finding.start, finding.end)
    subject = looks_like(first, last, finding.label, finding.confidence)
    if analysis.snapshot.is_markdown:
        message = f"{subject} outside a code block"
    else:
        host = display_name(analysis.host_label or "")
        message = f"{subject} in a {host} file"
    return types.Diagnostic(
        range=analysis.index.range(finding.start, finding.end, analysis.encoding),
        message=message,
        severity=severity,
        code=FOREIGN_CODE,
        source=SOURCE,
        data={"label": finding.label},
    )


def unlabelled_fence_diagnostic(
    analysis: Analysis, finding: UnlabelledFence, severity: types.DiagnosticSeverity
) -> types.Diagnostic:
    """Name the language detected in a fence without an info string."""
    detected = finding.detected
    message = (
        f"Code block has no language, but its code looks like "
        f"{display_name(detected.label)} ({percent(detected.confidence)})"
    )
    return types.Diagnostic(
        range=fence_opening_range(analysis, finding.fence),
        message=message,
        severity=severity,
        code=UNLABELLED_FENCE,
        source=SOURCE,
        data={"label": detected.label},
    )


def fence_mismatch_diagnostic(
    analysis: Analysis, finding: FenceMismatch
) -> types.Diagnostic:
    """Point out a fence whose info string names another language."""
    detected = finding.detected
    fence = finding.fence
    message = (
        f"Code block is labelled {fence.info!r}, but its code looks like "
        f"{display_name(detected.label)} ({percent(detected.confidence)})"
    )
    return types.Diagnostic(
        range=analysis.index.range(fence.info_start, fence.info_end, analysis.encoding),
        message=message,
        severity=types.DiagnosticSeverity.Hint,
        code=FENCE_MISMATCH,
        source=SOURCE,
        data={"label": detected.label},
    )


def fence_opening_range(analysis: Analysis, fence: Fence) -> types.Range:
    """Return the range of a fence's opening marker and info string."""
    start, end = (
        fence.marker_start,
        max(fence.info_end, fence.marker_start + len(fence.marker)),
    )
    return analysis.index.range(start, end, analysis.encoding)
