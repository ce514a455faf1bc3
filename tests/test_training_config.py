"""Training configs: KEY=VALUE overrides, and the checks of types and ranges."""

import re

import pytest

from charseg_training.config import TrainingConfig


def test_overrides_set_nested_keys():
    config = TrainingConfig().with_overrides(
        [
            "fit.batch_size=512",
            "fit.learning_rate=3e-4",
            "fit.schedule=cosine",
            'data.focus_pair=["c", "cpp"]',
            "model.use_cudnn=true",
            "window_margin=128",
        ]
    )
    assert config.fit.batch_size == 512
    assert config.fit.learning_rate == pytest.approx(3e-4)
    assert config.fit.schedule == "cosine"
    assert config.data.focus_pair == ("c", "cpp")
    assert config.model.use_cudnn is True
    assert config.window_margin == 128


def test_overrides_leave_original_unchanged():
    original = TrainingConfig()
    original.with_overrides(["fit.batch_size=64"])
    assert original.fit.batch_size == 16


def test_integer_accepted_for_float_setting():
    config = TrainingConfig().with_overrides(["fit.learning_rate=1"])
    assert isinstance(config.fit.learning_rate, float)
    assert config.fit.learning_rate == 1.0


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("fit.batch_size", "expected KEY=VALUE"),
        ("=3", "expected KEY=VALUE"),
        ("fit.batchsize=3", "unknown config key 'fit.batchsize'"),
        ("fit=3", "unknown config key 'fit'"),
        ("nothing.batch_size=3", "unknown config key 'nothing.batch_size'"),
        ("fit.batch_size.x=3", "unknown config key 'fit.batch_size.x'"),
        ("fit.batch_size=big", "fit.batch_size expects a value of type int"),
        ("fit.batch_size=2.5", "fit.batch_size expects a value of type int"),
        ("model.use_cudnn=1", "model.use_cudnn expects a value of type bool"),
        ("fit.learning_rate=true", "fit.learning_rate expects a value of type float"),
        ("data.labels=python", "data.labels expects a value of type tuple"),
    ],
)
def test_bad_overrides_are_rejected(assignment, message):
    with pytest.raises(ValueError, match=message):
        TrainingConfig().with_overrides([assignment])


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("fit.batch_size=0", "fit.batch_size must be >= 1, got 0"),
        ("fit.learning_rate=NaN", "fit.learning_rate must be finite and > 0"),
        ("fit.learning_rate=Infinity", "fit.learning_rate must be finite and > 0"),
        ("fit.learning_rate=-1", "fit.learning_rate must be finite and > 0"),
        ("fit.lr_final_fraction=2", "fit.lr_final_fraction must be <= 1"),
        ("data.p_pair=2.5", "data.p_pair must be from 0 to 1, got 2.5"),
        ("data.p_single=0.9", "data.p_embedded must be <= 1"),
        ("data.p_block=-0.1", "data.p_block must be from 0 to 1, got -0.1"),
        ("data.p_block=0.5", "data.p_pair + data.p_block + "),
        ("data.min_run=0", "data.min_run must be >= 1, got 0"),
        ("data.max_run=5", "data.max_run must be >= 20, got 5"),
        ("data.sequence_length=0", "data.sequence_length must be >= 1, got 0"),
        ("data.corpus=", "data.corpus must name the corpus folder"),
        ("data.switch_weight=-1", "data.switch_weight must be finite and >= 0"),
        ("data.switch_weight=NaN", "data.switch_weight must be finite and >= 0"),
        ("data.switch_reach=0", "data.switch_reach must be >= 1, got 0"),
        (
            'data.labels=["python", "klingon"]',
            "must list known labels, got ['klingon']",
        ),
        ("data.labels=[]", "must list known labels, got []"),
        ('data.labels=["python", "python"]', "lists a label twice"),
        ('data.focus_pair=["python"]', "data.focus_pair must name two labels"),
        ("model.dropout=1", "model.dropout must be >= 0 and < 1"),
        ("model.lstm_layers=0", "model.lstm_layers must be >= 1, got 0"),
        ("model.shape=transformer", "model.shape must be one of strided, bilstm"),
        ("window_margin=512", "must exceed twice the margin"),
    ],
)
def test_out_of_range_settings_are_rejected(assignment, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        TrainingConfig().with_overrides([assignment])


def test_focus_pair_must_be_trained_labels():
    labels = 'data.labels=["python", "sql"]'
    with pytest.raises(ValueError, match="outside data.labels: \\['scala'\\]"):
        TrainingConfig().with_overrides([labels, "data.p_focus=0.5"])
    config = TrainingConfig().with_overrides([labels, "data.p_focus=0"])
    assert config.data.labels == ("python", "sql")


def test_fit_reports_bad_override(tmp_path, capsys):
    from charseg_training.cli import main

    argv = ["fit", "--run", str(tmp_path / "run"), "--set", "fit.batch_size=big"]
    assert main(argv) == 2
    assert "fit.batch_size expects a value of type int" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([], "a config must be a JSON object"),
        ({"fit": None}, "config section fit must be a JSON object"),
        ({"model": []}, "config section model must be a JSON object"),
        ({"fit": {"batch_size": "8"}}, "fit.batch_size expects a value of type int"),
        ({"fit": {"batch_size": 8.5}}, "fit.batch_size expects a value of type int"),
        ({"fit": {"learning_rate": None}}, "fit.learning_rate expects a value of type"),
        ({"data": {"labels": None}}, "data.labels expects a value of type tuple"),
        ({"data": {"corpus": 123}}, "data.corpus expects a value of type str"),
        ({"window_length": 96.9}, "window_length expects a value of type int"),
        ({"data": {"focus_pair": [["a"], ["b"]]}}, "data.focus_pair must list label"),
        ({"fit": {"learning_rate": 1e20}}, "fit.learning_rate must be <= 1"),
        ({"fit": {"lr_half_life_steps": 10**30}}, "fit.lr_half_life_steps must be <="),
        ({"fit": {"seed": 2**32}}, "fit.seed must be <= 4294967295"),
    ],
)
def test_config_values_are_checked_on_load(values, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        TrainingConfig.from_dict(values)


def test_saved_config_loads_back(tmp_path):
    config = TrainingConfig().with_overrides(['data.labels=["python", "sql"]'])
    config.save(tmp_path / "config.json")
    assert TrainingConfig.load(tmp_path / "config.json") == config
