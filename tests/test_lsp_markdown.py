"""Fenced code blocks in Markdown, and the names of languages in info strings."""

from charseg_server.contract import LABELS
from charseg_server.lsp.languages import (
    are_compatible,
    fence_name,
    label_for_fence_info,
    label_for_language_id,
)
from charseg_server.lsp.markdown import find_fences


def test_backtick_fence_with_info():
    text = "intro\n```python\nx = 1\n```\nafter\n"
    (fence,) = find_fences(text)
    assert text[fence.start : fence.end] == "```python\nx = 1\n```\n"
    assert text[fence.content_start : fence.content_end] == "x = 1\n"
    assert fence.info == "python"
    assert text[fence.info_start : fence.info_end] == "python"
    assert text[fence.marker_start :].startswith("```python")


def test_fence_without_info():
    text = "```\nls -la\n```"
    (fence,) = find_fences(text)
    assert fence.info == ""
    assert fence.info_start == fence.info_end == 3
    assert fence.end == len(text)


def test_tilde_fence_needs_tilde_closing_of_same_length():
    text = "~~~~ sh\necho ```\n~~~\nstill inside\n~~~~~\nout\n"
    (fence,) = find_fences(text)
    assert text[fence.content_start : fence.content_end] == (
        "echo ```\n~~~\nstill inside\n"
    )
    assert fence.info == "sh"


def test_info_string_keeps_first_word():
    (fence,) = find_fences("```py title='x.py'\nx\n```\n")
    assert fence.info == "py"


def test_backtick_info_with_backtick_is_not_a_fence():
    assert find_fences("```a`b\nx\n") == []


def test_unclosed_fence_runs_to_end():
    text = "x\n```js\nlet a = 1\n"
    (fence,) = find_fences(text)
    assert fence.end == len(text)
    assert text[fence.content_start : fence.content_end] == "let a = 1\n"


def test_blank_fence_has_no_content():
    (fence,) = find_fences("```\n\n  \n```\n")
    assert not fence.has_content


def test_crlf_fences_and_indented_fences():
    text = "- item\r\n\r\n  ```rust\r\n  fn main() {}\r\n  ```\r\nend\r\n"
    (fence,) = find_fences(text)
    assert fence.info == "rust"
    assert text[fence.content_start : fence.content_end] == "  fn main() {}\r\n"
    assert text[fence.end :] == "end\r\n"


def test_several_fences():
    text = "```\na\n```\ntext\n```c\nb\n```\n"
    assert [f.info for f in find_fences(text)] == ["", "c"]


def test_language_ids_map_to_labels():
    assert label_for_language_id("python", LABELS) == "python"
    assert label_for_language_id("typescriptreact", LABELS) == "typescript"
    assert label_for_language_id("javascriptreact", LABELS) == "javascript"
    assert label_for_language_id("bash", LABELS) == "shellscript"
    assert label_for_language_id("jsonc", LABELS) == "json"
    assert label_for_language_id("toml", LABELS) is None
    assert label_for_language_id(None, LABELS) is None


def test_fence_info_aliases():
    cases = {
        "py": "python",
        "Python3": "python",
        "{.python}": "python",
        "language-js": "javascript",
        "c++": "cpp",
        "sh": "shellscript",
        "bash": "shellscript",
        "yml": "yaml",
        "ts": "typescript",
        "text": "plaintext",
        "mermaid": None,
        "": None,
    }
    for info, label in cases.items():
        assert label_for_fence_info(info, LABELS) == label, info


def test_fence_names_and_compatibility():
    assert fence_name("shellscript") == "sh"
    assert fence_name("python") == "python"
    assert fence_name("other") is None
    assert are_compatible("c", "cpp")
    assert are_compatible("typescript", "javascript")
    assert not are_compatible("python", "scala")
