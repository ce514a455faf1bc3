"""The whole training pipeline on a tiny corpus that the test writes itself."""

import json
import shutil

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from tiny_corpus import LANGUAGES, write_tiny_corpus

from charseg_server.contract import INPUT_NAME, OUTPUT_NAME, ModelContract, encode


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("pipeline")
    config_path = write_tiny_corpus(root)
    from charseg_training.cli import main

    run = root / "run"
    assert (
        main(["fit", "--run", str(run), "--config", str(config_path), "--quiet"]) == 0
    )
    return run


def test_fit_writes_checkpoint_and_state(trained_run):
    assert (trained_run / "checkpoint.keras").exists()
    assert (trained_run / "best.keras").exists()
    state = json.loads((trained_run / "state.json").read_text())
    assert state["epochs"] == 2
    assert state["characters"] == 2 * 6 * 8 * 96
    history = (trained_run / "history.csv").read_text().splitlines()
    assert len(history) == 3


def test_fit_resumes_from_checkpoint(trained_run):
    from charseg_training.cli import main

    assert main(["fit", "--run", str(trained_run), "--epochs", "3", "--quiet"]) == 0
    state = json.loads((trained_run / "state.json").read_text())
    assert state["epochs"] == 3
    assert len((trained_run / "history.csv").read_text().splitlines()) == 4


def test_fit_warns_of_labels_without_text(tmp_path, caplog):
    from charseg_training.cli import main

    config = write_tiny_corpus(tmp_path)
    corpus = json.loads(config.read_text())["data"]["corpus"]
    (tmp_path / corpus / "train" / "css.jsonl").unlink()
    run = ["fit", "--run", str(tmp_path / "run"), "--config", str(config)]
    with caplog.at_level("WARNING", logger="charseg_training.train"):
        assert main([*run, "--epochs", "1", "--quiet"]) == 0
    assert "the train split of" in caplog.text
    assert "has no text for css: the model cannot learn" in caplog.text


def test_fit_workers_keep_batches(tmp_path):
    from charseg_training.cli import main

    histories = []
    for workers in ("1", "3"):
        root = tmp_path / workers
        config = write_tiny_corpus(root)
        run = ["fit", "--run", str(root / "run"), "--config", str(config)]
        assert main([*run, "--workers", workers, "--quiet"]) == 0
        rows = (root / "run" / "history.csv").read_text().splitlines()
        histories.append([[float(v) for v in row.split(",")] for row in rows[1:]])
    # Same seed, same batches: the threads change only when a batch is made.
    np.testing.assert_allclose(histories[0], histories[1], rtol=1e-5)


def test_fit_rejects_model_change_on_resume(trained_run, capsys):
    from charseg_training.cli import main

    config = (trained_run / "config.json").read_text()
    resume = ["fit", "--run", str(trained_run), "--epochs", "9"]
    change = ["--set", "model.lstm_units=32", "--set", "model.shape=bilstm"]
    assert main([*resume, *change, "--quiet"]) == 2
    error = capsys.readouterr().err
    assert "model.shape, model.lstm_units cannot change when a run resumes" in error
    assert (trained_run / "config.json").read_text() == config


