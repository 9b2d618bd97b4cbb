"""No golden depends on the hour it runs at: the golden scenarios are run again (in a pytest of their own) with the
tests' clock pinned one minute before and one minute after midnight UTC, and on a day just after a daylight-saving
change with a reporting zone that has one. Each run must pass as it does at the wall clock's hour."""

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
GOLDENS = ["tests/test_metrics_sprints.py", "tests/test_metrics_deliverables.py", "tests/test_metrics_timezone.py",
           "tests/test_reconstructed_history.py", "tests/test_metrics_flow.py", "-k", "not replay"]  # the replay needs Prefect's harness
TODAY = datetime.now(timezone.utc).date()


# Clocks in the past: a run may not observe later than now (a pinned clock is the views' "now", not the runs').
@pytest.mark.parametrize("clock, zone", [
    (f"{TODAY - timedelta(days=1)}T23:59:00+00:00", "UTC"),
    (f"{TODAY}T00:01:00+00:00", "UTC"),
    # Europe/Berlin moved its clocks on 2026-03-29: the goldens' two weeks of days span the change.
    ("2026-04-02T12:00:00+00:00", "Europe/Berlin"),
], ids=["23:59 UTC", "00:01 UTC", "after a DST change in Europe/Berlin"])
def test_goldens_pass_at_any_hour(clock, zone, tmp_path):
    environment = {**os.environ, "DELIVERY_METRICS_TEST_CLOCK": clock, "DELIVERY_METRICS_TEST_ZONE": zone}
    environment.pop("PYTEST_ADDOPTS", None)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--basetemp",
                           str(tmp_path / "run"), *GOLDENS], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout.splitlines()[-1]
