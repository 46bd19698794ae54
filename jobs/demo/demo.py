"""`make demo` / `gapwatch demo`: the real service and app, offline, over recorded documents.

1. The replay server serves `demo/recordings/` on 127.0.0.1 and every recorded source's base URL points
   at it (only sources with recordings are enabled: the others would only fail).
2. History: each recorded date, oldest first, is collected through real HTTP with `observed_at` = that
   date, so the warehouse holds trends and change events as a live install would after months.
3. The app starts at once, beside the history build, and shows the history filling in (the snapshot is
   published every few seconds); then the service runs the scheduler (short demo intervals from
   `demo/gapwatch.toml`) as `gapwatch up` does. The replay server keeps serving each source's newest
   recording, so scheduled collections keep arriving (as conditional GETs answered 304, like a quiet day
   upstream).

The demo's data lives in its own directory (default `data/demo/`), never in the live one.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
import threading
import time
from datetime import datetime
from pathlib import Path

from collectors import registry
from gapwatch.settings import Settings
from gapwatch.source import Outcome, Source
from jobs.demo.paths import DEMO_DATA, ROOT
from jobs.demo.replay import Recordings, ReplayServer
from jobs.pipeline import make_pipeline
from jobs.service import Service, stop_on_signals
from jobs.up import App, run_together
from warehouse.progress import clear_progress, write_progress

log = logging.getLogger("gapwatch.demo")

RECORDINGS = ROOT / "demo" / "recordings"
DEMO_CONFIG = ROOT / "demo" / "gapwatch.toml"
DEMO_EVALS = ROOT / "demo" / "evals"
MARKER = ".gapwatch-demo"
PUBLISH_EVERY_S = 5.0
# Locations that would send the demo's writes into a live install if inherited from the environment.
_LIVE_LOCATIONS = ("GAPWATCH_WAREHOUSE_PATH", "GAPWATCH_PUBLISHED_PATH", "GAPWATCH_RAW_DIR")


def demo_sources(recordings: Recordings) -> list[Source]:
    """Registered sources that have recordings, in registry order."""
    recorded = set(recordings.sources())
    for unknown in sorted(recorded - set(registry.BY_ID)):
        log.warning("recordings for %s ignored: no such registered source", unknown)
    return [s for s in registry.SOURCES if s.id in recorded]


def prepare_data_dir(path: Path, fresh: bool) -> None:
    """Start from an empty demo directory; only ever delete a directory the demo itself created."""
    if fresh and path.exists():
        if not (path / MARKER).exists():
            raise RuntimeError(f"{path} exists and was not created by the demo; refusing to delete it")
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)
    (path / MARKER).write_text("created by `gapwatch demo`; deleted and rebuilt on each fresh demo run\n")


def demo_settings(data_dir: Path, server: ReplayServer, sources: list[Source]) -> Settings:
    """Settings for this process and, through the environment, for the app it starts."""
    for name in _LIVE_LOCATIONS:
        os.environ.pop(name, None)
    os.environ["GAPWATCH_CONFIG"] = str(DEMO_CONFIG)
    os.environ["GAPWATCH_DATA_DIR"] = str(data_dir.resolve())
    os.environ["GAPWATCH_ENABLED_SOURCES"] = json.dumps([s.id for s in sources])
    os.environ["GAPWATCH_EVALS_DIR"] = str(DEMO_EVALS)  # your own evaluations, watched (docs/evals.md)
    for source in sources:
        os.environ[f"GAPWATCH_BASE_URLS__{source.id.upper()}"] = server.base_url(source.id)
    # One loopback origin stands in for every upstream host: the per-host limit would queue all sources behind it.
    os.environ["GAPWATCH_MAX_FETCHES_PER_HOST"] = str(Settings().max_concurrent_fetches)
    return Settings()


def as_recorded(source: Source, recordings: Recordings, day: str) -> Source:
    """The source as collected on `day`: at its own paths, unless none of them is recorded by then and the day
    holds documents at other upstream paths (an older export, e.g. the arena's CSV files before its parquet
    dataset), which are collected instead, as a backfill of that export would."""
    if source.paths_from or any(recordings.find(source.id, day, p) for p in source.paths):
        return source
    files = recordings.files(source.id, day)
    return dataclasses.replace(source, paths=tuple(files)) if files else source


def build_history(
    settings: Settings, server: ReplayServer, sources: list[Source], *,
    stop: threading.Event | None = None, publish_every_s: float = PUBLISH_EVERY_S,
) -> list[Outcome]:
    """Collect every recorded date in order, through real HTTP, as observed on that date.

    The snapshot is published every `publish_every_s` while this runs, so an app already started shows the
    history filling in; a set `stop` ends it between two collections.
    """
    by_source = {s.id: server.recordings.dates(s.id) for s in sources}
    outcomes = []
    total = sum(len(dates) for dates in by_source.values())
    write_progress(settings.published_file, 0, total, "recorded collections")
    try:
        with make_pipeline(settings, publish_after_ingest=False) as pipe:
            published = time.monotonic()
            for day in sorted({d for dates in by_source.values() for d in dates}):
                for source in sources:
                    if day not in by_source[source.id] or (stop is not None and stop.is_set()):
                        continue
                    server.set_date(source.id, day)
                    outcome = pipe.collect(as_recorded(source, server.recordings, day),
                                           observed_at=datetime.fromisoformat(day), trigger="demo")
                    log.info("%s %s", day, outcome.summary())
                    outcomes.append(outcome)
                if time.monotonic() - published >= publish_every_s:
                    pipe.publish()
                    write_progress(settings.published_file, len(outcomes), total, "recorded collections")
                    published = time.monotonic()
            pipe.publish()
    finally:
        # Done, or stopped: either way nothing is loading any more.
        clear_progress(settings.published_file)
    return outcomes


def run_demo(data_dir: Path = DEMO_DATA, *, fresh: bool = True) -> int:
    """Start the app at once (on an empty snapshot), build history under it, then run the service."""
    started = time.monotonic()
    stop = stop_on_signals()
    prepare_data_dir(data_dir, fresh)
    with ReplayServer(RECORDINGS) as server:
        sources = demo_sources(server.recordings)
        if not sources:
            raise RuntimeError(f"no recordings of any registered source under {RECORDINGS}")
        settings = demo_settings(data_dir, server, sources)
        log.info("replay server on %s for %s", server.url, ", ".join(s.id for s in sources))
        with make_pipeline(settings) as pipe:
            pipe.publish()  # the app starts now, alongside the history build: give it a snapshot to open
        app = App(settings, started, stop)
        try:
            outcomes = build_history(settings, server, sources, stop=stop)
        except BaseException:
            app.stop()
            raise
        ok = sum(o.status == "ok" for o in outcomes)
        log.info("history: %d collections (%d ok) in %.1fs", len(outcomes), ok, time.monotonic() - started)
        if stop.is_set() or app.exited():
            return app.stop()
        log.info("starting the service on the demo schedule (%s)", DEMO_CONFIG.relative_to(ROOT))
        return run_together(Service(settings), app, stop)