def copy_run(trained_run, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(trained_run, run)
    return run


def test_fit_rejects_hand_edited_model(trained_run, tmp_path, capsys):
    from charseg_training.cli import main

    run = copy_run(trained_run, tmp_path)
    config = json.loads((run / "config.json").read_text())
    config["model"]["lstm_units"] = 16
    (run / "config.json").write_text(json.dumps(config))
    assert main(["fit", "--run", str(run), "--epochs", "9", "--quiet"]) == 2
    assert "contains another network than the config" in capsys.readouterr().err


def test_fit_needs_epochs_beyond_trained(trained_run, tmp_path, capsys):
    from charseg_training.cli import main

    run = copy_run(trained_run, tmp_path)
    trained = json.loads((run / "state.json").read_text())["epochs"]
    state = (run / "state.json").read_text()
    assert main(["fit", "--run", str(run), "--epochs", "1", "--quiet"]) == 2
    message = f"has trained {trained} epochs already: set --epochs above {trained}"
    assert message in capsys.readouterr().err
    assert (run / "state.json").read_text() == state


def test_nan_loss_stops_before_checkpoint():
    from charseg_training.train import FailOnNaN

    guard = FailOnNaN()
    guard.on_epoch_end(0, {"loss": 0.5})
    with pytest.raises(ValueError, match="training loss of epoch 3 is nan"):
        guard.on_epoch_end(2, {"loss": float("nan")})


def test_early_stopping_logs_reason(caplog):
    import keras

    from charseg_training.train import LoggedEarlyStopping

    stopper = LoggedEarlyStopping(monitor="val_loss", patience=2)
    stopper.set_model(keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)]))
    stopper.on_train_begin()
    for epoch, loss in enumerate([0.5, 0.4, 0.45, 0.6]):
        stopper.on_epoch_end(epoch, {"val_loss": loss})
    assert stopper.model.stop_training
    with caplog.at_level("INFO", logger="charseg_training.train"):
        stopper.on_train_end()
    message = "early stopping after epoch 4: validation loss has not improved for 2"
    assert message in caplog.text
    assert "best 0.4000 at epoch 2" in caplog.text


def test_export_rejects_label_mismatch(trained_run, tmp_path, capsys):
    from charseg_training.cli import main

    run = copy_run(trained_run, tmp_path)
    config = json.loads((run / "config.json").read_text())
    config["data"]["labels"] = ["python", "sql", "css", "json"]
    (run / "config.json").write_text(json.dumps(config))
    assert main(["export", "--run", str(run), "--weights", "checkpoint.keras"]) == 2
    assert "outputs 3 probabilities" in capsys.readouterr().err
    assert not (run / "model.onnx").exists()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("truncate_checkpoint", "looks damaged"),
        ("delete_checkpoint", "is missing: restore it"),
        ("delete_state", "has no state.json beside it"),
        ("list_state", "needs non-negative numbers epochs"),
        ("truncate_state", "state.json is not valid JSON"),
    ],
)
def test_fit_rejects_damaged_run(trained_run, tmp_path, capsys, damage, message):
    from charseg_training.cli import main

    run = copy_run(trained_run, tmp_path)
    checkpoint, state = run / "checkpoint.keras", run / "state.json"
    if damage == "truncate_checkpoint":
        checkpoint.write_bytes(checkpoint.read_bytes()[:1000])
    elif damage == "delete_checkpoint":
        checkpoint.unlink()
    elif damage == "delete_state":
        state.unlink()
    elif damage == "list_state":
        state.write_text("[]")
    else:
        state.write_text(state.read_text()[:10])
    history = (run / "history.csv").read_text()
    assert main(["fit", "--run", str(run), "--epochs", "9", "--quiet"]) == 2
    assert message in capsys.readouterr().err
    assert (run / "history.csv").read_text() == history


def test_export_follows_symlinks(trained_run, tmp_path):
    from charseg_training.cli import main

    run = copy_run(trained_run, tmp_path)
    archive = tmp_path / "archive"
    archive.mkdir()
    (run / "checkpoint.keras").rename(archive / "epoch.keras")
    (run / "linked.keras").symlink_to(archive / "epoch.keras")
    (archive / "model.onnx").write_bytes(b"old")
    (run / "model.onnx").unlink(missing_ok=True)
    (run / "model.onnx").symlink_to(archive / "model.onnx")
    assert main(["export", "--run", str(run), "--weights", "linked.keras"]) == 0
    assert (run / "model.onnx").is_symlink()
    assert (archive / "model.onnx").read_bytes().startswith(b"\x08")


def test_export_rejects_weights_of_another_run(trained_run, tmp_path, capsys):
    from charseg_training.cli import main

    run = copy_run(trained_run, tmp_path)
    other = str(trained_run / "checkpoint.keras")
    assert main(["export", "--run", str(run), "--weights", other]) == 2
    assert "is not a file of the run folder" in capsys.readouterr().err


