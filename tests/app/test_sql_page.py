"""The SQL page: one read-only query against the snapshot, everything else refused with a reason."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from app import readonly_sql
from tests.app.conftest import html_tables, open_app, view


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("", "Enter a query"),
        ("SELECT 1; SELECT 2", "one statement at a time (found 2)"),
        ("COPY price TO '/tmp/out.csv'", "not COPY"),
        ("ATTACH '/tmp/other.duckdb' AS other", "not ATTACH"),
        ("DELETE FROM price", "not DELETE"),
        ("INSTALL httpfs", "not LOAD"),
        ("SELEC 1", "does not parse"),
    ],
)
def test_only_single_read_only_queries_pass(sql: str, reason: str) -> None:
    with pytest.raises(readonly_sql.RejectedQuery, match=re.escape(reason)):
        readonly_sql.check(sql)


def test_query_cannot_read_server_files(filled_snapshot: Path) -> None:
    with pytest.raises(duckdb.PermissionException):
        readonly_sql.run(filled_snapshot, "SELECT * FROM read_text('/etc/hostname')")


def test_result_is_capped(filled_snapshot: Path) -> None:
    result = readonly_sql.run(filled_snapshot, "SELECT * FROM range(25)", max_rows=10)
    assert result.truncated and result.frame.height == 10


def test_sql_page_runs_a_query_and_offers_csv(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("sql")
    sql = "SELECT provider, model, input_per_mtok FROM v_prices_current ORDER BY model, provider LIMIT 5"
    at.text_area[0].set_value(sql)
    at.button(key="sql_run").click().run()
    assert not at.exception and not at.error
    table = at.dataframe[-1].value
    assert [tuple(r) for r in table.itertuples(index=False)] == view(filled_snapshot, sql)
    assert at.get("download_button"), "the result is downloadable as CSV"


def test_sql_page_refuses_a_write(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("sql")
    at.text_area[0].set_value("DROP TABLE price")
    at.button(key="sql_run").click().run()
    assert [e.value for e in at.error] == ["Rejected: not a single read-only query."]
    assert "not DROP" in at.code[0].value
    assert view(filled_snapshot, "SELECT count(*) FROM price")[0][0] > 0


def test_views_are_listed_from_the_snapshot(filled_snapshot: Path, use_snapshot) -> None:
    use_snapshot(filled_snapshot)
    at = open_app("sql")
    (views,) = [t for t in html_tables(at) if "View" in t.columns]
    listed = views["View"].tolist()
    assert listed == [r[0] for r in view(filled_snapshot, "SELECT table_name FROM information_schema.tables "
                                         "WHERE table_type = 'VIEW' AND table_name LIKE 'v\\_%' ESCAPE '\\' "
                                         "ORDER BY table_name")]
    assert "v_prices_current" in listed
