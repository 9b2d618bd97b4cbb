"""The commands end without tearing their modules down (flows.cli.exit_promptly), but only after what a normal exit
runs: threads finish and their exit hooks run, then the exit handlers, then the buffered output is written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

A_COMMAND_ENDING_PROMPTLY = """
import atexit, sys, threading, time
from flows.cli import exit_promptly

threading._register_atexit(lambda: print("thread exit hook", flush=True))
def late_worker():
    time.sleep(0.3)
    print("worker done", flush=True)  # a non-daemon thread the exit waits for
threading.Thread(target=late_worker).start()
atexit.register(lambda: print("exit handler"))  # buffered: a pipe is not a terminal
sys.stdout.write("buffered output")
exit_promptly(3)
"""


def test_an_exit_runs_threads_hooks_and_handlers_then_ends_with_the_status():
    done = subprocess.run([sys.executable, "-c", A_COMMAND_ENDING_PROMPTLY], cwd=Path(__file__).parents[1],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 3, done.stderr
    output = done.stdout
    assert "worker done" in output and "thread exit hook" in output  # Python's own order: hooks, then the joins
    assert output.startswith("buffered output") and output.rstrip().endswith("exit handler"), output
