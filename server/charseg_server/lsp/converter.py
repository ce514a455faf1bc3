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
    def structure(value: Any, type_: type) -> Any:
        if type_ is not kind:
            # A subclass, such as the protocol's int and str enums: build it
            # from the value as cattrs does.
            return type_(value)
        # bool is an int subclass in Python but a separate type in JSON.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise TypeError(f"expected {name}, got {_json_type(value)}")
        return value

    return structure


def _json_type(value: Any) -> str:
    names = {bool: "boolean", int: "number", float: "number", str: "string"}
    names.update({dict: "object", list: "array", type(None): "null"})
    return names.get(type(value), type(value).__name__)


def strict_converter() -> Converter:
    """Return pygls's LSP converter with strict ``str``, ``int`` and ``bool``."""
    converter = default_converter()
    for kind, name in ((str, "a string"), (int, "an integer"), (bool, "a boolean")):
        converter.register_structure_hook(kind, _strict(kind, name))
    return converter
