"""Tests of the local corpus steps (mapping, filtering, splitting, caps, manifest).

They build small corpora from source trees written into ``tmp_path`` and
never touch the network.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from charseg_training.corpus import fetch as fetch_module
from charseg_training.corpus.build import (
    SPLITS,
    BuildConfig,
    SourceTree,
    build_corpus,
    split_of,
)
from charseg_training.corpus.cli import main_corpus
from charseg_training.corpus.fetch import (
    FetchError,
    debian_copyright_licence,
    pkg_info_licence,
)
from charseg_training.corpus.labels import label_for_path, label_for_shebang
from charseg_training.corpus.select import (
    SHEBANG,
    decode,
    is_generated,
    is_minified,
    is_prose,
    path_label,
    truncate,
)
from charseg_training.sources import SOURCES, Source, sources_by_name

PROSE = (
    "This program is free software. You can redistribute it and modify it\n"
    "under the terms of the licence that came with it, as long as you keep\n"
    "this notice in every copy that you give to other people.\n"
)


def python_file(index: int, lines: int = 20) -> str:
    """Return a distinct, plausible Python module."""
    body = "".join(f"    total += {index} * {n}\n" for n in range(lines))
    return f"def function_{index}(total):\n{body}    return total\n"


def c_file(index: int, lines: int = 20) -> str:
    """Return a distinct, plausible C file."""
    body = "".join(f"    x += {index} * {n};\n" for n in range(lines))
    return f"int function_{index}(int x)\n{{\n{body}    return x;\n}}\n"


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (relative path to content) under ``root``."""
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8", newline="")
    return root


def make_tree(
    tmp_path: Path, source: Source, files: dict[str, str | bytes]
) -> SourceTree:
    root = write_tree(tmp_path / "trees" / source.name, files)
    return SourceTree(source, "1.0", "MIT", root)


def read_split(out: Path, split: str, label: str) -> list[dict]:
    path = out / split / f"{label}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def all_examples(out: Path, label: str) -> dict[str, list[dict]]:
    return {split: read_split(out, split, label) for split in SPLITS}


# --- mapping -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("pkg/module.py", "python"),
        ("src/Main.scala", "scala"),
        ("src/Main.java", "java"),
        ("src/Main.kt", "kotlin"),
        ("build.gradle.kts", "kotlin"),
        ("lib/index.js", "javascript"),
        ("lib/index.mjs", "javascript"),
        ("src/index.ts", "typescript"),
        ("types/index.d.ts", "typescript"),
        ("src/main.c", "c"),
        ("src/main.cc", "cpp"),
        ("boost/any.hpp", "cpp"),
        ("src/main.cxx", "cpp"),
        ("src/Program.cs", "csharp"),
        ("cmd/main.go", "go"),
        ("src/lib.rs", "rust"),
        ("lib/thing.rb", "ruby"),
        ("Rakefile", "ruby"),
        ("src/Kernel.php", "php"),
        ("t/t0001-init.sh", "shellscript"),
        ("setup.bash", "shellscript"),
        ("sql/create.sql", "sql"),
        ("templates/base.html", "html"),
        ("css/site.css", "css"),
        ("docs/guide.md", "markdown"),
        ("package.json", "json"),
        (".github/workflows/ci.yml", "yaml"),
        ("config.yaml", "yaml"),
        ("compiler/Main.hs", "haskell"),
        ("runtime/lua/vim/shared.lua", "lua"),
        ("R/plot.R", "r"),
        ("lib/Foo/Bar.pm", "perl"),
        ("tex/latex/base/article.cls", "latex"),
        ("doc/paper.tex", "latex"),
        ("pom.xml", "xml"),
        ("README", "plaintext"),
        ("LICENSE.txt", "plaintext"),
        ("CHANGES", "plaintext"),
        ("doc/notes.txt", "plaintext"),
        ("Makefile", "other"),
        ("CMakeLists.txt", "other"),
        ("Dockerfile", "other"),
        ("Sources/App.swift", "other"),
        ("src/mod.jl", "other"),
        ("cmake/FindFoo.cmake", "other"),
    ],
)
def test_label_for_path(path: str, label: str) -> None:
    assert label_for_path(path) == label


