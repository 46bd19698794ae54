"""Fetching and parsing public sources. Knows nothing of DuckDB."""
