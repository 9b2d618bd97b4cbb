"""Every table, view and column has a comment, and docs/data-dictionary.md is what the catalog says."""


from flows.catalog import DEFAULT_OUTPUT, main
from tasks.warehouse.catalog import catalog_rows, data_dictionary


def test_every_relation_and_column_has_a_comment(warehouse_url):
    rows = catalog_rows(warehouse_url)
    assert rows
    missing_relations = sorted({f"{r[0]}.{r[1]}" for r in rows if not r[3]})
    missing_columns = [f"{r[0]}.{r[1]}.{r[4]}" for r in rows if not r[6]]
    assert missing_relations == []
    assert missing_columns == []


def test_committed_data_dictionary_is_current(warehouse_url):
    assert DEFAULT_OUTPUT.read_text(encoding="utf-8") == data_dictionary(warehouse_url), (
        "docs/data-dictionary.md is stale: run `uv run python -m flows.catalog`")


def test_catalog_command_writes_the_file(warehouse_url, tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["--database-url", warehouse_url, "--output", str(tmp_path / "dd.md")]) == 0
    monkeypatch.delenv("DATABASE_URL", raising=False)
    text = (tmp_path / "dd.md").read_text()
    assert "### `github.item_versions` (table)" in text
    assert "| `points` | numeric | Value of the board's configured points field; null means unpointed |" in text
