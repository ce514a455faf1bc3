"""Neovim, a real LSP client, runs charseg-lsp on mixed files.

Needs Debian's ``neovim`` package (0.7.2 on bookworm), which ``make test``
installs. The test fails, rather than skips, when ``nvim`` is missing.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from charseg_server.contract import LABELS
from charseg_server.lsp.analysis import Analysis, Snapshot, Status
from charseg_server.lsp.diagnostics import build_diagnostics
from charseg_server.lsp.positions import UTF16, LineIndex
from charseg_server.lsp.settings import Settings
from charseg_server.regions import Region

HERE = Path(__file__).resolve().parent
MIXED_FILE = HERE.parents[1] / "examples" / "python_scala_sql.py"
SCRIPT = HERE / "neovim_client.lua"
MARKDOWN = (
    "# Build notes\n"
    "\n"
    "```\n"
    "import subprocess\n"
    "subprocess.run(['make', 'test'], check=True)\n"
    "```\n"
    "\n"
    "object Main extends App {\n"
    '  println("built")\n'
    "}\n"
)
#: The init options of the Lua script: every foreign region gets a diagnostic.
SETTINGS = Settings(confidence_threshold=0, min_region=1)


def utf16_offset(text: str, line: int, character: int) -> int:
    lines = text.split("\n")
    index = sum(len(item) + 1 for item in lines[:line])
    column = 0
    while column < character:
        column += 2 if ord(text[index]) > 0xFFFF else 1
        index += 1
    return index


def to_regions(text: str, payload: dict) -> list[Region]:
    regions = []
    for region in payload["regions"]:
        start = region["range"]["start"]
        end = region["range"]["end"]
        regions.append(
            Region(
                utf16_offset(text, start["line"], start["character"]),
                utf16_offset(text, end["line"], end["character"]),
                region["languageId"],
                region["confidence"],
            )
        )
    return regions


def assert_tiles(text: str, regions: list[Region]) -> None:
    assert regions[0].start == 0
    assert regions[-1].end == len(text)
    for before, after in zip(regions, regions[1:], strict=False):
        assert before.end == after.start


def expected_diagnostics(text, language_id, regions):
    """Apply the server's diagnostic rules to the regions Neovim received."""
    analysis = Analysis(
        snapshot=Snapshot("file:///x", 0, language_id, text),
        status=Status.OK,
        regions=tuple(regions),
        labels=LABELS,
        settings=SETTINGS,
        encoding=UTF16,
        index=LineIndex(text),
    )
    return [(d.range.start.line, d.message) for d in build_diagnostics(analysis)]


PERCENT = re.compile(r"\((\d+)%\)")


def split_percent(message: str) -> str:
    """Return the message with its percentage replaced by ``N``."""
    return PERCENT.sub("(N%)", message)


def percent_of(message: str) -> int:
    """Return the percentage in a diagnostic message, or -1 without one."""
    match = PERCENT.search(message)
    return int(match.group(1)) if match else -1


def run_neovim(tmp_path: Path, source: Path) -> dict:
    nvim = shutil.which("nvim")
    if nvim is None:
        pytest.fail("nvim is not installed: run `make debian` (apt-get install neovim)")
    out = tmp_path / "record.json"
    env = {
        **os.environ,
        "CHARSEG_LSP_CMD": json.dumps([sys.executable, "-m", "charseg_server.lsp"]),
        "CHARSEG_FILE": str(source),
        "CHARSEG_OUT": str(out),
    }

    # Neovim 0.7 writes a log and shada files under these folders.
    for name in (
        "XDG_CONFIG_HOME",
        "XDG_DATA_HOME",
        "XDG_STATE_HOME",
        "XDG_CACHE_HOME",
    ):
        env[name] = str(tmp_path / name.lower())

    command = [nvim, "--headless", "--clean", "-i", "NONE", "-n", "-S", str(SCRIPT)]
    result = subprocess.run(
        ["timeout", "150", *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )

    record = json.loads(out.read_text()) if out.exists() else {}
    assert result.returncode == 0, (result.returncode, record, result.stderr[-2000:])
    assert record["errors"] == []
    return record


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "text", "filetype"),
    [
        ("mixed.py", MIXED_FILE.read_text(), "python"),
        ("notes.md", MARKDOWN, "markdown"),
    ],
)
def test_neovim_receives_regions_diagnostics_and_symbols(
    tmp_path, name, text, filetype
):
    source = tmp_path / name
    source.write_text(text)
    record = run_neovim(tmp_path, source)
    assert record["filetype"] == filetype

    first = next(p for p in record["regions"] if p["version"] == 0)
    assert first["uri"] == source.as_uri()
    regions = to_regions(text, first)
    assert_tiles(text, regions)

    received = sorted((d["lnum"], d["message"]) for d in record["diagnostics"])
    expected = sorted(expected_diagnostics(text, filetype, regions))
    assert [split_percent(m) for _, m in received] == [
        split_percent(m) for _, m in expected
    ]
    assert [line for line, _ in received] == [line for line, _ in expected]
    # Neovim re-encodes the confidences it received, so a value at a rounding
    # edge (0.995) may print one percent away from the server's own.
    for (_, got), (_, want) in zip(received, expected, strict=True):
        assert abs(percent_of(got) - percent_of(want)) <= 1
    assert all(d["source"] == "charseg" for d in record["diagnostics"])
    assert 0 in record["diagnostic_versions"]

    assert record["edited_version"] > 0
    edited = [p for p in record["regions"] if p["version"] == record["edited_version"]]
    assert edited, "no regions for the edited buffer"
    edited_regions = to_regions(record["edited_text"], edited[-1])
    assert_tiles(record["edited_text"], edited_regions)
    versions = [p["version"] for p in record["regions"]]
    assert versions == sorted(versions)
    assert len(record["symbols"]) == len(edited_regions)
