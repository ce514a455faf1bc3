"""Validation of the language server's settings."""

import pytest

from charseg_server.lsp.settings import (
    Settings,
    parse_settings,
    section_of,
    settings_to_json,
    unknown_language_ids,
)


def test_defaults():
    settings = Settings()
    assert settings.debounce_ms == 150
    assert settings.confidence_threshold == 0.6
    assert settings.min_region == 40
    assert settings.diagnostic_severity == "information"
    assert settings.inlay_hints == "foreign"


def test_valid_values_are_applied():
    raw = {
        "modelPath": "/models/m.onnx",
        "provider": "CPU",
        "debounceMs": 0,
        "minRegion": 1,
        "confidenceThreshold": 1,
        "diagnosticSeverity": "hint",
        "ignoreLanguages": ["SQL", "bash"],
        "maxDocumentSize": 10,
        "inlayHints": "all",
    }
    settings, warnings = parse_settings(raw, Settings())
    assert warnings == []
    assert settings == Settings(
        model_path="/models/m.onnx",
        provider="cpu",
        debounce_ms=0,
        min_region=1,
        confidence_threshold=1.0,
        diagnostic_severity="hint",
        ignore_languages=("sql", "bash"),
        max_document_size=10,
        inlay_hints="all",
    )


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("provider", "tpu"),
        ("debounceMs", -1),
        ("debounceMs", "fast"),
        ("debounceMs", True),
        ("debounceMs", 1.5),
        ("minRegion", 0),
        ("confidenceThreshold", 1.5),
        ("confidenceThreshold", float("nan")),
        ("diagnosticSeverity", "fatal"),
        ("ignoreLanguages", "python"),
        ("ignoreLanguages", [1]),
        ("maxDocumentSize", 0),
        ("inlayHints", True),
        ("modelPath", 3),
    ],
)
def test_invalid_value_falls_back_with_warning(key, value):
    base = Settings(debounce_ms=7)
    settings, warnings = parse_settings({key: value}, base)
    assert settings == base
    assert len(warnings) == 1
    assert f"charseg.{key}" in warnings[0]


def test_unknown_key_is_reported():
    settings, warnings = parse_settings({"debounce": 5}, Settings())
    assert settings == Settings()
    assert warnings == ["unknown setting charseg.debounce is ignored"]


def test_empty_model_path_means_bundled_model():
    settings, warnings = parse_settings({"modelPath": ""}, Settings(model_path="/m"))
    assert warnings == []
    assert settings.model_path is None


def test_section_of_accepts_wrapped_and_bare_objects():
    assert section_of({"charseg": {"minRegion": 2}}, "x") == ({"minRegion": 2}, [])
    assert section_of({"minRegion": 2}, "x") == ({"minRegion": 2}, [])
    assert section_of(None, "x") == ({}, [])


@pytest.mark.parametrize(
    ("options", "kind"),
    [("str", "a string"), (5, "a number"), ([1], "a list"), (True, "a boolean")],
)
def test_section_of_non_objects_warns(options, kind):
    section, warnings = section_of(options, "initializationOptions")
    assert section == {}
    assert warnings == [
        f"initializationOptions is {kind}, not an object, so it is ignored"
    ]
    section, warnings = section_of({"charseg": options}, "initializationOptions")
    assert section == {}
    assert warnings == [
        f"initializationOptions: charseg is {kind}, not an object, so it is ignored"
    ]


def test_unknown_ignored_languages_are_named():
    from charseg_server.contract import LABELS
    from charseg_server.lsp.languages import label_for_language_id

    settings = Settings(ignore_languages=("sql", "bash", "klingon"))
    warnings = unknown_language_ids(settings, LABELS, label_for_language_id)
    assert len(warnings) == 1
    assert "'klingon' is not a language the model labels" in warnings[0]


def test_settings_to_json_uses_setting_keys():
    data = settings_to_json(Settings(ignore_languages=("sql",)))
    assert data["ignoreLanguages"] == ["sql"]
    assert data["debounceMs"] == 150
    assert set(data) == {
        "modelPath",
        "provider",
        "debounceMs",
        "minRegion",
        "confidenceThreshold",
        "diagnosticSeverity",
        "ignoreLanguages",
        "maxDocumentSize",
        "inlayHints",
    }
