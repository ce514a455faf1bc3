"""Checks of the connected client's capabilities."""

from __future__ import annotations

from lsprotocol import types


def supports_markdown_hover(capabilities: types.ClientCapabilities) -> bool:
    """Return whether hover text may be Markdown."""
    hover = capabilities.text_document and capabilities.text_document.hover
    formats = (hover and hover.content_format) or []
    return types.MarkupKind.Markdown in formats


def supports_hierarchical_symbols(capabilities: types.ClientCapabilities) -> bool:
    """Return whether documentSymbol may return DocumentSymbol objects."""
    symbols = capabilities.text_document and capabilities.text_document.document_symbol
    return bool(symbols and symbols.hierarchical_document_symbol_support)


def supports_code_action_literals(capabilities: types.ClientCapabilities) -> bool:
    """Return whether codeAction may return CodeAction objects, not only Commands."""
    actions = capabilities.text_document and capabilities.text_document.code_action
    return bool(actions and actions.code_action_literal_support)


def supports_file_creation(capabilities: types.ClientCapabilities) -> bool:
    """Return whether a WorkspaceEdit may create files in ``documentChanges``."""
    edit = capabilities.workspace and capabilities.workspace.workspace_edit
    if not edit or not edit.document_changes:
        return False
    return types.ResourceOperationKind.Create in (edit.resource_operations or [])


def supports_configuration_pull(capabilities: types.ClientCapabilities) -> bool:
    """Return whether the client handles ``workspace/configuration`` requests."""
    return bool(capabilities.workspace and capabilities.workspace.configuration)


def supports_inlay_hint_refresh(capabilities: types.ClientCapabilities) -> bool:
    """Return whether the client handles ``workspace/inlayHint/refresh``."""
    workspace = capabilities.workspace
    inlay = workspace and workspace.inlay_hint
    return bool(inlay and inlay.refresh_support)
