"""How a command reports a failure: one paragraph on stderr and a non-zero exit, never a traceback for known errors."""

from __future__ import annotations

import sys
from collections.abc import Callable

from tasks.config import ConfigError
from tasks.extract.errors import GitHubError
from tasks.warehouse.database import WarehouseUnavailable
from tasks.warehouse.load import HistoryConflict
from tasks.warehouse.migrate import MigrationError

# Errors whose message is the whole story for a user; anything else is a bug and keeps its traceback.
USER_ERRORS: tuple[type[BaseException], ...] = (
    ConfigError, WarehouseUnavailable, MigrationError, GitHubError, HistoryConflict,
)


def run_cli(run: Callable[[], object]) -> int:
    try:
        run()
    except USER_ERRORS as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0
