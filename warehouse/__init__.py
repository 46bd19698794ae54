"""The DuckDB warehouse: schema and migrations, raw store, history-keeping ingest, publish. No HTTP here."""
