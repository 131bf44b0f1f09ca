"""A load run in a terminal shows progress (dlt's tqdm collector); piped output stays quiet."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

from tests.loading import REPO_ROOT


def load_salesforce(warehouse, *, terminal: bool) -> str:
    command = [
        sys.executable, "-m", "pipelines", "load", "--sandbox", "--source", "salesforce",
        "--scale", "0.02", "--warehouse", str(warehouse),
    ]  # fmt: skip
    if not terminal:
        result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=True)
        return result.stdout + result.stderr
    controller, terminal_end = pty.openpty()
    # A real terminal has a size; tqdm draws nothing at 0 columns.
    fcntl.ioctl(terminal_end, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, stdin=terminal_end, stdout=terminal_end, stderr=terminal_end
    )
    os.close(terminal_end)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed when the process ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    assert process.wait(timeout=300) == 0, b"".join(chunks).decode(errors="replace")
    return b"".join(chunks).decode(errors="replace")


def test_progress_in_a_terminal(tmp_path):
    output = load_salesforce(tmp_path / "tty.duckdb", terminal=True)
    # tqdm bars for the extract step and per resource, e.g. "Extract salesforce: Resources: 100%|".
    assert "Extract salesforce: Resources" in output and "it/s" in output, output[-2000:]


def test_no_progress_bars_when_piped(tmp_path):
    output = load_salesforce(tmp_path / "pipe.duckdb", terminal=False)
    assert "it/s" not in output