@pytest.mark.parametrize(
    "path",
    [
        "dist/app.min.js",
        "doc/index.rst",
        "style.scss",
        "image.png",
        "Makefile.in",
        "bin/tool",
        "binary-compatibility-validator/reference-public-api/core.txt",
        "go/api/go1.18.txt",
    ],
)
def test_label_for_path_unmapped(path: str) -> None:
    assert label_for_path(path) is None


def test_header_label_follows_project() -> None:
    assert label_for_path("include/list.h") == "c"
    assert label_for_path("include/list.h", header_label="cpp") == "cpp"
    cpp_source = Source("boost", "dir", header_label="cpp")
    assert path_label("boost/config.h", cpp_source) == "cpp"


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("#!/bin/sh", "shellscript"),
        ("#!/usr/bin/env bash", "shellscript"),
        ("#!/usr/bin/python3", "python"),
        ("#!/usr/bin/env perl -w", "perl"),
        ("#!/usr/bin/ruby", "ruby"),
        ("#!/usr/bin/awk -f", None),
        ("import os", None),
    ],
)
def test_label_for_shebang(line: str, label: str | None) -> None:
    assert label_for_shebang(line) == label


def test_path_label_rules() -> None:
    source = Source(
        "pkg",
        "dir",
        include=("src/*", "completions/*"),
        exclude=("src/gen/*",),
        labels=frozenset({"python", "shellscript"}),
        path_labels=(("completions/*", "shellscript"),),
    )
    assert path_label("src/a.py", source) == "python"
    assert path_label("tests/a.py", source) is None  # not included
    assert path_label("src/gen/a.py", source) is None  # excluded
    assert path_label("src/a.c", source) is None  # label not allowed
    assert path_label("completions/git", source) == "shellscript"
    assert path_label("src/tool", source) == SHEBANG
    assert path_label("src/node_modules/x/a.py", source) is None  # vendored


# --- content filters ---------------------------------------------------------


def test_decode_rejects_binary_and_latin1() -> None:
    assert decode(b"\x89PNG\r\n\x1a\n\x00\x00") is None
    assert decode("caf\u00e9".encode("latin-1")) is None
    assert decode("caf\u00e9\r\n".encode()) == "caf\u00e9\n"


def test_is_minified() -> None:
    assert is_minified("var a=1;" * 200)
    assert is_minified(("x" * 300 + "\n") * 5)
    assert not is_minified(python_file(1))


def test_is_generated() -> None:
    assert is_generated(
        "/* Generated by the protocol buffer compiler. DO NOT EDIT! */\n"
    )
    assert is_generated("// Code generated by stringer; DO NOT EDIT.\npackage x\n")
    assert is_generated(
        "/* A Bison parser, made by GNU Bison 3.0.4.  */\n\n#define YYBISON 1\n"
    )
    # A hand-written grammar that names Bison is not its output.
    assert not is_generated(
        "/*\n *\t  bison grammar for a simple expression syntax\n */\n"
    )
    assert not is_generated(python_file(1))
    # Markers far below the header do not count.
    assert not is_generated("x = 1\n" * 20 + "# do not edit\n")


def test_is_prose() -> None:
    assert is_prose(PROSE)
    assert not is_prose("1.0 2.0 3.0\n4.0 5.0 6.0\n" * 10)
    assert not is_prose(python_file(3))


def test_truncate_at_line_end() -> None:
    text = "abc\ndef\nghi\n"
    assert truncate(text, 100) == text
    assert truncate(text, 9) == "abc\ndef\n"


def test_licence_parsers() -> None:
    copyright_text = (
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n"
        "Files: debian/*\nLicense: GPL-2+\n\n"
        "Files: *\nCopyright: 2020 Someone\nLicense: MIT\n"
    )
    assert debian_copyright_licence(copyright_text) == "MIT"
    assert debian_copyright_licence("no fields here") == "see package"
    pkg_info = "Metadata-Version: 2.1\nName: x\nVersion: 1.0\nLicense: BSD-3-Clause\n"
    assert pkg_info_licence(pkg_info) == "BSD-3-Clause"
    classifier = (
        "Metadata-Version: 2.1\nName: x\n"
        "Classifier: License :: OSI Approved :: MIT License\n"
    )
    assert pkg_info_licence(classifier) == "MIT License"


