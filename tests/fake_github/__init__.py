"""A fake GitHub GraphQL API for tests, benchmarks and the demo (`python -m tests.fake_github`)."""

from tests.fake_github.model import FakeWorld
from tests.fake_github.server import Fault, FakeGitHub, RunningFake

__all__ = ["FakeWorld", "Fault", "FakeGitHub", "RunningFake"]
