"""Server settings (section ``charseg``) and their validation.

Settings arrive as JSON objects from ``initializationOptions``, from
``workspace/configuration`` and from ``workspace/didChangeConfiguration``. Keys are
camelCase, as in VS Code's ``settings.json``. An invalid value falls back to the
default and produces a warning that names the setting.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

SECTION = "charseg"

PROVIDERS = ("auto", "cpu", "cuda")
SEVERITIES = ("error", "warning", "information", "hint", "off")
INLAY_HINT_MODES = ("foreign", "all", "off")

_MAX_DEBOUNCE_MS = 60_000


@dataclass(frozen=True)
class Settings:
    """Validated settings. Field names are the snake_case of the setting keys."""

    #: ONNX model file; None for the bundled model.
    model_path: str | None = None
    provider: str = "auto"
    #: Quiet time after the last change before a document is analysed, in ms.
    debounce_ms: int = 150
    #: Minimum length of a region, in characters, for a diagnostic or inlay hint.
    min_region: int = 40
    #: Minimum region confidence (0 to 1) for a diagnostic or inlay hint.
    confidence_threshold: float = 0.6
    diagnostic_severity: str = "information"
    #: Labels (or VS Code language ids) that never get diagnostics or hints.
    ignore_languages: tuple[str, ...] = ()
    #: Largest document analysed, in characters (code points). Inference time grows
    #: linearly with length, so larger documents get a message instead of regions.
    max_document_size: int = 1_000_000
    inlay_hints: str = "foreign"

    @property
    def model_key(self) -> tuple[str | None, str]:
        """The settings that select the loaded model."""
        return (self.model_path, self.provider)


_KEYS: dict[str, str] = {
    "modelPath": "model_path",
    "provider": "provider",
    "debounceMs": "debounce_ms",
    "minRegion": "min_region",
    "confidenceThreshold": "confidence_threshold",
    "diagnosticSeverity": "diagnostic_severity",
    "ignoreLanguages": "ignore_languages",
    "maxDocumentSize": "max_document_size",
    "inlayHints": "inlay_hints",
}


class InvalidSetting(ValueError):
    """Raised by a validator, with a message that describes a valid value."""


def _model_path(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidSetting("expected a file path string or null")
    return value


def _choice(options: tuple[str, ...]):
    def validate(value: Any) -> str:
        if not isinstance(value, str) or value.lower() not in options:
            raise InvalidSetting(f"expected one of {', '.join(options)}")
        return value.lower()

    return validate


def _integer(minimum: int, maximum: int | None = None):
    def validate(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidSetting("expected an integer")
        if isinstance(value, float) and not value.is_integer():
            raise InvalidSetting("expected an integer")
        if value < minimum or (maximum is not None and value > maximum):
            upper = "" if maximum is None else f" and at most {maximum}"
            raise InvalidSetting(f"expected at least {minimum}{upper}")
        return int(value)

    return validate


def _fraction(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidSetting("expected a number from 0 to 1")
    if math.isnan(value) or not 0 <= value <= 1:
        raise InvalidSetting("expected a number from 0 to 1")
    return float(value)


def _string_list(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidSetting("expected a list of language ids")
    return tuple(v.lower() for v in value)


_VALIDATORS = {
    "model_path": _model_path,
    "provider": _choice(PROVIDERS),
    "debounce_ms": _integer(0, _MAX_DEBOUNCE_MS),
    "min_region": _integer(1),
    "confidence_threshold": _fraction,
    "diagnostic_severity": _choice(SEVERITIES),
    "ignore_languages": _string_list,
    "max_document_size": _integer(1),
    "inlay_hints": _choice(INLAY_HINT_MODES),
}


def section_of(options: Any, source: str) -> tuple[Mapping[str, Any], list[str]]:
    """Return the ``charseg`` section of a settings object, with warnings.

    Clients send either ``{"charseg": {...}}`` or the section itself. Anything
    that is not an object (``None`` aside) gives an empty section and a warning
    that names ``source``, such as ``initializationOptions``.
    """
    if options is None:
        return {}, []
    if not isinstance(options, Mapping):
        return {}, [
            f"{source} is {_json_type(options)}, not an object, so it is ignored"
        ]
    if SECTION not in options:
        return options, []
    inner = options[SECTION]
    if isinstance(inner, Mapping):
        return inner, []
    return {}, [
        f"{source}: {SECTION} is {_json_type(inner)}, not an object, so it is ignored"
    ]


def unknown_language_ids(
    settings: Settings, labels: tuple[str, ...], label_of
) -> list[str]:
    """Return a warning per ``ignoreLanguages`` entry that matches no label.

    ``label_of(language_id, labels)`` maps an id to a label or None.
    """
    return [
        f"{SECTION}.ignoreLanguages: {name!r} is not a language the model "
        "labels, so it has no effect"
        for name in settings.ignore_languages
        if label_of(name, labels) is None
    ]


def _json_type(value: Any) -> str:
    names = {bool: "a boolean", str: "a string", list: "a list", type(None): "null"}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def parse_settings(
    raw: Mapping[str, Any], base: Settings
) -> tuple[Settings, list[str]]:
    """Validate ``raw`` settings over ``base`` and return them with warnings.

    Keys missing from ``raw`` and keys with invalid values keep ``base``'s value.
    Unknown keys are reported too, so that a misspelt setting is noticed.
    """
    warnings: list[str] = []
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = _KEYS.get(key)
        if name is None:
            warnings.append(f"unknown setting {SECTION}.{key} is ignored")
            continue
        try:
            values[name] = _VALIDATORS[name](value)
        except InvalidSetting as error:
            default = getattr(base, name)
            warnings.append(
                f"invalid value {value!r} for setting {SECTION}.{key}: {error}; "
                f"using {default!r}"
            )
    return replace(base, **values), warnings


def settings_to_json(settings: Settings) -> dict[str, Any]:
    """Return the settings with their camelCase keys, for logging."""
    names = {name: key for key, name in _KEYS.items()}
    result = {}
    for item in fields(settings):
        value = getattr(settings, item.name)
        result[names[item.name]] = list(value) if isinstance(value, tuple) else value
    return result
