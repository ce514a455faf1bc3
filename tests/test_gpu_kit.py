"""The GPU kit: packing the corpus, and the script that trains from it on JAX."""

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from tiny_corpus import LANGUAGES, write_tiny_corpus

from charseg_training.cli import main
from charseg_training.kit import pack, sample_rows

ROOT = Path(__file__).resolve().parents[1]
TRAIN_SCRIPT = ROOT / "training" / "gpu" / "train.sh"


def write_rows(path: Path, count: int) -> None:
    rows = [
        {
            "label": "python",
            "source": f"pkg{i % 3}==1",
            "path": f"f{i}.py",
            "text": "x" * 90,
        }
        for i in range(count)
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))


def test_sample_rows_respects_cap(tmp_path):
    path = tmp_path / "python.jsonl"
    write_rows(path, 30)
    data, count = sample_rows(path, 1000)
    assert len(data) <= 1000
    assert count == len(data.splitlines())
    assert count > 1


def test_sample_rows_is_stable_and_mixed(tmp_path):
    path = tmp_path / "python.jsonl"
    write_rows(path, 30)
    first, _ = sample_rows(path, 1000)
    second, _ = sample_rows(path, 1000)
    assert first == second
    sources = {json.loads(line)["source"] for line in first.splitlines()}
    assert len(sources) == 3


def test_sample_rows_keeps_one_oversized_row(tmp_path):
    path = tmp_path / "python.jsonl"
    write_rows(path, 5)
    data, count = sample_rows(path, 10)
    assert count == 1
    assert len(data) > 10


def test_sample_rows_ends_every_row(tmp_path):
    path = tmp_path / "python.jsonl"
    write_rows(path, 6)
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    data, count = sample_rows(path, 10_000)
    assert count == 6
    rows = [json.loads(line) for line in data.decode().splitlines()]
    assert len(rows) == 6
    assert data.endswith(b"\n")


def test_sample_rows_without_cap_keeps_all(tmp_path):
    path = tmp_path / "python.jsonl"
    write_rows(path, 5)
    data, count = sample_rows(path, None)
    assert data == path.read_bytes()
    assert count == 5


def pack_tiny(tmp_path: Path, cap: str = "3000") -> Path:
    write_tiny_corpus(tmp_path)
    kit = tmp_path / "kit"
    argv = ["kit", "--corpus", str(tmp_path / "corpus"), "--out", str(kit)]
    assert main([*argv, "--no-wheels", "--train-bytes-per-label", cap]) == 0
    return kit


def test_kit_samples_train_keeps_validation(tmp_path):
    kit = pack_tiny(tmp_path)
    with tarfile.open(kit / "corpus.tar.xz") as archive:
        names = set(archive.getnames())
        for label in LANGUAGES:
            assert f"corpus/train/{label}.jsonl" in names
            member = archive.getmember(f"corpus/validation/{label}.jsonl")
            source = tmp_path / "corpus" / "validation" / f"{label}.jsonl"
            assert member.size == source.stat().st_size
    summary = json.loads((kit / "kit.json").read_text())
    for label in LANGUAGES:
        assert summary["corpus"]["train"][label]["bytes"] <= 3000
        assert summary["corpus"]["train"][label]["rows"] == 1
    assert summary["wheels"] == []


def test_kit_rejects_oversized_kit(tmp_path):
    write_tiny_corpus(tmp_path)
    with pytest.raises(ValueError, match="lower --train-bytes-per-label"):
        pack(
            tmp_path / "corpus",
            tmp_path / "kit",
            train_cap=None,
            wheels=False,
            python_version="3.12",
            platforms=[],
            max_bytes=100,
        )
    assert list((tmp_path / "kit").iterdir()) == []
    assert not (tmp_path / ".kit.partial").exists()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "line 2: invalid JSON"),
        ("[1, 2]", "line 2: expected an object with a text"),
        ('{"label": "sql"}', "line 2: expected an object with a text"),
    ],
)
def test_kit_rejects_bad_rows(tmp_path, capsys, line, message):
    write_tiny_corpus(tmp_path)
    path = tmp_path / "corpus" / "validation" / "sql.jsonl"
    path.write_text(path.read_text().splitlines()[0] + "\n" + line + "\n")
    kit = tmp_path / "kit"
    argv = ["kit", "--corpus", str(tmp_path / "corpus"), "--out", str(kit)]
    assert main([*argv, "--no-wheels"]) == 2
    assert f"sql.jsonl, {message}" in capsys.readouterr().err
    assert list(kit.iterdir()) == []


def test_kit_rejects_split_without_rows(tmp_path, capsys):
    write_tiny_corpus(tmp_path)
    for path in (tmp_path / "corpus" / "train").glob("*.jsonl"):
        path.write_text("")
    argv = ["kit", "--corpus", str(tmp_path / "corpus"), "--out", str(tmp_path / "k")]
    assert main([*argv, "--no-wheels"]) == 2
    assert "the train files of the corpus contain no rows" in capsys.readouterr().err


