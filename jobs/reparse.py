"""Rebuild one source's history from the raw documents already stored, after a parser fix."""

from __future__ import annotations

from collections.abc import Callable

from gapwatch.source import Outcome, Source
from jobs.pipeline import Document, Pipeline
from warehouse import runs
from warehouse.facts import table_for
from warehouse.transforms import touched


def reparse(pipe: Pipeline, source: Source, progress: Callable[[int, int], None] | None = None) -> list[Outcome]:
    """Replay every judged run of `source` (oldest first) through the current parser.

    All in one transaction (`Pipeline.atomic`): the source's facts are dropped and every run replayed, or,
    if anything fails or the process dies, nothing changed at all. Fetch logs and raw documents stay; failed
    fetch runs are kept as they were.
    """
    with pipe.locked() as con:
        past = runs.judged_runs(con, source.id)
        urls = runs.document_urls(con, source.id)
        outcomes = []
        with pipe.atomic():
            for row_type in source.row_types:
                con.execute(f"DELETE FROM {table_for(row_type).name} WHERE source = ?", [source.id])
            runs.drop_judged_runs(con, source.id)
            touched.mark_stale(con)  # facts dropped outside any diff: the derive stage recomputes everything
            # One batch: nothing published per run; the derive stage (transforms, gap thresholds) runs once.
            with pipe.batch():
                for i, (observed_at, shas) in enumerate(past):
                    docs = [Document(urls.get(sha, ""), pipe.raw.get(sha), sha) for sha in shas or []]
                    outcomes.append(pipe.ingest_documents(source, docs, observed_at, trigger="reparse", force=True))
                    if progress:
                        progress(i + 1, len(past))
        if pipe.publish_after_ingest:
            pipe.publish()
        return outcomes
