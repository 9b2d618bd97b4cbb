"""The package stands on its own: the wheel, installed without the dev group into a fresh virtual environment
outside the checkout, runs `python -m flows.delivery --demo` to the end (fake GitHub, embedded Postgres, site).
Everything is installed from uv's cache of the locked versions: no network."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def uv() -> str:
    found = os.environ.get("UV") or shutil.which("uv")
    if not found:
        pytest.fail("uv is needed to build and install the wheel (the README's quickstart installs it)")
    return found


def run(command: list[str], **options) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, **options)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def test_the_installed_wheel_runs_the_demo(tmp_path):
    dist, venv, home = tmp_path / "dist", tmp_path / "venv", tmp_path / "home"
    run([uv(), "build", "--wheel", "--out-dir", str(dist), str(ROOT)], timeout=300)
    wheel = next(dist.glob("delivery_metrics-*.whl"))
    # The locked dependencies without the dev group (uv installs them from its cache), then the wheel alone.
    run([uv(), "sync", "--frozen", "--offline", "--no-dev", "--no-install-project", "--python", sys.executable],
        cwd=ROOT, env={**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv)}, timeout=600)
    python = venv / "bin" / "python"
    run([uv(), "pip", "install", "--offline", "--no-deps", "--python", str(python), str(wheel)], timeout=300)
    home.mkdir()
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("VIRTUAL_ENV", "PYTHONPATH", "DATABASE_URL", "GITHUB_", "PREFECT_API"))}
    environment |= {"DELIVERY_METRICS_HOME": str(home / ".delivery-metrics"), "PREFECT_HOME": str(home / "prefect"),
                    "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING"}
    # Outside the checkout, so nothing can be imported from it: only what the wheel installed.
    done = run([str(python), "-m", "flows.delivery", "--demo"], cwd=home, env=environment, timeout=900)
    assert "Demo: 10 daily runs of 3 boards" in done.stdout
    assert (home / "site" / "index.html").exists()
    shown = run([str(python), "-c", "import flows, fake_github, tasks; print(flows.__file__, fake_github.__file__)"],
                cwd=home, env=environment).stdout
    assert str(ROOT) not in shown and str(venv) in shown
    without_dev = subprocess.run([str(python), "-c", "import pytest"], capture_output=True, env=environment, cwd=home)
    assert without_dev.returncode != 0  # the dev group (pytest, moto, playwright) was left out
