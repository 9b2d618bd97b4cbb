"""Views as code: every view of `metrics` and `metrics_base` (and the SQL functions that read views) is one file
in views/, named after the object, its comments beside it. The migration runner re-creates them all, in
dependency order, whenever the text of any file differs from what the warehouse last applied (recorded in
etl.schema_objects), like repeatable migrations; tables and data changes stay in numbered migrations.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from tasks.errors import PipelineError
from tasks.warehouse.sql_files import execute_script, sql_file

VIEWS_FOLDER = Path(__file__).parent / "views"
CREATE = re.compile(r"^create (?:or replace )?(view|function) ([a-z_]+\.[a-z_]+)\b", re.M)


class ViewFileError(PipelineError):
    """A view file that cannot be applied as it is; the message names the file."""


@dataclass(frozen=True)
class WarehouseObject:
    name: str  # schema.name, as in the file name
    kind: str  # view or function
    text: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    def references(self, names: set[str]) -> set[str]:
        """The other objects this one reads (comments left out)."""
        code = re.sub(r"--[^\n]*", "", self.text)
        return {name for name in names if name != self.name and re.search(rf"\b{re.escape(name)}\b", code)}


def view_files(folder: Path = VIEWS_FOLDER) -> list[WarehouseObject]:
    """Every object of the folder, each after the objects it reads."""
    objects = {}
    for path in sorted(folder.glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        found = CREATE.search(text)
        if found is None or found[2] != path.stem:
            raise ViewFileError(f"{path.name} must create the view or function {path.stem} (create view {path.stem} "
                                "as …, or create or replace function …)")
        objects[path.stem] = WarehouseObject(path.stem, found[1], text)
    ordered: list[WarehouseObject] = []
    placed: set[str] = set()
    waiting = {name: obj.references(set(objects)) for name, obj in objects.items()}
    while waiting:
        ready = sorted(name for name, needs in waiting.items() if needs <= placed)
        if not ready:
            raise ViewFileError(f"the view files read each other in a circle: {', '.join(sorted(waiting))}")
        for name in ready:
            ordered.append(objects[name])
            placed.add(name)
            del waiting[name]
    return ordered


def apply_view_files(connection, cursor, folder: Path = VIEWS_FOLDER) -> list[str]:
    """Inside the migration's transaction: re-create every object of the folder when any file changed, and drop
    the objects whose files are gone. Returns the names applied (empty when nothing changed)."""
    objects = view_files(folder)
    cursor.execute("select name, checksum, kind from etl.schema_objects")
    applied = {name: (checksum, kind) for name, checksum, kind in cursor.fetchall()}
    if {name: checksum for name, (checksum, _) in applied.items()} == {obj.name: obj.checksum for obj in objects}:
        return []
    kinds = {**{name: kind for name, (_, kind) in applied.items()}, **{obj.name: obj.kind for obj in objects}}
    for name in [*reversed([obj.name for obj in objects]), *sorted(set(applied) - {o.name for o in objects})]:
        execute_script(connection, f"drop {kinds[name]} if exists {name} cascade")
    for obj in objects:
        try:
            execute_script(connection, obj.text)
        except Exception as error:
            raise ViewFileError(f"view file {obj.name}.sql failed: {error}") from None
    execute_script(connection, sql_file("after_views"))
    cursor.execute("delete from etl.schema_objects")
    for obj in objects:
        cursor.execute("insert into etl.schema_objects (name, kind, checksum) values ($1, $2, $3)",
                       parameters=(obj.name, obj.kind, obj.checksum))
    return [obj.name for obj in objects]
