"""Benchmarks, run on demand (`python -m benchmarks`), never in CI: they print their figures."""
