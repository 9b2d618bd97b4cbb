"""Views as code: one file per view, re-created in dependency order by `migrate` whenever a file's text changes,
dropped when its file is gone; tables stay in numbered migrations."""

import shutil

import pytest

from tasks.warehouse.database import connect
from tasks.warehouse.migrate import migrate
from tasks.warehouse.views import VIEWS_FOLDER, ViewFileError, view_files
from tests.conftest import query


def test_every_metric_view_and_view_function_has_its_own_file(warehouse_url):
    files = {view.name for view in view_files()}
    views = {row[0] for row in query(warehouse_url, "select table_schema || '.' || table_name from "
                                     "information_schema.views where table_schema in ('metrics', 'metrics_base')")}
    assert views <= files
    for view in view_files():
        described = f"comment on {view.kind} {view.name}" + (" is" if view.kind == "view" else "(")
        assert described in view.text, f"{view.name}.sql has no comment beside it"


def test_files_come_after_what_they_read():
    order = [view.name for view in view_files()]
    assert order.index("metrics_base.settings") < order.index("metrics_base.sprint_days")
    assert order.index("metrics_base.sprint_issue_days") < order.index("metrics.sprint_burndown")
    assert order.index("metrics_base.deliverables") < order.index("metrics_base.deliverable_state_at") \
        < order.index("metrics.deliverable_burnup")


def test_a_changed_file_is_applied_with_its_dependents_and_a_removed_one_dropped(warehouse_url, tmp_path):
    folder = tmp_path / "views"
    shutil.copytree(VIEWS_FOLDER, folder)
    burndown = folder / "metrics.sprint_burndown.sql"
    burndown.write_text(burndown.read_text().replace(
        "comment on view metrics.sprint_burndown is '", "comment on view metrics.sprint_burndown is 'Changed. "))
    (folder / "metrics_base.view_to_go.sql").write_text(
        "create view metrics_base.view_to_go as select 1 as one;\n"
        "comment on view metrics_base.view_to_go is 'Goes away';\n")
    with connect(warehouse_url) as connection:
        applied = migrate(connection, views=folder)
    assert "metrics.sprint_burndown" in applied and "metrics_base.view_to_go" in applied
    assert query(warehouse_url, "select obj_description('metrics.sprint_burndown'::regclass)")[0][0].startswith(
        "Changed. ")
    assert query(warehouse_url, "select count(*) from metrics.sprint_velocity") == [(0,)]  # dependents are back
    with connect(warehouse_url) as connection:
        assert migrate(connection, views=folder) == []  # unchanged: nothing to do
    (folder / "metrics_base.view_to_go.sql").unlink()
    with connect(warehouse_url) as connection:
        migrate(connection, views=folder)
    assert query(warehouse_url, "select to_regclass('metrics_base.view_to_go')::text") == [(None,)]
    assert query(warehouse_url, "select count(*) from etl.schema_objects where name = 'metrics_base.view_to_go'") == [
        (0,)]


def test_a_broken_file_fails_the_migration_naming_it_and_changes_nothing(warehouse_url, tmp_path):
    folder = tmp_path / "views"
    shutil.copytree(VIEWS_FOLDER, folder)
    velocity = folder / "metrics.sprint_velocity.sql"
    velocity.write_text(velocity.read_text().replace("committed_points", "committed_pointz", 1))
    (folder / "metrics.flow_times.sql").write_text((folder / "metrics.flow_times.sql").read_text() + "select 1/0;\n")
    before = query(warehouse_url, "select name, checksum from etl.schema_objects order by 1")
    with connect(warehouse_url) as connection, pytest.raises(ViewFileError, match="metrics.flow_times.sql"):
        migrate(connection, views=folder)
    assert query(warehouse_url, "select name, checksum from etl.schema_objects order by 1") == before
    assert query(warehouse_url, "select count(*) from metrics.sprint_velocity") == [(0,)]


@pytest.mark.parametrize("name, text, message", [
    ("metrics.a", "create view metrics.b as select 1;", "metrics.a.sql must create the view or function metrics.a"),
    ("metrics.a", "create view metrics.a as select * from metrics.b;", "read each other in a circle: metrics.a, metrics.b"),
])
def test_misnamed_or_circular_files_are_refused(tmp_path, name, text, message):
    (tmp_path / f"{name}.sql").write_text(text)
    (tmp_path / "metrics.b.sql").write_text("create view metrics.b as select * from metrics.a;")
    with pytest.raises(ViewFileError, match=message):
        view_files(tmp_path)
