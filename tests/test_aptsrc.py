"""Debian source entries for the corpus fetcher."""

from charseg_training.corpus.aptsrc import has_source_entries, source_stanzas


def test_source_stanzas_rewrite_types_and_skip_security():
    deb822 = (
        "Types: deb\n# mirror note\nURIs: http://mirror.invalid/debian\n"
        "Suites: bookworm bookworm-updates\nComponents: main\n\n"
        "Types: deb\nURIs: http://mirror.invalid/debian-security\n"
        "Suites: bookworm-security\nComponents: main\n"
    )
    text = source_stanzas(deb822)
    assert text.startswith("Types: deb-src\n")
    assert "bookworm bookworm-updates" in text
    assert "security" not in text
    assert "#" not in text


def test_has_source_entries_detects_deb_src(tmp_path):
    (tmp_path / "a.sources").write_text("Types: deb\nSuites: bookworm\n")
    assert not has_source_entries(tmp_path)
    (tmp_path / "b.sources").write_text("Types: deb-src\nSuites: bookworm\n")
    assert has_source_entries(tmp_path)
