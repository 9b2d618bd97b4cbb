"""The receiver under a flood before authentication: FLOOD concurrent uploads of 1 MiB bodies (half with no
signature, half with a well-formed wrong one, which must be read to be refused), while signed deliveries arrive at
a steady rate. Prints the receiver's peak memory (its high-water mark), how the flood was answered, and how many
signed deliveries were acknowledged.

Run alone: `python -m benchmarks.flood [--flood 500] [--database-url URL]`; prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import shutil
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from benchmarks.webhooks import PAYLOAD, SECRET, rss_mb, start_receiver, throwaway_warehouse
from deployments.local_server import free_port
from tasks.webhooks.secrets import sign

BODY = 1024 * 1024 - 1024  # just under the default cap: read to the end, then refused


async def upload(port: int, number: int, statuses: Counter, wrong_signatures: bool = True) -> None:
    """One flood request: headers, then 1 MiB in 64 KiB writes; the status it got (or how it ended). Every other one
    carries a well-formed wrong signature when `wrong_signatures`, else none has a signature."""
    signature = "" if number % 2 or not wrong_signatures else f"X-Hub-Signature-256: sha256={'0' * 64}\r\n"
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        statuses["connection refused"] += 1
        return
    try:
        writer.write((f"POST /github/webhook HTTP/1.1\r\nHost: receiver\r\nX-GitHub-Event: issues\r\n"
                      f"X-GitHub-Delivery: flood-{number}\r\n{signature}Content-Type: application/json\r\n"
                      f"Content-Length: {BODY}\r\n\r\n").encode())
        chunk = b"x" * 65536
        for start in range(0, BODY, len(chunk)):
            writer.write(chunk[:BODY - start])
            await writer.drain()
        line = await asyncio.wait_for(reader.readline(), 60)
        statuses[line.split(b" ")[1].decode() if line.count(b" ") >= 2 else "closed"] += 1
    except (OSError, asyncio.TimeoutError, IndexError):
        statuses["reset before the answer"] += 1  # refused from its headers while the body was still going out
    finally:
        writer.close()


async def bounded(upload, statuses: Counter) -> None:
    """An upload the receiver stopped reading (it answered from the headers) ends after 30 s, counted as such."""
    try:
        await asyncio.wait_for(upload, 30)
    except asyncio.TimeoutError:
        statuses["answered from its headers, body never read (30 s)"] += 1


def signed_sender(port: int, stop: threading.Event, answers: list) -> None:
    """Signed deliveries at 20 a second while the flood lasts, each on a new connection, as GitHub sends them."""
    template, number = json.loads(PAYLOAD.read_text()), 0
    while not stop.is_set():
        body = json.dumps({**template, "flood_number": number}).encode()
        headers = {"X-GitHub-Event": "projects_v2_item", "X-GitHub-Delivery": f"signed-{number:05d}",
                   "X-Hub-Signature-256": sign(body, SECRET), "Content-Type": "application/json"}
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("POST", "/github/webhook", body=body, headers=headers)
            answers.append(connection.getresponse().status)
            connection.close()
        except (OSError, http.client.HTTPException):
            answers.append(0)
        number += 1
        time.sleep(0.05)


def flood(concurrent: int, database_url: str, max_connections: int | None = None,
          wrong_signatures: bool = True) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="dm-flood-"))
    port = free_port()
    receiver = start_receiver(port, folder / "landing", database_url,
                              ["--max-connections", str(max_connections)] if max_connections else [])
    try:
        statuses: Counter = Counter()
        answers: list[int] = []
        time.sleep(1)  # started and settled: its memory before the flood
        idle = rss_mb(receiver.pid)
        started, stop = time.monotonic(), threading.Event()
        sender = threading.Thread(target=signed_sender, args=(port, stop, answers))
        sender.start()

        async def all_uploads():
            await asyncio.gather(*(bounded(upload(port, number, statuses, wrong_signatures), statuses) for number in range(concurrent)))

        asyncio.run(asyncio.wait_for(all_uploads(), 300))
        flood_seconds = time.monotonic() - started
        time.sleep(0.5)
        stop.set()
        sender.join(60)
        peak = rss_mb(receiver.pid, "VmHWM")
    finally:
        receiver.terminate()
        receiver.wait()
        shutil.rmtree(folder, ignore_errors=True)
    return {"flood_uploads": concurrent, "flood_seconds": round(flood_seconds, 1),
            "flood_uploads_answered": sum(statuses.values()),
            "flood_answers": dict(statuses), "flood_receiver_idle_mb": round(idle, 1),
            "flood_receiver_peak_mb": round(peak, 1),
            "flood_signed_sent": len(answers), "flood_signed_acknowledged": sum(1 for a in answers if 200 <= a < 300)}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.flood", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--flood", type=int, default=500, help="concurrent 1 MiB uploads (default 500)")
    parser.add_argument("--max-connections", type=int, help="the receiver's --max-connections (default: its own)")
    parser.add_argument("--unsigned-only", action="store_true",
                        help="no flood request carries a signature (default: half carry a well-formed wrong one)")
    parser.add_argument("--database-url", help="warehouse to index into (default: a throwaway embedded Postgres)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="dm-flood-pg-"))
    try:
        url = args.database_url or throwaway_warehouse(folder, "bench_flood")
        result = flood(args.flood, url, args.max_connections, not args.unsigned_only)
        print(f"flood: {result['flood_uploads']} concurrent 1 MiB uploads without a valid signature, answered "
              f"{result['flood_answers']} in {result['flood_seconds']} s; receiver peak memory "
              f"{result['flood_receiver_peak_mb']} MB ({result['flood_receiver_idle_mb']} MB before it); signed deliveries meanwhile acknowledged "
              f"{result['flood_signed_acknowledged']} of {result['flood_signed_sent']}")
        print(json.dumps(result))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
