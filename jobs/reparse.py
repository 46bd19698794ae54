"""Rebuild one source's history from the raw documents already stored, after a parser fix."""

from __future__ import annotations

from collections.abc import Callable

from collectors.source import Source
from jobs.pipeline import Document, Outcome, Pipeline
from warehouse.facts import table_for


def reparse(pipe: Pipeline, source: Source, progress: Callable[[int, int], None] | None = None) -> list[Outcome]:
    """Replay every judged run of `source` (oldest first) through the current parser.

    All in one transaction (`Pipeline.atomic`): the source's facts are dropped and every run replayed, or,
    if anything fails or the process dies, nothing changed at all. Fetch logs and raw documents stay; failed
    fetch runs are kept as they were.
    """
    con = pipe.con
    with pipe.write_lock:
        past = con.execute(
            "SELECT observed_at, documents FROM collection_run WHERE source = ? "
            "AND status IN ('ok', 'unchanged', 'rejected') ORDER BY observed_at, run_id",
            [source.id],
        ).fetchall()
        urls = dict(con.execute(
            "SELECT sha256, first_url FROM raw_document WHERE sha256 IN "
            "(SELECT unnest(documents) FROM collection_run WHERE source = ?)",
            [source.id],
        ).fetchall())
        outcomes = []
        with pipe.atomic():
            for row_type in source.row_types:
                con.execute(f"DELETE FROM {table_for(row_type).name} WHERE source = ?", [source.id])
            con.execute(
                "DELETE FROM collection_run WHERE source = ? AND status IN ('ok', 'unchanged', 'rejected')",
                [source.id],
            )
            # One batch: nothing published per run; the deferrable hooks (transforms, gap thresholds) run once.
            with pipe.batch():
                for i, (observed_at, shas) in enumerate(past):
                    docs = [Document(urls.get(sha, ""), pipe.raw.get(sha), sha) for sha in shas or []]
                    outcomes.append(pipe.ingest_documents(source, docs, observed_at, trigger="reparse", force=True))
                    if progress:
                        progress(i + 1, len(past))
        if pipe.publish_after_ingest:
            pipe.publish()
        return outcomes
