"""A message converter that rejects mistyped scalars instead of coercing them.

cattrs structures a field typed ``str`` by calling ``str(value)`` and one typed
``int`` by calling ``int(value)``, so a URI sent as a number became the string
``"5"`` and a line sent as ``"2"`` or ``1.7`` became a number. The server then
looked up a document or position that the client never named. Here such a
value fails like a missing field does: a request gets ``-32602`` and a
notification is dropped with a warning that names the field.
"""

from __future__ import annotations

from typing import Any

from cattrs import Converter
from pygls.protocol import default_converter


def _strict(kind: type, name: str):
    """Return a structure hook that accepts only JSON values of type ``kind``."""

    def structure(value: Any, type_: type) -> Any:
        if type_ is not kind:
            # Subclasses, such as the protocol's int and str enums, are built
            # from the value, as cattrs builds them.
            return type_(value)
        # bool is an int subclass in Python but a separate type in JSON.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise TypeError(f"expected {name}, got {type(value).__name__}")
        return value

    return structure


def strict_converter() -> Converter:
    """Return pygls's LSP converter with strict ``str``, ``int`` and ``bool``."""
    converter = default_converter()
    for kind, name in ((str, "a string"), (int, "an integer"), (bool, "a boolean")):
        converter.register_structure_hook(kind, _strict(kind, name))
    return converter
