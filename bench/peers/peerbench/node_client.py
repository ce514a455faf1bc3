"""A client for ``node_peers.js``: one Node process serves many inputs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path


class NodePeerError(RuntimeError):
    """Raised when the Node process exits or returns an error for an input."""


class NodeClient:
    """Send texts to ``node_peers.js`` one at a time and read each reply."""

    def __init__(self, script: Path, args: list[str], cwd: Path) -> None:
        # One request in flight at a time, because Node writes to a pipe
        # synchronously on Linux, so queued requests and unread replies could
        # deadlock.
        self._process = subprocess.Popen(
            ["node", str(script), *args],
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.hello = self._read()

    def ask(self, text: str) -> dict:
        """Return the reply to one text; raise NodePeerError on an error reply."""
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps({"text": text}) + "\n")
        self._process.stdin.flush()
        reply = self._read()
        if "error" in reply:
            raise NodePeerError(f"node_peers.js failed on a text: {reply['error']}")
        return reply

    def _read(self) -> dict:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            code = self._process.wait()
            raise NodePeerError(f"node_peers.js exited with status {code}")
        return json.loads(line)

    def close(self) -> None:
        """Close the Node process's input and wait for it to exit."""
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait(timeout=30)
