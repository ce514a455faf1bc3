"""Code embedded in Markdown and HTML files is cut out before training."""

from charseg_training.corpus.embedded import (
    remove_embedded_code,
    without_fences,
    without_script_and_style,
)


def test_fences_removed_with_their_lines():
    text = "# Title\n\nRun this:\n\n```python\nprint(1)\n```\n\nThen read on.\n"
    assert without_fences(text) == "# Title\n\nRun this:\n\n\nThen read on.\n"


def test_unclosed_fence_runs_to_end():
    text = "Intro.\n~~~\nSELECT 1;\n"
    assert without_fences(text) == "Intro.\n"


def test_inline_code_kept():
    text = "Call `len(x)` and ``a`b`` in prose.\n"
    assert without_fences(text) == text


def test_script_and_style_emptied():
    text = (
        "<p>Hi</p>\n<SCRIPT type='module'>\nlet a = 1;\n</SCRIPT>\n"
        "<style>\np { color: red }\n</style >\n<p>Bye</p>\n"
    )
    expected = (
        "<p>Hi</p>\n<SCRIPT type='module'></SCRIPT>\n<style></style >\n<p>Bye</p>\n"
    )
    assert without_script_and_style(text) == expected


def test_script_with_source_kept():
    text = '<script src="app.js"></script>\n<p>Text</p>\n'
    assert without_script_and_style(text) == text


def test_other_labels_untouched():
    text = 'doc = """\n```python\nx = 1\n```\n"""\n'
    assert remove_embedded_code("python", text) == text
    assert remove_embedded_code("markdown", text) == 'doc = """\n"""\n'
