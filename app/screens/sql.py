"""SQL: read-only queries against the published snapshot, with the documented views and examples."""

from __future__ import annotations

from pathlib import Path

import duckdb
import streamlit as st

from app import data, readonly_sql, ui

EXAMPLES = {
    "Current prices, cheapest output first": "SELECT provider, model, input_per_mtok, output_per_mtok\n"
    "FROM v_prices_current WHERE tier = 'standard'\nORDER BY output_per_mtok NULLS LAST LIMIT 20",
    "The gap per capability": "SELECT definition, capability, board, best_open_model, best_closed_model, gap_abs\n"
    "FROM v_gap_by_capability ORDER BY definition, capability",
    "Latest changes": "SELECT observed_at, kind, entity, magnitude FROM v_changes LIMIT 20",
    "Current leaders per board": "SELECT board, category, model, score FROM v_leaders_current ORDER BY board, category",
    "One model's price history": "SELECT provider, source, input_per_mtok, output_per_mtok, valid_from, valid_to\n"
    "FROM v_price_history WHERE model LIKE '%llama%' ORDER BY model, valid_from",
}

st.title("SQL")
snap = ui.snapshot_or_stop()
st.caption("One read-only query (SELECT, WITH, FROM, SHOW, DESCRIBE) against the published snapshot; "
           f"at most {readonly_sql.MAX_ROWS:,} rows are returned, and a query stops after "
           f"{readonly_sql.TIMEOUT_S:g} s.")

views = data.documented_views(snap)
with st.expander(f"Views in this snapshot ({0 if views is None else views.height})"):
    if data.present(views):
        ui.table(views, key="views")

example = st.selectbox("Start from an example", list(EXAMPLES), key="sql_example")
query = st.text_area("Query", value=EXAMPLES[example], height=160, key=f"sql_query:{example}")
if st.button("Run", type="primary", key="sql_run"):
    try:
        result = readonly_sql.run(Path(snap.path), query)
    except readonly_sql.RejectedQuery as exc:
        # Messages quote the query and stored values: shown as code, never as Markdown.
        st.error("Rejected: not a single read-only query.")
        st.code(str(exc), language=None)
    except readonly_sql.QueryStopped as exc:
        st.error("The query took too long.")
        st.code(str(exc), language=None)
    except duckdb.Error as exc:
        st.error("The query failed.")
        st.code(str(exc), language=None)
    else:
        if result.truncated:
            st.warning(f"Only the first {result.frame.height:,} rows are shown and downloadable (at most "
                       f"{readonly_sql.MAX_ROWS:,} rows or {readonly_sql.MAX_BYTES // 2**20} MiB).")
        st.text(f"{result.frame.height:,} rows")
        # The query's own column names, as its author wrote them (not relabelled like the other pages' tables).
        st.dataframe(result.frame, hide_index=True, key="sql_result")
        st.download_button("Download CSV", result.frame.write_csv(), file_name="gapwatch-query.csv",
                           mime="text/csv", key="sql_download", on_click="ignore")
