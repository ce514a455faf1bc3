"""charseg's language server: per-character language regions over LSP.

Run it with ``charseg-lsp`` (or ``python -m charseg_server.lsp``). The protocol,
including the ``charseg/regions`` notification and request, is described in
``docs/protocol.md``.
"""
