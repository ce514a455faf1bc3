"""The charseg command line, run in-process and as a real console script."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from engine_support import mixed_text, segmenter

from charseg_server.cli import main
from charseg_server.contract import LABELS
from charseg_server.model import default_model_path
from charseg_server.regions import Region, check_tiling

ANSI = re.compile("\x1b\\[[0-9;]*m")
CPU = ["--provider", "cpu"]


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def regions_of(output: str) -> list[Region]:
    return [Region(**item) for item in json.loads(output)["regions"]]


@pytest.fixture
def source_file(tmp_path) -> tuple[Path, str]:
    text = mixed_text(80) + "naïve 🐍 𝄞 end\r\n"
    path = tmp_path / "mixed.py"
    path.write_text(text, encoding="utf-8", newline="")
    return path, text


def feed_stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


# --- formats -------------------------------------------------------------------


def test_segment_json_is_default_off_terminal(capsys, source_file):
    path, text = source_file
    status, out, err = run_cli(capsys, "segment", *CPU, str(path))
    assert status == 0, err
    document = json.loads(out)
    assert document["model"] == str(default_model_path())
    assert document["provider"] == "cpu"
    regions = regions_of(out)
    check_tiling(regions, len(text))
    assert all(region.label in LABELS for region in regions)


def test_segment_text_format(capsys, source_file):
    path, text = source_file
    status, out, _ = run_cli(capsys, "segment", *CPU, "--format", "text", str(path))
    assert status == 0
    assert "\x1b[48;2;" in out
    plain = ANSI.sub("", out)
    assert plain.startswith(text[:100])
    assert "🐍 𝄞 end\n" in plain
    assert "%" in plain.splitlines()[-1]


def test_segment_jsonl_from_stdin(capsys, monkeypatch, caplog):
    lines = [
        json.dumps({"id": 1, "text": "def f(x):\n    return x\n"}),
        "not json at all",
        json.dumps({"id": "two", "text": 5}),
        json.dumps(["no", "object"]),
        "",
        json.dumps({"id": {"nested": True}, "text": "ab\ud800c"}),
        json.dumps({"id": 4, "text": ""}),
        json.dumps({"id": 5, "text": "x" * 50}),
    ]
    data = "\n".join(lines).encode() + b"\n" + b'{"id": 6, "text": "\xff"}\n'
    data += json.dumps({"id": 7, "text": "a\u0000\u0000b"}).encode() + b"\n"
    feed_stdin(monkeypatch, data)

    status, out, _ = run_cli(
        capsys, "segment", *CPU, "--format", "jsonl", "--max-chars", "40", "-"
    )
    assert status == 1

    records = [json.loads(line) for line in out.splitlines()]
    assert [record.get("id") for record in records] == [
        1,
        None,
        "two",
        None,
        {"nested": True},
        4,
        5,
        6,
        7,
    ]
    assert records[0]["regions"][0][:2] == [0, records[0]["regions"][0][1]]
    assert records[0]["regions"][-1][1] == 23
    assert "invalid JSON" in records[1]["error"]
    assert "'text'" in records[2]["error"]
    assert "JSON object" in records[3]["error"]
    assert records[4]["regions"][-1][1] == 4
    assert records[5]["regions"] == []
    assert records[6]["error"].startswith("line 8: document of 50 characters")
    assert "SegmentOptions" not in records[6]["error"]
    assert "invalid UTF-8" in records[7]["error"]
    assert (
        "line 10: text looks binary (50% of its characters are NUL)"
        in (records[8]["error"])
    )
    assert "line 2: invalid JSON" in caplog.text


def test_jsonl_rejects_non_finite_numbers(capsys, monkeypatch):
    data = b'{"id": NaN, "text": "b"}\n{"id": 1e400, "text": "a"}\n'
    data += b'{"id": -Infinity, "text": "c"}\n{"id": 2.5, "text": "d"}\n'
    feed_stdin(monkeypatch, data)
    status, out, _ = run_cli(capsys, "segment", *CPU, "--format", "jsonl", "-")
    assert status == 1
    lines = out.splitlines()
    # Strict JSON: NaN and Infinity would fail here.
    records = [json.loads(line, parse_constant=pytest.fail) for line in lines]
    assert [record["id"] for record in records] == [None, None, None, 2.5]
    assert "line 1: invalid JSON: NaN is not a JSON value" in records[0]["error"]
    assert "line 2: invalid JSON: number 1e400 is out of range" in records[1]["error"]
    assert "-Infinity is not a JSON value" in records[2]["error"]
    assert records[3]["regions"][-1][1] == 1


def test_jsonl_bad_line_errors_alone(capsys, monkeypatch):
    deep = b'{"id": 2, "text": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    huge_int = b'{"id": ' + b"9" * 400 + b', "text": "x"}'
    too_long = b'{"id": ' + b"9" * 5000 + b', "text": "x"}'
    lines = [b'{"id": 1, "text": "a"}', deep, huge_int, too_long]
    lines.append(b'{"id": -' + b"9" * 300 + b', "text": "b"}')
    feed_stdin(monkeypatch, b"\n".join(lines) + b"\n")
    status, out, _ = run_cli(capsys, "segment", *CPU, "--format", "jsonl", "-")
    assert status == 1
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 5
    assert records[0]["regions"][-1][1] == 1
    assert records[1]["error"] == (
        "line 2: invalid JSON: arrays or objects are nested too deeply"
    )
    assert (
        "line 3: invalid JSON: number 99999999999999999999... (400 "
        in (records[2]["error"])
    )
    assert "(5,000 characters) is out of range" in records[3]["error"]
    assert "set_int_max_str_digits" not in records[3]["error"]
    assert records[4]["id"] == -int("9" * 300)


def test_out_naming_input_rejected(capsys, tmp_path):
    source = tmp_path / "docs.jsonl"
    content = b'{"id": 1, "text": "x = 1"}\n'
    source.write_bytes(content)
    for output_format in ("jsonl", "json"):
        status, _, err = run_cli(
            capsys, "segment", *CPU, str(source), "--format", output_format,
            "--out", str(tmp_path / "." / "docs.jsonl"),
        )  # fmt: skip
        assert status == 1
        assert "is the input file" in err
        assert source.read_bytes() == content


def test_out_naming_stdin_rejected(capsys, monkeypatch, tmp_path):
    source = tmp_path / "docs.jsonl"
    content = b'{"id": 1, "text": "x = 1"}\n'
    source.write_bytes(content)
    with source.open("rb") as stream:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(stream))
        argv = ["segment", *CPU, "-", "--format", "jsonl", "--out", str(source)]
        status, _, err = run_cli(capsys, *argv)
    assert status == 1
    assert "is the input file" in err
    assert source.read_bytes() == content


def test_closed_standard_streams_are_errors(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "stdin", None)
    status, _, err = run_cli(capsys, "segment", *CPU, "-", "--format", "json")
    assert status == 1
    assert "standard input is closed" in err
    path = tmp_path / "a.py"
    path.write_text("x = 1\n")
    monkeypatch.setattr(sys, "stdout", None)
    status = main(["segment", *CPU, str(path)])
    assert status == 1
    assert "standard output is closed" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stderr", None)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert main(["segment", *CPU, str(tmp_path / "missing.py")]) == 1
    assert sys.stdout.getvalue() == ""


def test_jsonl_skips_byte_order_mark(capsys, monkeypatch):
    feed_stdin(monkeypatch, b'\xef\xbb\xbf{"id": 1, "text": "ok"}\n')
    status, out, _ = run_cli(capsys, "segment", *CPU, "--format", "jsonl", "-")
    assert status == 0
    assert json.loads(out)["regions"][-1][1] == 2


def test_segment_jsonl_file_and_out(capsys, tmp_path):
    source = tmp_path / "docs.jsonl"
    source.write_text(
        "".join(json.dumps({"id": i, "text": f"x = {i}\n"}) + "\n" for i in range(70))
    )
    target = tmp_path / "out.jsonl"
    status, out, _ = run_cli(
        capsys, "segment", *CPU, "--format", "jsonl", "--out", str(target), str(source)
    )
    assert status == 0
    assert out == ""
    records = [json.loads(line) for line in target.read_text().splitlines()]
    assert [record["id"] for record in records] == list(range(70))


def test_segment_html(capsys, source_file, tmp_path):
    path, text = source_file
    page_path = tmp_path / "page.html"
    status, _, _ = run_cli(
        capsys, "segment", *CPU, "--format", "html", "--out", str(page_path), str(path)
    )
    assert status == 0
    page = page_path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "mixed.py" in page
    assert 'class="legend"' in page
    assert "confidence" in page
    assert "accuracy" not in page


def test_segment_html_with_truth(capsys, source_file, tmp_path):
    path, text = source_file
    _, out, _ = run_cli(capsys, "segment", *CPU, str(path))
    first = regions_of(out)[0]
    wrong = "scala" if first.label != "scala" else "python"
    truth = tmp_path / "truth.json"
    spans = [[0, first.end, first.label]]
    if first.end < len(text):
        spans.append([first.end, len(text), wrong])
    truth.write_text(json.dumps(spans))
    status, page, err = run_cli(
        capsys, "segment", *CPU, "--format", "html", "--truth", str(truth), str(path)
    )
    assert status == 0, err
    assert "Character accuracy" in page
    assert f"true label {first.label}" in page
    if first.end < len(text):
        assert "wrong" in page


def test_truth_with_unknown_label_warns(capsys, source_file, tmp_path, caplog):
    path, text = source_file
    truth = tmp_path / "truth.json"
    truth.write_text(json.dumps([[0, len(text), "klingon"]]))
    status, page, _ = run_cli(
        capsys, "segment", *CPU, "--format", "html", "--truth", str(truth), str(path)
    )
    assert status == 0
    assert "Character accuracy" in page
    assert "--truth: label 'klingon' is none of the model's labels" in caplog.text


def test_segment_stdin(capsys, monkeypatch):
    feed_stdin(monkeypatch, b"SELECT id FROM users;\n")
    status, out, _ = run_cli(capsys, "segment", *CPU)
    assert status == 0
    check_tiling(regions_of(out), 22)


def test_stdin_terminal_prints_hint(capsys, monkeypatch):
    feed_stdin(monkeypatch, b"SELECT id FROM users;\n")
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    status, out, err = run_cli(capsys, "segment", *CPU, "--format", "json")
    assert status == 0
    assert "reading standard input. End it with Ctrl-D." in err
    check_tiling(regions_of(out), 22)


def test_segment_empty_file(capsys, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    status, out, _ = run_cli(capsys, "segment", *CPU, str(path))
    assert status == 0
    assert json.loads(out)["regions"] == []


def test_segment_huge_penalty_gives_one_region(capsys, source_file):
    path, text = source_file
    status, out, _ = run_cli(
        capsys,
        "segment",
        *CPU,
        "--switch-penalty",
        "1e9",
        "--min-region",
        "0",
        str(path),
    )
    assert status == 0
    assert len(regions_of(out)) == 1


def test_segment_options_match_engine(capsys, source_file):
    path, text = source_file
    status, out, _ = run_cli(
        capsys,
        "segment",
        *CPU,
        "--language",
        "haskell",
        "--switch-penalty",
        "3",
        "--min-region",
        "5",
        "--snap-reach",
        "0",
        str(path),
    )
    assert status == 0
    expected = segmenter(
        host_language="haskell", switch_penalty=3.0, min_region=5, snap_reach=0
    ).segment(text)
    assert [r.to_dict() for r in regions_of(out)] == [r.to_dict() for r in expected]


def test_unknown_language_warns(capsys, source_file, caplog):
    path, _ = source_file
    status, _, _ = run_cli(capsys, "segment", *CPU, "--language", "cobol", str(path))
    assert status == 0
    assert "--language cobol matches none of the model's labels" in caplog.text


@pytest.mark.parametrize(
    ("language_id", "label"),
    [("javascriptreact", "javascript"), ("HASKELL", "haskell")],
)
def test_language_aliases_match_server(capsys, source_file, caplog, language_id, label):
    path, text = source_file
    status, out, _ = run_cli(
        capsys, "segment", *CPU, "--language", language_id, str(path)
    )
    expected = segmenter(host_language=label).segment(text)
    assert status == 0
    assert "--language" not in caplog.text
    assert [r.to_dict() for r in regions_of(out)] == [r.to_dict() for r in expected]


# --- errors ----------------------------------------------------------------------


def test_invalid_utf8(capsys, tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"abc\xe9def")
    status, out, err = run_cli(capsys, "segment", *CPU, str(path))
    assert status == 1
    assert out == ""
    assert str(path) in err
    assert "byte offset 3" in err
    assert "--errors replace" in err


def test_invalid_utf8_replaced(capsys, tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"abc\xe9def")
    status, out, _ = run_cli(capsys, "segment", *CPU, "--errors", "replace", str(path))
    assert status == 0
    assert regions_of(out)[-1].end == 7


def test_binary_input(capsys, tmp_path):
    path = tmp_path / "image.bin"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x01\x02\x03" * 200)
    status, _, err = run_cli(capsys, "segment", *CPU, str(path))
    assert status == 1
    assert "binary" in err


@pytest.mark.parametrize(
    ("content", "share"),
    [
        # NULs after the first 64 KiB count too, as in batch mode and the server.
        (b"print(1)\n" * 8000 + b"\x00" * 20000, "22%"),
        (b"a" * 99 + b"\x00", "1%"),
    ],
)
def test_nul_share_counts_whole_text(capsys, tmp_path, content, share):
    path = tmp_path / "odd.txt"
    path.write_bytes(content)
    status, _, err = run_cli(capsys, "segment", *CPU, str(path))
    assert status == 1
    assert f"looks like a binary file ({share} of its characters are NUL)" in err


def test_single_nul_byte_singular(capsys, tmp_path):
    path = tmp_path / "odd.txt"
    path.write_bytes(b"text\x00\xff")
    status, _, err = run_cli(capsys, "segment", *CPU, str(path))
    assert status == 1
    assert "(1 NUL byte in the first 6 bytes)" in err


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_input_names_encoding(capsys, tmp_path, encoding):
    path = tmp_path / "notes.txt"
    text = "print('hello')\n"
    bom = "\ufeff" if encoding == "utf-16-be" else ""
    path.write_bytes((bom + text).encode(encoding))
    status, _, err = run_cli(capsys, "segment", *CPU, str(path))
    assert status == 1
    assert "UTF-16 byte order mark" in err
    assert "iconv" in err


def test_missing_input(capsys, tmp_path):
    status, _, err = run_cli(capsys, "segment", *CPU, str(tmp_path / "nope.py"))
    assert status == 1
    assert "file not found" in err


def test_directory_input(capsys, tmp_path):
    status, _, err = run_cli(capsys, "segment", *CPU, str(tmp_path))
    assert status == 1
    assert "directory" in err


def test_too_large_input(capsys, source_file):
    path, text = source_file
    limit = str(len(text) - 1)
    status, _, err = run_cli(capsys, "segment", *CPU, "--max-chars", limit, str(path))
    assert status == 1
    assert f"{len(text):,} characters" in err
    assert "--max-chars" in err


def test_huge_input_rejected_before_reading(capsys, tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 1000)
    status, _, err = run_cli(capsys, "segment", *CPU, "--max-chars", "10", str(path))
    assert status == 1
    assert "longer than the limit of 10 characters" in err
    assert "--max-chars" in err


def test_max_chars_skips_byte_order_mark(capsys, tmp_path):
    path = tmp_path / "one.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "😀".encode())
    status, out, err = run_cli(capsys, "segment", *CPU, "--max-chars", "1", str(path))
    assert status == 0, err
    assert regions_of(out)[-1].end == 1
    path.write_bytes(b"\xef\xbb\xbf" + "😀😀".encode())
    status, _, err = run_cli(capsys, "segment", *CPU, "--max-chars", "1", str(path))
    assert status == 1
    assert "limit of 1 character" in err


def test_huge_limit_reads_input_only(capsys, source_file):
    path, text = source_file
    for limit in ("9999999999999999", "99999999999999999999"):
        status, out, err = run_cli(
            capsys, "segment", *CPU, "--max-chars", limit, str(path)
        )
        assert status == 0
        assert err == ""
        assert regions_of(out)[-1].end == len(text)


def test_byte_order_mark_is_dropped(capsys, source_file, tmp_path):
    path, text = source_file
    marked = tmp_path / "marked.py"
    marked.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    _, plain, _ = run_cli(capsys, "segment", *CPU, str(path))
    status, with_mark, _ = run_cli(capsys, "segment", *CPU, str(marked))
    assert status == 0
    assert regions_of(with_mark) == regions_of(plain)
    assert regions_of(with_mark)[-1].end == len(text)


def test_too_many_threads_rejected(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["segment", "--threads", "100000"])
    assert caught.value.code == 2
    assert "must be <= 256" in capsys.readouterr().err


def test_truth_needs_html(capsys, source_file, tmp_path):
    path, _ = source_file
    truth = tmp_path / "truth.json"
    truth.write_text("[]")
    status, _, err = run_cli(capsys, "segment", *CPU, "--truth", str(truth), str(path))
    assert status == 1
    assert "--format html" in err


@pytest.mark.parametrize(
    "content, message",
    [
        ("{", "invalid truth file"),
        ('{"a": 1}', "JSON list"),
        ("[[0, 5]]", "entry 0"),
        ('[[5, 2, "python"]]', "start < end"),
        ('[[0, 5, "python"], [3, 8, "scala"]]', "overlaps"),
        ('[[0, 100000, "python"]]', "ends past the text"),
    ],
)
def test_invalid_truth_file(capsys, source_file, tmp_path, content, message):
    path, _ = source_file
    truth = tmp_path / "truth.json"
    truth.write_text(content)
    status, _, err = run_cli(
        capsys, "segment", *CPU, "--format", "html", "--truth", str(truth), str(path)
    )
    assert status == 1
    assert message in err


def test_missing_model(capsys, source_file, tmp_path):
    path, _ = source_file
    model = tmp_path / "none.onnx"
    status, _, err = run_cli(capsys, "segment", "--model", str(model), str(path))
    assert status == 1
    assert str(model) in err


def test_unwritable_output(capsys, source_file, tmp_path):
    path, _ = source_file
    target = tmp_path / "missing-dir" / "out.json"
    status, _, err = run_cli(capsys, "segment", *CPU, "--out", str(target), str(path))
    assert status == 1
    assert "cannot write" in err


def test_usage_error_exit_status(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["segment", "--min-region", "-3"])
    assert caught.value.code == 2
    assert "must be >= 0" in capsys.readouterr().err


# --- info, version, help -----------------------------------------------------------


def test_info(capsys):
    status, out, _ = run_cli(capsys, "info", *CPU)
    assert status == 0
    assert f"model: {default_model_path()}" in out
    assert "contract version: 1" in out
    assert "window: 1024 characters, margin 96, core 832" in out
    assert "python, scala" in out
    assert "CPUExecutionProvider" in out
    assert "provider in use: cpu" in out


def test_version(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.startswith("charseg ")


def test_segment_help_explains_default_format(capsys):
    with pytest.raises(SystemExit):
        main(["segment", "--help"])
    out = capsys.readouterr().out
    assert "terminal" in out
    assert "--truth" in out


# --- the installed console script -----------------------------------------------------


def charseg_command() -> list[str]:
    script = shutil.which("charseg", path=str(Path(sys.executable).parent))
    if script is None:
        return [sys.executable, "-m", "charseg_server.cli"]
    return [script]


def test_console_script_stdin():
    text = 'fn main() { println!("hi"); }\n'
    result = subprocess.run(
        [*charseg_command(), "segment", *CPU, "-"],
        input=text.encode(),
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    check_tiling(regions_of(result.stdout.decode()), len(text))


def test_console_script_error_has_no_traceback(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"\xff\xfe\x00")
    result = subprocess.run(
        [*charseg_command(), "segment", *CPU, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("charseg: error:")
    assert "Traceback" not in result.stderr


def test_console_script_text_on_terminal(tmp_path):
    path = tmp_path / "a.py"
    path.write_text("print('hello')\n")
    main_fd, child_fd = pty.openpty()
    process = subprocess.Popen(
        [*charseg_command(), "segment", *CPU, str(path)],
        stdout=child_fd,
        stderr=subprocess.PIPE,
    )
    os.close(child_fd)
    chunks = []
    while True:
        try:
            chunk = os.read(main_fd, 4096)
        except OSError:  # the terminal closes when the child exits
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main_fd)
    assert process.wait(timeout=60) == 0
    output = b"".join(chunks).decode("utf-8")
    assert "\x1b[48;2;" in output
    assert "print('hello')" in ANSI.sub("", output)
