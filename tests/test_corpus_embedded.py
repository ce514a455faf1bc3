"""Embedded code in Markdown and HTML files, and POD in Perl files, is cut out."""

from charseg_training.corpus.embedded import (
    remove_embedded_code,
    without_fences,
    without_pod,
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


def test_pod_blocks_removed():
    text = (
        "use strict;\n\n=head1 NAME\n\nFoo - does things\n\n=cut\n\n"
        "sub run { 1 }\n\n__END__\n\n=pod\n\nTrailing manual.\n"
    )
    assert without_pod(text) == "use strict;\n\n\nsub run { 1 }\n\n__END__\n\n"
    assert remove_embedded_code("perl", text) == without_pod(text)


def test_pod_directive_starts_line():
    text = "my $x = 1;\n=cut\nprint 2;\n  =head1 not pod\n$y == 2;\n"
    assert without_pod(text) == text