@pytest.mark.parametrize("failure", ["mismatch", "nan"])
def test_failed_parity_keeps_previous_model(
    trained_run, tmp_path, capsys, monkeypatch, failure
):
    import keras

    from charseg_training import export
    from charseg_training.cli import main
    from charseg_training.model import CUSTOM_OBJECTS

    run = copy_run(trained_run, tmp_path)
    (run / "model.onnx").write_bytes(b"previous model")
    if failure == "mismatch":
        monkeypatch.setattr(export, "PARITY_MAX_ABS", -1.0)
        message = "ONNX output differs from Keras"
    else:
        model = keras.models.load_model(
            run / "checkpoint.keras", custom_objects=CUSTOM_OBJECTS
        )
        model.set_weights([np.full_like(w, np.nan) for w in model.get_weights()])
        model.save(run / "broken.keras")
        message = "NaN or infinite probabilities"
    weights = "checkpoint.keras" if failure == "mismatch" else "broken.keras"
    assert main(["export", "--run", str(run), "--weights", weights]) == 2
    assert message in capsys.readouterr().err
    assert (run / "model.onnx").read_bytes() == b"previous model"
    assert not (run / "model.onnx.part").exists()


def test_export_needs_run_config(trained_run, tmp_path, capsys):
    from charseg_training.cli import main

    run = copy_run(trained_run, tmp_path)
    (run / "config.json").unlink()
    assert main(["export", "--run", str(run), "--weights", "checkpoint.keras"]) == 2
    assert "no config.json in" in capsys.readouterr().err


@pytest.mark.parametrize("content", [None, b"not an onnx model"])
def test_evaluate_bad_model_is_usage_error(tmp_path, capsys, content):
    from charseg_training.cli import main

    model = tmp_path / "model.onnx"
    if content is not None:
        model.write_bytes(content)
    argv = ["evaluate", "--model", str(model), "--out", str(tmp_path / "eval")]
    assert main(argv) == 2
    assert str(model) in capsys.readouterr().err


def test_fit_restart_schedule_step(trained_run):
    import keras

    from charseg_training.cli import main
    from charseg_training.model import CUSTOM_OBJECTS

    args = ["fit", "--run", str(trained_run), "--epochs", "4", "--restart-schedule"]
    assert main([*args, "--quiet"]) == 0
    config = json.loads((trained_run / "config.json").read_text())
    assert config["fit"]["lr_start_step"] == 3 * 6
    model = keras.models.load_model(
        trained_run / "checkpoint.keras", custom_objects=CUSTOM_OBJECTS
    )
    assert int(model.optimizer.iterations.numpy()) == 4 * 6
    # Six steps into the restarted schedule, not twenty-four.
    expected = 0.01 * 0.5 ** (6 / 6000)
    assert float(model.optimizer.learning_rate) == pytest.approx(expected, rel=1e-5)


def test_export_runs_in_onnxruntime_with_parity(trained_run):
    from charseg_training.cli import main

    assert (
        main(
            [
                "export",
                "--run",
                str(trained_run),
                "--weights",
                "checkpoint.keras",
                "--int8",
            ]
        )
        == 0
    )
    path = trained_run / "model.onnx"
    proto = onnx.load(str(path))
    metadata = {p.key: p.value for p in proto.metadata_props}
    contract = ModelContract.from_metadata(metadata)
    assert contract.labels == tuple(LANGUAGES)
    assert contract.window.length == 96
    assert "LSTM" in {node.op_type for node in proto.graph.node}

    summary = json.loads((trained_run / "export.json").read_text())
    assert summary["parity_max_abs_diff"] <= 1e-4

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    for length in (1, 37, 96, 300):
        ids = encode(("SELECT x FROM t; " * 30)[:length])[None, :]
        probs = session.run([OUTPUT_NAME], {INPUT_NAME: ids})[0]
        assert probs.shape == (1, length, len(LANGUAGES))
        np.testing.assert_allclose(probs.sum(axis=-1), 1.0, atol=1e-5)

    int8 = trained_run / "model.int8.onnx"
    int8_meta = {p.key: p.value for p in onnx.load(str(int8)).metadata_props}
    assert ModelContract.from_metadata(int8_meta) == contract


