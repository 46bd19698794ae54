"""Shared kernel of gapwatch: typed settings and the row types that cross the parse → ingest boundary."""