def test_sources_catalogue_is_valid() -> None:
    names = [source.name for source in SOURCES]
    assert len(names) == len(set(names))
    for source in SOURCES:
        assert source.kind in {"apt-source", "apt-deb", "npm", "pip", "dir"}, source
        assert source.header_label in {"c", "cpp"}, source
        if source.labels is not None:
            assert set(source.holdout) <= source.labels, source


TEXLIVE_LATEX = "usr/share/texlive/texmf-dist/tex/latex"


@pytest.mark.parametrize(
    ("source", "path", "label"),
    [
        ("texlive-latex-extra", f"{TEXLIVE_LATEX}/acro/acro.sty", "latex"),
        # A pre-release copy of the held-out LaTeX kernel, then a rollback copy.
        ("texlive-latex-extra", f"{TEXLIVE_LATEX}-dev/base/article.cls", None),
        ("texlive-latex-extra", f"{TEXLIVE_LATEX}/acro/acro-2022-01-01.sty", None),
        ("plm", "src/lessons/welcome/Main.html", "html"),
        ("plm", "src/lessons/welcome/Main.fr.html", None),
        ("plm", "src/lessons/welcome/Main.pt_BR.html", None),
        ("plm", "src/lessons/welcome/Main.scala", "scala"),
        ("@rnmapbox/maps", "android/src/main/java/rnmbx/Camera.kt", "kotlin"),
        ("@rnmapbox/maps", "android/src/main/java/rnmbx/RNMBXStyleFactory.kt", None),
        ("tripleo-heat-templates", "roles/Compute.yaml", "yaml"),
        ("tripleo-heat-templates", "roles_data.yaml", None),
        ("tripleo-heat-templates", "network/ports/net_ip.j2.yaml", None),
        ("semantic-ui-css", "components/button.css", "css"),
        ("semantic-ui-css", "components/button.min.css", None),
        ("semantic-ui-css", "semantic.css", None),
        (
            "docbook-xsl",
            "usr/share/xml/docbook/stylesheet/docbook-xsl/xhtml/x.xsl",
            None,
        ),
    ],
)
def test_catalogue_exclusion_rules(source: str, path: str, label: str | None) -> None:
    assert path_label(path, sources_by_name()[source]) == label


# --- building ------------------------------------------------------------------


@pytest.fixture
def corpus(tmp_path: Path) -> tuple[Path, dict, list[SourceTree]]:
    """Build a corpus from three fake sources with good and bad files."""
    alpha = Source("alpha", "dir")
    beta = Source("beta", "dir")
    gamma = Source("gamma", "dir", holdout=("python",))
    alpha_files: dict[str, str | bytes] = {
        f"alpha/mod_{i}.py": python_file(i) for i in range(60)
    }
    alpha_files.update(
        {
            "alpha/copy.py": python_file(100),  # duplicate of beta/orig.py
            "alpha/blob.py": b"\x00\x01\x02binary" * 20,
            "alpha/latin.py": "# caf\u00e9\n".encode("latin-1") * 10,
            "alpha/bundle.js": "var a=1;" * 300,
            "alpha/gen.py": "# Automatically generated file. Do not edit.\n"
            + python_file(7),
            "alpha/node_modules/dep/index.py": python_file(500),
            "alpha/tool": "#!/usr/bin/env python3\n" + python_file(600),
            "alpha/empty.py": "\n",
            "alpha/huge.py": python_file(700, lines=20_000),
            "README": PROSE,
            "alpha/src/a.c": c_file(1),
            "alpha/src/a.h": "int function_1(int x);\n" * 3,
        }
    )
    beta_files: dict[str, str | bytes] = {
        f"beta/mod_{i}.py": python_file(1000 + i) for i in range(60)
    }
    beta_files["beta/orig.py"] = python_file(100)
    beta_files["beta/lib.c"] = c_file(2)
    gamma_files: dict[str, str | bytes] = {
        f"gamma/mod_{i}.py": python_file(2000 + i) for i in range(10)
    }
    trees = [
        make_tree(tmp_path, alpha, alpha_files),
        make_tree(tmp_path, beta, beta_files),
        make_tree(tmp_path, gamma, gamma_files),
    ]
    config = BuildConfig(max_bytes_per_label=20_000, max_file_bytes=200_000)
    out = tmp_path / "corpus"
    manifest = build_corpus(trees, out, config, failed_sources={"delta": "404"})
    return out, manifest, trees


