"""An unreachable or wrong warehouse gives an error naming host, port and database, never the password."""

import pytest

from tasks.warehouse.database import WarehouseUnavailable, connect, describe_database_url, with_database


@pytest.mark.parametrize(
    ("url", "described"),
    [
        ("postgresql://bob:hunter2@db.example.com:6543/warehouse", "bob@db.example.com:6543/warehouse"),
        ("postgresql://bob@localhost/warehouse?sslmode=require", "bob@localhost:5432/warehouse"),
        ("postgresql://postgres:@/delivery?host=/tmp/pg", "postgres@/tmp/pg (socket)/delivery"),
    ],
)
def test_description_leaves_out_the_password(url, described):
    assert describe_database_url(url) == described


def test_refused_connection_names_host_port_database_not_password():
    with pytest.raises(WarehouseUnavailable) as caught:
        connect("postgresql://bob:s3cr3t-pw@127.0.0.1:1/warehouse")
    message = str(caught.value)
    assert "127.0.0.1:1/warehouse" in message
    assert "s3cr3t-pw" not in message


def test_missing_database_is_named(postgres_admin_url):
    with pytest.raises(WarehouseUnavailable, match='database "no_such_warehouse" does not exist'):
        connect(with_database(postgres_admin_url, "no_such_warehouse"))


def test_non_postgres_url_is_refused():
    with pytest.raises(WarehouseUnavailable, match="must start with postgresql://"):
        connect("mysql://root:pw@localhost/db")
