"""Polars transforms: the gap table and its history, months behind, price trends, the price-quality frontier and
cost of ownership. Every module here is pure (frames in, frames out); `inputs` reads the warehouse and `refresh`
writes the result tables in the ingest transaction."""