def test_build_writes_every_split_file(corpus) -> None:
    out, _manifest, _trees = corpus
    for split in SPLITS:
        for label in ("python", "c", "plaintext", "scala"):
            assert (out / split / f"{label}.jsonl").exists(), (split, label)


def test_build_example_format(corpus) -> None:
    out, _manifest, _trees = corpus
    for split, examples in all_examples(out, "python").items():
        for example in examples:
            assert set(example) == {"label", "source", "path", "text"}, example
            assert example["label"] == "python"
            assert example["source"] in {"alpha==1.0", "beta==1.0", "gamma==1.0"}, split


def test_build_drops_bad_files(corpus) -> None:
    out, manifest, _trees = corpus
    paths = {
        e["path"] for examples in all_examples(out, "python").values() for e in examples
    }
    assert "alpha/blob.py" not in paths
    assert "alpha/latin.py" not in paths
    assert "alpha/gen.py" not in paths
    assert "alpha/node_modules/dep/index.py" not in paths
    assert "alpha/empty.py" not in paths
    assert "alpha/huge.py" not in paths  # over max_file_bytes
    js_paths = {e["path"] for e in read_split(out, "train", "javascript")}
    assert "alpha/bundle.js" not in js_paths
    dropped = manifest["labels"]["python"]["dropped"]
    assert dropped.get("binary_or_not_utf8", 0) >= 1


def test_build_drops_duplicates(corpus) -> None:
    out, _manifest, _trees = corpus
    texts = [
        e["text"] for examples in all_examples(out, "python").values() for e in examples
    ]
    assert len(texts) == len(set(texts))
    assert texts.count(python_file(100)) <= 1


def test_build_resolves_shebang(corpus, tmp_path: Path) -> None:
    _out, _manifest, trees = corpus
    # A large cap so that nothing is cut: the file must then be present.
    out = tmp_path / "big"
    build_corpus(trees, out, BuildConfig(max_bytes_per_label=10_000_000))
    paths = {
        e["path"] for examples in all_examples(out, "python").values() for e in examples
    }
    assert "alpha/tool" in paths


def test_build_headers_follow_project(corpus) -> None:
    out, _manifest, _trees = corpus
    c_paths = {
        e["path"] for examples in all_examples(out, "c").values() for e in examples
    }
    assert "alpha/src/a.c" in c_paths or "alpha/src/a.h" in c_paths


def test_split_is_deterministic_and_disjoint(corpus, tmp_path: Path) -> None:
    out, _manifest, trees = corpus
    first = all_examples(out, "python")
    out_again = tmp_path / "again"
    build_corpus(
        list(reversed(trees)), out_again, BuildConfig(max_bytes_per_label=20_000)
    )
    second = all_examples(out_again, "python")
    assert first == second
    owners: dict[tuple[str, str], str] = {}
    for split, examples in first.items():
        for example in examples:
            key = (example["source"], example["path"])
            assert key not in owners, f"{key} in {owners[key]} and {split}"
            owners[key] = split


def test_split_of_matches_fractions() -> None:
    config = BuildConfig()
    counts = {"train": 0, "validation": 0, "test": 0}
    for index in range(5000):
        counts[split_of("pkg", f"file_{index}.py", config)] += 1
    assert 0.77 < counts["train"] / 5000 < 0.83
    assert 0.08 < counts["validation"] / 5000 < 0.12
    assert 0.08 < counts["test"] / 5000 < 0.12