def test_export_without_weights_fails(tmp_path):
    from charseg_training.cli import main

    (tmp_path / "config.json").write_text("{}")
    assert main(["export", "--run", str(tmp_path)]) == 2


def test_tune_sweeps_smoothing(trained_run, tmp_path, capsys):
    from charseg_training.cli import main
    from charseg_training.tuning import (
        HOST_PRIORS,
        MIN_REGIONS,
        PENALTIES,
        SNAP_REACHES,
    )

    model = tmp_path / "model.onnx"
    export = ["export", "--run", str(trained_run), "--out", str(model)]
    assert main(export) == 0
    corpus = json.loads((trained_run / "config.json").read_text())["data"]["corpus"]
    out = tmp_path / "tune.json"
    tune = ["tune", "--model", str(model), "--corpus", corpus, "--out", str(out)]
    assert main([*tune, "--documents", "4"]) == 0

    rows = json.loads(out.read_text())
    smoothing = [row for row in rows if row["sweep"] == "smoothing"]
    snap = [row for row in rows if row["sweep"] == "snap"]
    hosted = [row for row in rows if row["sweep"] == "host"]
    assert len(rows) == len(smoothing) + len(snap) + len(hosted)
    assert len(smoothing) == len(PENALTIES) * len(MIN_REGIONS)
    assert [row["snap_reach"] for row in snap] == list(SNAP_REACHES)
    assert [row["host_prior"] for row in hosted] == list(HOST_PRIORS)
    for row in smoothing + snap:
        assert 0.0 <= row["mixed"]["accuracy"] <= 1.0
        assert row["files"]["file_top1"] is not None
        assert "python_scala" not in row  # the tiny corpus has no Scala
    for row in hosted:
        assert 0.0 <= row["hosted"]["accuracy"] <= 1.0
        assert 0.0 <= row["files_hosted"]["accuracy"] <= 1.0
    printed = capsys.readouterr().out
    assert printed.count("\n| ") >= len(rows)


def test_evaluate_reports_scores_and_calibration(trained_run, tmp_path):
    from charseg_training.cli import main

    model = tmp_path / "model.onnx"
    assert main(["export", "--run", str(trained_run), "--out", str(model)]) == 0
    corpus = json.loads((trained_run / "config.json").read_text())["data"]["corpus"]
    out = tmp_path / "eval"
    evaluate = ["evaluate", "--model", str(model), "--corpus", corpus]
    assert (
        main(
            [*evaluate, "--split", "validation", "--documents", "3", "--out", str(out)]
        )
        == 0
    )

    report = json.loads((out / "report.json").read_text())
    assert set(report["summary"]) == {"mixed", "files"}  # no Scala in this corpus
    for name, summary in report["summary"].items():
        assert 0.0 <= summary["accuracy"] <= 1.0
        assert 0.0 <= summary["confidence_ece"] <= 1.0
        rows = report["reliability"][name]
        assert sum(row["characters"] for row in rows) == summary["characters"]
        for row in rows:
            assert row["low"] <= row["mean_confidence"] <= row["high"]
        assert (out / f"confusion_{name}.png").read_bytes().startswith(b"\x89PNG")
    assert report["summary"]["files"]["file_top1"] is not None
    assert (out / "reliability.png").read_bytes().startswith(b"\x89PNG")


def test_curve_plots_history(trained_run, tmp_path):
    from charseg_training.cli import main

    out = tmp_path / "curve.png"
    curve = ["curve", "--run", str(trained_run), "--out", str(out)]
    assert main([*curve, "--mark", "1=new data"]) == 0
    assert out.read_bytes().startswith(b"\x89PNG")


def test_curve_warns_on_epoch_resize(trained_run, tmp_path, caplog):
    from charseg_training.cli import main

    run = copy_run(trained_run, tmp_path)
    config = json.loads((run / "config.json").read_text())
    config["fit"]["batch_size"] *= 2
    (run / "config.json").write_text(json.dumps(config))
    with caplog.at_level("WARNING", logger="charseg_training.curve"):
        assert main(["curve", "--run", str(run), "--out", str(tmp_path / "c")]) == 0
    assert "the characters per epoch changed during the run" in caplog.text


