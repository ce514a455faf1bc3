"""A tiny corpus and training config that the training tests write themselves."""

from __future__ import annotations

import json
from pathlib import Path

LANGUAGES = {
    "python": "def area(r):\n    return 3.14 * r * r\n",
    "sql": "SELECT name, count(*) FROM orders GROUP BY name;\n",
    "css": ".card { padding: 4px; border: 1px solid #ccc; }\n",
}


def write_tiny_corpus(root: Path) -> Path:
    """Write train and validation splits plus a small config; return the config."""
    for split in ("train", "validation"):
        (root / "corpus" / split).mkdir(parents=True)
        for label, text in LANGUAGES.items():
            rows = [
                {"label": label, "source": "t==1", "path": f"{i}", "text": text * 40}
                for i in range(2)
            ]
            path = root / "corpus" / split / f"{label}.jsonl"
            path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    config = {
        "model": {"embed_dim": 8, "conv_filters": 8, "lstm_units": 8, "lstm_layers": 1},
        "data": {
            "corpus": str(root / "corpus"),
            "sequence_length": 96,
            "labels": list(LANGUAGES),
        },
        "fit": {
            "batch_size": 8,
            "steps_per_epoch": 6,
            "epochs": 2,
            "validation_batches": 2,
            "learning_rate": 0.01,
        },
        "window_length": 96,
        "window_margin": 16,
    }
    config_path = root / "config.json"
    config_path.write_text(json.dumps(config))
    return config_path
