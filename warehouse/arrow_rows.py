"""Python values as Arrow columns, for the writer's set-based inserts (DuckDB reads them by replacement scan).

Built by polars, not by `pyarrow.array`: pyarrow's first conversion of a Python list imports pandas to ask whether
the list is a pandas object (apache/arrow#34994). That cost every `gapwatch collect` 0.3 s on its first ingest and
left the writer ~90,000 more objects for every full garbage collection of its life; nothing in the writer uses
pandas. `tests/jobs/test_writer_imports.py` keeps it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl
import pyarrow as pa

STRING, INT64, FLOAT64, DATE = pl.String, pl.Int64, pl.Float64, pl.Date
STRINGS = pl.List(pl.String)


def column(values: Sequence[Any], dtype: pl.DataType | type[pl.DataType] | None = None) -> pa.Array:
    """`values` as one Arrow array of `dtype`, or of the type they imply (ints and floats together: floats; all
    None: the null type, which DuckDB casts to the target column's)."""
    return pl.Series(values=values, dtype=dtype, strict=False).to_arrow()


def table(columns: dict[str, Sequence[Any]], types: dict[str, Any] | None = None) -> pa.Table:
    """A table of `columns` (name → values, all of one length), each of its type in `types` or implied."""
    types = types or {}
    return pa.table({name: column(values, types.get(name)) for name, values in columns.items()})