def test_curve_without_suffix_writes_png(trained_run, tmp_path, capsys):
    from charseg_training.cli import main

    assert (
        main(["curve", "--run", str(trained_run), "--out", str(tmp_path / "cv")]) == 0
    )
    written = tmp_path / "cv.png"
    assert capsys.readouterr().out.strip() == str(written)
    assert written.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ("epoch,loss\n0,1.0\n", "lacks the columns sparse_categorical_accuracy"),
        (
            "epoch,sparse_categorical_accuracy,val_sparse_categorical_accuracy\n0,x,1\n",
            "line 2: expected numbers",
        ),
        (
            "epoch,sparse_categorical_accuracy,val_sparse_categorical_accuracy\n0,1\n",
            "line 2: expected numbers",
        ),
    ],
)
def test_curve_rejects_bad_history(trained_run, tmp_path, capsys, history, message):
    from charseg_training.cli import main

    run = copy_run(trained_run, tmp_path)
    (run / "history.csv").write_text(history)
    assert main(["curve", "--run", str(run)]) == 2
    assert message in capsys.readouterr().err


def test_curve_rejects_bad_mark():
    from charseg_training.curve import parse_mark

    assert parse_mark("12=pair documents") == (12, "pair documents")
    with pytest.raises(ValueError, match="expected EPOCH=TEXT"):
        parse_mark("twelve")


def test_curve_rejects_late_mark(trained_run, tmp_path, capsys):
    from charseg_training.cli import main

    curve = ["curve", "--run", str(trained_run)]
    assert main([*curve, "--out", str(tmp_path / "c"), "--mark", "999=x"]) == 2
    assert "--mark 999 is past the last epoch of the run" in capsys.readouterr().err
    assert main([*curve, "--out", str(tmp_path)]) == 2
    assert "is a folder; name an image file" in capsys.readouterr().err


def test_missing_inputs_give_clean_errors(tmp_path, capsys):
    from charseg_training.cli import main

    assert main(["curve", "--run", str(tmp_path)]) == 2
    assert "history.csv not found" in capsys.readouterr().err
    corpus = ["evaluate", "--corpus", str(tmp_path / "none"), "--out", str(tmp_path)]
    assert main(corpus) == 2
    assert "run `charseg-train corpus` first" in capsys.readouterr().err


def test_bad_out_fails_early(tmp_path, capsys):
    from charseg_training.cli import main

    blocker = tmp_path / "file"
    blocker.write_text("x")
    out = str(blocker / "eval")
    assert main(["evaluate", "--model", str(tmp_path / "none.onnx"), "--out", out]) == 2
    assert "Not a directory" in capsys.readouterr().err
    assert main(["tune", "--out", str(tmp_path)]) == 2
    assert "is a folder; name a JSON file" in capsys.readouterr().err
    config = tmp_path / "config.json"
    config.write_text('{"fit": ')
    run = tmp_path / "run"
    assert main(["fit", "--run", str(run), "--config", str(config)]) == 2
    assert f"{config} is not a valid JSON config" in capsys.readouterr().err
    assert not run.exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["evaluate", "--documents", "0"], "must be >= 1, got 0"),
        (["tune", "--documents", "-3"], "must be >= 1, got -3"),
        (["evaluate", "--seed", "-5"], "must be >= 0, got -5"),
        (["fit", "--run", "r", "--epochs", "ten"], "expected an integer, got 'ten'"),
        (["fit", "--run", "r", "--max-minutes", "0"], "must be finite and > 0"),
        (["fit", "--run", "r", "--max-minutes", "nan"], "must be finite and > 0"),
        (["fit", "--run", "r", "--workers", "0"], "must be >= 1, got 0"),
        (["fit", "--run", "r", "--workers", "100000"], "must be <= 64, got 100000"),
    ],
)
def test_bad_numbers_are_usage_errors(argv, message, capsys):
    from charseg_training.cli import main

    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert message in capsys.readouterr().err
