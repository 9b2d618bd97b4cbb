"""`python -m fake_github --items 50000 --port 8000`: serve a generated board until interrupted."""

import argparse
import time
from datetime import datetime, timedelta, timezone

from fake_github.generate import change_burst, change_some, generate_board, generate_roadmap
from fake_github.model import FakeWorld, Issue
from fake_github.server import GITHUB_LATENCY, FakeGitHub, Latency, RunningFake


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m fake_github",
                                     description="A fake GitHub GraphQL API serving one generated sprint board.")
    parser.add_argument("--items", type=int, default=5_000, help="items on the board (up to 50,000)")
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")
    parser.add_argument("--owner", default="bench", help="organization login (default bench)")
    parser.add_argument("--number", type=int, default=1, help="board number (default 1)")
    parser.add_argument("--token", default="fake-token", help="the bearer token it accepts (default fake-token)")
    parser.add_argument("--roadmap", action="store_true",
                        help="serve a sprint board (--number) and a roadmap (--number + 1) of 200 deliverables three "
                        "levels deep through sub-issues, created over the past year; --items counts both boards")
    parser.add_argument("--rate-limit", type=int, default=5000, help="points per hour (default 5000, GitHub's)")
    parser.add_argument("--latency", choices=["none", "github"], default="none",
                        help="github: answer as slowly as GitHub does (0.25 s a request plus 1.25 ms a node: a page "
                        "of 100 items with their values about 1 s); default none")
    args = parser.parse_args()
    world = FakeWorld()
    if args.roadmap:  # its year ends a day before now, where a first load reads it
        world.now = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=1, hours=2)
        board, _ = generate_roadmap(world, args.owner, args.number, args.number + 1, args.items)
        issues = [item.content for item in board.items if isinstance(item.content, Issue)]
    else:
        board, issues = generate_board(world, args.owner, args.number, args.items)
    fake = FakeGitHub(world, token=args.token, rate_limit=args.rate_limit,
                      latency=GITHUB_LATENCY if args.latency == "github" else Latency())
    fake.controls["change"] = lambda body: {"changed": change_some(world, board, issues, body.get("share", 0.02),
                                                                   body.get("seed", 11))}
    fake.controls["spent"] = lambda body: {"points": fake.points_spent, "requests": len(fake.requests),
                                           "service_seconds": round(fake.service_seconds, 2)}
    fake.controls["burst"] = lambda body: {"items": change_burst(world, board, issues, body.get("count", 20),
                                                                 body.get("seed", 3))}
    with RunningFake(fake, port=args.port) as running:
        print(f"fake GitHub serving {args.owner}/{args.number} ({args.items} items) at {running.url}")
        print(f"try: GITHUB_TOKEN={args.token} python -m flows.delivery --owner {args.owner} "
              f"--project {args.number} --github-url {running.url}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
