"""A fake GitHub GraphQL API for tests, benchmarks and the demo (`python -m fake_github`)."""

from fake_github.model import FakeWorld
from fake_github.server import Fault, FakeGitHub, RunningFake

__all__ = ["FakeWorld", "Fault", "FakeGitHub", "RunningFake"]