def test_kit_out_must_be_folder(tmp_path, capsys):
    write_tiny_corpus(tmp_path)
    out = tmp_path / "file"
    out.write_text("")
    argv = ["kit", "--corpus", str(tmp_path / "corpus"), "--out", str(out)]
    assert main([*argv, "--no-wheels"]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_kit_repack_drops_old_wheels(tmp_path):
    wheels = tmp_path / "kit" / "wheels"
    wheels.mkdir(parents=True)
    (wheels / "old-1.0-py3-none-any.whl").write_text("")
    kit = pack_tiny(tmp_path)
    assert list(wheels.iterdir()) == []
    assert json.loads((kit / "kit.json").read_text())["wheels"] == []


def test_kit_failed_download_leaves_no_kit(tmp_path, monkeypatch):
    from charseg_training import kit as kit_module

    def fail(*args):
        raise RuntimeError("pip download of keras failed: no index")

    monkeypatch.setattr(kit_module, "download_wheels", fail)
    write_tiny_corpus(tmp_path)
    out = tmp_path / "kit"
    assert main(["kit", "--corpus", str(tmp_path / "corpus"), "--out", str(out)]) == 1
    assert not (out / "corpus.tar.xz").exists()
    assert not (out / "kit.json").exists()


def test_kit_failed_repack_keeps_earlier_kit(tmp_path, monkeypatch):
    from charseg_training import kit as kit_module

    kit = pack_tiny(tmp_path)
    (kit / "notes.txt").write_text("mine")
    before = {path.name: path.read_bytes() for path in kit.iterdir()}

    def fail(*args):
        raise RuntimeError("pip download of keras failed: no index")

    monkeypatch.setattr(kit_module, "download_wheels", fail)
    assert main(["kit", "--corpus", str(tmp_path / "corpus"), "--out", str(kit)]) == 1
    after = {path.name: path.read_bytes() for path in kit.iterdir()}
    assert after == before
    assert not (tmp_path / ".kit.partial").exists()


def test_kit_size_counts_only_kit_files(tmp_path):
    out = tmp_path / "kit"
    out.mkdir()
    (out / "notes.bin").write_bytes(b"\0" * 2 * 2**20)
    kit = pack_tiny(tmp_path)
    summary = json.loads((kit / "kit.json").read_text())
    assert summary["kit_bytes"] == summary["archive_bytes"]
    assert summary["kit_bytes"] < 2**20


def test_kit_rejects_bad_python_version(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["kit", "--python-version", "abc"])
    assert caught.value.code == 2
    assert "expected a version such as 3.12, got 'abc'" in capsys.readouterr().err


def test_kit_without_corpus_is_usage_error(tmp_path, capsys):
    argv = ["kit", "--corpus", str(tmp_path / "none"), "--out", str(tmp_path / "k")]
    assert main([*argv, "--no-wheels"]) == 2
    assert "run `charseg-train corpus` first" in capsys.readouterr().err


def run_script(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(TRAIN_SCRIPT), *args],
        cwd=ROOT,
        env={**os.environ, "PYTHON": sys.executable, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_train_script_needs_three_arguments():
    done = run_script("kit")
    assert done.returncode == 2
    assert "usage:" in done.stderr


def test_train_script_reports_missing_kit(tmp_path):
    done = run_script(str(tmp_path / "none"), str(tmp_path / "out"), "1")
    assert done.returncode == 2
    assert "run `charseg-train kit" in done.stderr


@pytest.mark.parametrize("minutes", ["0", "-1", "abc", "0.0", ""])
def test_train_script_checks_minutes_first(tmp_path, minutes):
    done = run_script(str(tmp_path / "none"), str(tmp_path / "out"), minutes)
    assert done.returncode == 2
    assert f"MINUTES must be a number > 0, got '{minutes}'" in done.stderr
    assert not (tmp_path / "out").exists()


def test_train_script_checks_run_from(tmp_path):
    kit = pack_tiny(tmp_path)
    work = str(tmp_path / "work")
    missing = str(tmp_path / "missing")
    done = run_script(str(kit), str(tmp_path / "out"), "1", WORK=work, RUN_FROM=missing)
    assert done.returncode == 2
    assert "has no checkpoint.keras (RUN_FROM=none starts a fresh run)" in done.stderr
    assert not (tmp_path / "work").exists()


@pytest.mark.slow
def test_train_script_trains_on_jax(tmp_path):
    kit = pack_tiny(tmp_path)
    out = tmp_path / "out"
    config = tmp_path / "config.json"
    # The kit's corpus is the only one there: the test's own is renamed away.
    (tmp_path / "corpus").rename(tmp_path / "corpus-packed")

    def train(*fit_options: str) -> subprocess.CompletedProcess:
        return run_script(
            str(kit),
            str(out),
            "5",
            *fit_options,
            WORK=str(tmp_path / "work"),
            RUN_FROM="none",
            JAX_PLATFORMS="cpu",
        )

    # The options of the suggested GPU command, switch weights included.
    fit = ["--config", str(config), "--epochs", "1", "--set", "fit.batch_size=4"]
    done = train(*fit, "--set", "data.switch_weight=2", "--workers", "2")
    assert done.returncode == 0, done.stderr[-3000:]
    state = json.loads((out / "state.json").read_text())
    assert state["epochs"] == 1
    assert state["characters"] == 6 * 4 * 96
    saved = json.loads((out / "config.json").read_text())
    assert saved["fit"]["batch_size"] == 4
    assert saved["data"]["switch_weight"] == 2.0
    assert saved["data"]["corpus"] == "data/corpus"
    assert (out / "checkpoint.keras").stat().st_size > 0
    log = (out / "fit.log").read_text()
    assert "on [CpuDevice" in log
    assert log.count("== train.sh") == 2
    assert "fit exited with status 0" in log

    # A second run with the same WORK resumes, and its log is appended.
    again = train("--epochs", "2")
    assert again.returncode == 0, again.stderr[-3000:]
    assert json.loads((out / "state.json").read_text())["epochs"] == 2
    assert (out / "fit.log").read_text().startswith(log)