def test_unseen_split_holds_one_source(corpus) -> None:
    out, manifest, _trees = corpus
    examples = all_examples(out, "python")
    assert examples["unseen"], "the unseen split is empty"
    assert {e["source"] for e in examples["unseen"]} == {"gamma==1.0"}
    for split in ("train", "validation", "test"):
        assert all(e["source"] != "gamma==1.0" for e in examples[split]), split
    assert manifest["labels"]["python"]["unseen_source"] == "gamma==1.0"


def test_unseen_never_largest_source(tmp_path: Path) -> None:
    big = Source("big", "dir", holdout=("python",))
    small = Source("small", "dir")
    trees = [
        make_tree(tmp_path, big, {f"m{i}.py": python_file(i) for i in range(40)}),
        make_tree(
            tmp_path, small, {f"n{i}.py": python_file(100 + i) for i in range(5)}
        ),
    ]
    config = BuildConfig(labels=("python",), min_unseen_bytes=10**9)
    manifest = build_corpus(trees, tmp_path / "corpus", config)
    # "big" asks to be held out but has most of the data, and "small" is
    # under min_unseen_bytes, so nothing is held out.
    assert manifest["labels"]["python"]["unseen_source"] is None
    manifest = build_corpus(
        trees, tmp_path / "corpus2", BuildConfig(labels=("python",), min_unseen_bytes=1)
    )
    assert manifest["labels"]["python"]["unseen_source"] == "small==1.0"


def test_unseen_needs_two_sources(corpus) -> None:
    _out, manifest, _trees = corpus
    # plaintext comes from one source only, so nothing is held out.
    assert manifest["labels"]["plaintext"]["unseen_source"] is None


def test_caps_per_label_and_split(corpus) -> None:
    out, manifest, _trees = corpus
    config = BuildConfig(max_bytes_per_label=20_000)
    for split in SPLITS:
        size = sum(len(e["text"].encode()) for e in read_split(out, split, "python"))
        assert size <= config.split_cap(split), split
        assert manifest["labels"]["python"]["bytes"][split] == size, split
    assert manifest["labels"]["python"]["bytes"]["train"] > 0.9 * config.split_cap(
        "train"
    )


def test_held_out_basis_sets_held_out_caps() -> None:
    config = BuildConfig(max_bytes_per_label=12_000, held_out_basis_bytes=4_000)
    assert config.split_cap("train") == 12_000
    assert config.split_cap("validation") == 500
    assert config.split_cap("test") == 500
    assert config.split_cap("unseen") == 1_000
    assert BuildConfig(max_bytes_per_label=4_000).split_cap("test") == 500
    with pytest.raises(ValueError, match="held_out_basis_bytes"):
        BuildConfig(held_out_basis_bytes=0)


def test_larger_train_cap_keeps_held_out_splits(corpus, tmp_path: Path) -> None:
    out, _manifest, trees = corpus
    wide = tmp_path / "wide"
    manifest = build_corpus(
        trees,
        wide,
        BuildConfig(max_bytes_per_label=60_000, held_out_basis_bytes=20_000),
    )
    before = all_examples(out, "python")
    after = all_examples(wide, "python")
    for split in ("validation", "test", "unseen"):
        assert after[split] == before[split], split
    assert len(after["train"]) > len(before["train"])
    assert manifest["config"]["held_out_basis_bytes"] == 20_000


def test_caps_balance_sources(corpus) -> None:
    out, _manifest, _trees = corpus
    train = read_split(out, "train", "python")
    by_source: dict[str, int] = {}
    for example in train:
        by_source[example["source"]] = by_source.get(example["source"], 0) + len(
            example["text"]
        )
    assert set(by_source) == {"alpha==1.0", "beta==1.0"}
    assert abs(by_source["alpha==1.0"] - by_source["beta==1.0"]) < 2000


def test_max_chars_per_file(tmp_path: Path) -> None:
    source = Source("long", "dir")
    tree = make_tree(tmp_path, source, {"a.py": python_file(1, lines=2000)})
    out = tmp_path / "corpus"
    build_corpus([tree], out, BuildConfig(max_chars_per_file=1000, labels=("python",)))
    examples = [e for split in SPLITS for e in read_split(out, split, "python")]
    assert len(examples) == 1
    assert len(examples[0]["text"]) <= 1000
    assert examples[0]["text"].endswith("\n")


