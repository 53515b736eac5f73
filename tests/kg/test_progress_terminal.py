"""The import shows a progress bar on a terminal, and none when its output is redirected."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

DATA = Path(__file__).parent / "data"
CLI = Path(sys.executable).parent / "ptce-kg"
ARGS = [
    "import",
    "sirene",
    "--unites-legales",
    str(DATA / "StockUniteLegale_test.csv"),
    "--etablissements",
    str(DATA / "StockEtablissement_test.csv"),
]


def read_all(fd: int) -> str:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the terminal closed: everything was read
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    master, slave = pty.openpty()
    # A new pseudo-terminal is 0 columns wide, where tqdm draws nothing: give it a size.
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        done = subprocess.run(
            [str(CLI), *ARGS, "--store", str(tmp_path / "tty")],
            stdout=subprocess.PIPE,
            stderr=slave,
            timeout=120,
            check=False,
        )
        os.close(slave)
        terminal = read_all(master)
    finally:
        os.close(master)
    assert done.returncode == 0
    assert "legal units" in terminal and "establishments" in terminal and "rows" in terminal
    piped = subprocess.run(
        [str(CLI), *ARGS, "--store", str(tmp_path / "pipe")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert piped.returncode == 0
    assert "rows" not in piped.stderr and "\r" not in piped.stderr
    # The summary goes to stdout either way.
    assert "legal units:" in piped.stdout and "legal units:" in done.stdout.decode()
