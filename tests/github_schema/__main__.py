"""`python -m tests.github_schema [VERSION]`: replace the vendored schema with another published version.

Needs npm and access to the npm registry; the tests themselves never do.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from tests.github_schema import FOLDER, PUBLISHED_SCHEMA, SCHEMA_PACKAGE, SCHEMA_VERSION


def refresh(version: str) -> None:
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is needed to fetch the schema package (install Node.js)")
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run([npm, "pack", f"{SCHEMA_PACKAGE}@{version}", "--pack-destination", folder, "--silent"],
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            sys.exit(f"npm pack {SCHEMA_PACKAGE}@{version} failed: {done.stderr.strip()[:500]}")
        with tarfile.open(next(Path(folder).glob("*.tgz"))) as archive:
            PUBLISHED_SCHEMA.write_bytes(archive.extractfile("package/schema.graphql").read())
            (FOLDER / "LICENSE.md").write_bytes(archive.extractfile("package/LICENSE.md").read())
    (FOLDER / "VERSION").write_text(version + "\n", encoding="utf-8")
    print(f"vendored {SCHEMA_PACKAGE}@{version} in {FOLDER}; now run the tests")


if __name__ == "__main__":
    refresh(sys.argv[1] if len(sys.argv) > 1 else SCHEMA_VERSION)
