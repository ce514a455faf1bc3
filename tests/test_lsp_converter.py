import pytest
from cattrs import transform_error
from lsprotocol import types

from charseg_server.lsp.converter import strict_converter

CONVERTER = strict_converter()


def hover_params(uri, line, character=0) -> dict:
    return {
        "textDocument": {"uri": uri},
        "position": {"line": line, "character": character},
    }


def problems(data: dict, type_: type) -> list[str]:
    with pytest.raises(Exception) as caught:
        CONVERTER.structure(data, type_)
    return transform_error(caught.value)


def test_well_typed_params_pass():
    params = CONVERTER.structure(hover_params("file:///a.py", 3, 7), types.HoverParams)
    assert params.text_document.uri == "file:///a.py"
    assert (params.position.line, params.position.character) == (3, 7)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (hover_params(5, 0), ["expected str @ $.text_document.uri"]),
        (hover_params("a", "2"), ["expected int @ $.position.line"]),
        (hover_params("a", 1.7), ["expected int @ $.position.line"]),
        (hover_params("a", True), ["expected int @ $.position.line"]),
        (
            hover_params(None, 0, "x"),
            [
                "expected str @ $.text_document.uri",
                "expected int @ $.position.character",
            ],
        ),
    ],
)
def test_mistyped_scalars_are_rejected(data, expected):
    found = problems(data, types.HoverParams)
    assert [problem.partition("type, ")[2] for problem in found] == expected


def test_enums_are_still_built():
    start = {"line": 0, "character": 0}
    diagnostic = {
        "range": {"start": start, "end": start},
        "message": "m",
        "severity": 4,
        "tags": [1],
    }
    parsed = CONVERTER.structure(diagnostic, types.Diagnostic)
    assert parsed.severity is types.DiagnosticSeverity.Hint
    assert list(parsed.tags) == [types.DiagnosticTag.Unnecessary]
    assert parsed.tags[0] is types.DiagnosticTag.Unnecessary
    kind = CONVERTER.structure("quickfix", types.CodeActionKind)
    assert kind is types.CodeActionKind.QuickFix


def test_integer_rejected_as_boolean():
    data = {"textDocument": {"uri": "a"}, "position": {"line": 0, "character": 0}}
    context = {"includeDeclaration": 1}
    found = problems({**data, "context": context}, types.ReferenceParams)
    assert found == [
        "invalid value for type, expected bool @ $.context.include_declaration"
    ]
