"""The layout is the architecture: stages talk through data, so no stage imports another, and the tasks never
import the flows that orchestrate them. Read from the source (every import statement), not from a list."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def imports_of(package: str) -> dict[str, set[str]]:
    """Every module imported by each file of a package (absolute names; relative imports resolved)."""
    found = {}
    for path in sorted((ROOT / package.replace(".", "/")).rglob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = path.relative_to(ROOT).parent.parts
                    base = ".".join(parent[:len(parent) - node.level + 1] + ((base,) if base else ()))
                names.add(base)
                names |= {f"{base}.{alias.name}" for alias in node.names}
        found[str(path.relative_to(ROOT))] = names
    return found


@pytest.mark.parametrize("package, forbidden", [
    ("tasks.transform", ("tasks.extract", "tasks.warehouse", "tasks.publish", "flows")),
    ("tasks.warehouse", ("tasks.extract", "tasks.publish", "flows")),
    ("tasks.extract", ("tasks.transform", "tasks.warehouse", "tasks.publish", "flows")),
    ("tasks.publish", ("tasks.extract", "tasks.transform", "flows")),
    ("tasks.landing", ("tasks.extract", "tasks.transform", "tasks.warehouse", "tasks.publish", "flows")),
    ("tasks", ("flows", "tests", "benchmarks")),
    ("fake_github", ("tasks", "flows", "tests")),
    ("flows", ("tests",)),
])
def test_a_layer_imports_nothing_it_must_not(package, forbidden):
    offending = sorted(f"{path} imports {name}" for path, names in imports_of(package).items() for name in names
                       if any(name == bad or name.startswith(bad + ".") for bad in forbidden))
    assert offending == []


def test_shared_modules_import_no_stage():
    shared = ("tasks/errors.py", "tasks/records.py", "tasks/config.py", "tasks/home.py", "tasks/retries.py")
    stages = ("tasks.extract", "tasks.transform", "tasks.warehouse", "tasks.publish")
    offending = sorted(f"{path} imports {name}" for path, names in imports_of("tasks").items() if path in shared
                       for name in names if any(name.startswith(stage) for stage in stages))
    assert offending == []
