"""The local home of a run without production blocks: the embedded warehouse and the landing zone live here."""

from __future__ import annotations

import os
from pathlib import Path


def data_home() -> Path:
    """The folder that holds the embedded warehouse and the local landing zone ($DELIVERY_METRICS_HOME)."""
    return Path(os.environ.get("DELIVERY_METRICS_HOME", ".delivery-metrics")).resolve()