def test_manifest_contents(corpus) -> None:
    out, manifest, _trees = corpus
    on_disk = json.loads((out / "manifest.json").read_text())
    assert on_disk == manifest
    python = manifest["labels"]["python"]
    assert set(python["files"]) == set(SPLITS)
    assert set(python["bytes"]) == set(SPLITS)
    sources = {entry["source"]: entry for entry in python["sources"]}
    assert set(sources) == {"alpha==1.0", "beta==1.0", "gamma==1.0"}
    assert sources["alpha==1.0"]["licence"] == "MIT"
    total_files = sum(entry["files"]["train"] for entry in python["sources"])
    assert total_files == python["files"]["train"]
    assert manifest["sources"]["alpha"] == {
        "kind": "dir",
        "version": "1.0",
        "licence": "MIT",
    }
    assert manifest["failed_sources"] == {"delta": "404"}


def test_labels_option_limits_output(tmp_path: Path) -> None:
    source = Source("alpha", "dir")
    tree = make_tree(tmp_path, source, {"a.py": python_file(1), "b.c": c_file(1)})
    out = tmp_path / "corpus"
    manifest = build_corpus([tree], out, BuildConfig(labels=("c",)))
    assert list(manifest["labels"]) == ["c"]
    assert not (out / "train" / "python.jsonl").exists()


def test_unknown_label_rejected() -> None:
    with pytest.raises(ValueError, match="unknown labels"):
        BuildConfig(labels=("cobol",))


def test_build_cuts_embedded_code(tmp_path: Path) -> None:
    source = Source("docs", "dir")
    paragraph = "Paragraph {} explains the tool in plain words.\n\n"
    prose = "".join(paragraph.format(i) for i in range(5))
    page = prose + "```python\nimport os\nprint(os.getcwd())\n```\n" + prose
    tree = make_tree(tmp_path, source, {"guide.md": page})
    out = tmp_path / "corpus"
    build_corpus([tree], out, BuildConfig(labels=("markdown",)))
    examples = [e for split in SPLITS for e in read_split(out, split, "markdown")]
    assert len(examples) == 1
    assert examples[0]["text"] == prose + prose
    assert examples[0]["full_text"] == page


def test_offline_fetch_skips_stale_tree(tmp_path, monkeypatch):
    source = Source("pkg", "pip")
    tree = tmp_path / "trees" / "pkg"
    (tree / "files").mkdir(parents=True)
    (tree / "source.json").write_text(json.dumps({"fingerprint": "old rules"}))

    def no_network(*args):
        raise AssertionError("download() was called")

    monkeypatch.setattr(fetch_module, "download", no_network)
    with pytest.raises(FetchError, match="run without --offline"):
        fetch_module.fetch(source, tmp_path, 1000, offline=True)


@pytest.mark.parametrize(
    "option", ["--max-bytes-per-label", "--max-file-bytes", "--jobs"]
)
def test_corpus_sizes_must_be_positive(capsys, option):
    with pytest.raises(SystemExit) as stopped:
        main_corpus([option, "-5", "--offline"])
    assert stopped.value.code == 2
    assert "must be >= 1, got -5" in capsys.readouterr().err


def test_unknown_source_is_one_line_error(capsys):
    from charseg_training.cli import main

    assert main(["corpus", "--sources", "no-such-package", "--offline"]) == 2
    error = capsys.readouterr().err
    assert "charseg-train corpus: error: unknown sources no-such-package" in error


def test_offline_lists_uncached_sources_once(tmp_path, caplog):
    from charseg_training.corpus.cli import fetch_all

    sources = [Source("alpha", "pip"), Source("beta", "npm")]
    with caplog.at_level("ERROR"):
        trees, failures = fetch_all(sources, tmp_path, 1000, 1, offline=True)
    assert trees == []
    assert sorted(failures) == ["alpha", "beta"]
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1
    assert "2 sources are not in the cache" in errors[0].getMessage()
