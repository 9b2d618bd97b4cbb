"""What /healthz answers: whether the receiver can do its job now. The landing zone takes a write, the warehouse
answers, and the secret was read successfully within twice its re-read interval; each check's answer is kept a
few seconds (a load balancer asks often), and no answer carries a secret."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from tasks.landing.zone import LandingStore
from tasks.warehouse.database import connect

PROBE_KEY = "webhooks/.healthz"


@dataclass
class Health:
    secrets: object  # SecretsCache: read_at, seconds
    store: LandingStore
    index: object | None  # EventIndex: database_url
    keep_seconds: float = 5.0
    _answer: dict | None = field(default=None, repr=False)
    _answered_at: float = field(default=0.0, repr=False)

    def check(self) -> dict[str, dict]:
        if self._answer is None or time.monotonic() - self._answered_at > self.keep_seconds:
            self._answer = {"landing": self._landing(), "warehouse": self._warehouse(), "secret": self._secret()}
            self._answered_at = time.monotonic()
        return self._answer

    def _landing(self) -> dict:
        try:
            self.store.write(PROBE_KEY, datetime.now(timezone.utc).isoformat().encode())
        except Exception as error:
            return {"ok": False, "detail": f"cannot write to the landing zone: {type(error).__name__}"}
        return {"ok": True, "detail": self.store.describe("webhooks/")}

    def _warehouse(self) -> dict:
        if self.index is None:
            return {"ok": True, "detail": "not used"}
        try:
            with connect(self.index.database_url, retry_seconds=0) as connection, connection.cursor() as cursor:
                cursor.execute("select 1")
                cursor.fetchall()
        except Exception as error:
            return {"ok": False, "detail": str(error)[:300]}
        return {"ok": True, "detail": "answers"}

    def _secret(self) -> dict:
        age = (datetime.now(timezone.utc) - self.secrets.read_at).total_seconds()
        ok = age <= 2 * self.secrets.seconds + 1
        return {"ok": ok, "detail": f"read {age:.0f} s ago" + ("" if ok else f"; re-reads failing: "
                                                                        f"{self.secrets.last_error}")}
