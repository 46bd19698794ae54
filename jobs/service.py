"""`gapwatch serve`: the one writer. APScheduler runs every enabled source on its own schedule.

Each source is one job (`max_instances=1`, `coalesce=True`, misfire grace from settings) on a thread pool
of `max_concurrent_fetches` workers, so at most that many fetches run at once while ingests queue on
the pipeline's write lock. After every run the service writes `source_schedule.next_run_at` and, unless the
run found the source unchanged, publishes the read snapshot, so `gapwatch status` and the app see failures and
next runs too, not only new facts (an unchanged run's record reaches them with the next publish).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from types import FrameType
from urllib.parse import urlsplit

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from collectors import registry
from collectors.http import RETRY_AFTER_MAX_S
from gapwatch.settings import Settings
from gapwatch.source import Source
from jobs.alerts.worker import DeliveryWorker
from jobs.pipeline import Pipeline, make_pipeline, utcnow
from warehouse import db, runs, schedule_file
from warehouse.publish import publish_if_owed

log = logging.getLogger("gapwatch.service")
HOST_BUSY_RETRY_S = 5.0
SHUTDOWN_GRACE_S = 5.0


# The scheduler job importing the watched folder of own evaluations (named like the source it feeds).
EVALS_JOB = "own_evals"


def enabled_sources(settings: Settings) -> list[Source]:
    # A retired source is never scheduled, even when named: its upstream no longer publishes.
    if not settings.enabled_sources:
        return [s for s in registry.SOURCES if not s.retired]
    return [s for s in (registry.get(s) for s in settings.enabled_sources) if not s.retired]


def trigger_for(source: Source, settings: Settings) -> BaseTrigger:
    """The source's own Schedule, unless settings override its interval (the demo's short intervals)."""
    jitter = settings.schedule_jitter_s if settings.schedule_jitter_s is not None else source.schedule.jitter_s
    every_s = settings.schedule_every_s.get(source.id, settings.schedule_every_s.get("*"))
    if every_s:
        return IntervalTrigger(seconds=every_s, jitter=jitter or None, timezone=UTC)
    if source.schedule.every is not None:
        return IntervalTrigger(seconds=source.schedule.every.total_seconds(), jitter=jitter or None, timezone=UTC)
    minute, hour, day, month, day_of_week = str(source.schedule.cron).split()
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week, timezone=UTC,
                       jitter=jitter or None)


def first_run_at(last_observed: datetime | None, trigger: BaseTrigger, now: datetime) -> datetime:
    """Now for a source never collected or whose data is older than one period; else its next due time."""
    if last_observed is None:
        return now
    last = last_observed.replace(tzinfo=UTC)
    if isinstance(trigger, IntervalTrigger):
        due = last + timedelta(seconds=trigger.interval_length)
    else:
        due = trigger.get_next_fire_time(None, last)
    return now if due is None or due <= now else due


class Service:
    """Scheduler + the single Pipeline. `start()` returns at once; `stop()` waits for running collections."""

    def __init__(self, settings: Settings, *, sources: Iterable[Source] | None = None,
                 pipeline: Pipeline | None = None) -> None:
        self.settings = settings
        self.sources = list(sources) if sources is not None else enabled_sources(settings)
        self.pipe = pipeline or make_pipeline(settings)
        # The service publishes once per run that changed something, so the pipeline must not publish as well.
        self.pipe.publish_after_ingest = False
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=max(1, settings.max_concurrent_fetches))},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": settings.misfire_grace_s},
            timezone=UTC,
        )
        self.alerts = DeliveryWorker(self.pipe, settings)
        self.outcomes: Counter[tuple[str, str]] = Counter()
        self._cond = threading.Condition()
        self._active = 0
        self._per_host: Counter[str] = Counter()
        self._stopping = False

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> None:
        self._remove_unfinished_publishes()
        now = datetime.now(UTC)
        for source in self.sources:
            trigger = trigger_for(source, self.settings)
            first = first_run_at(self._last_observed(source), trigger, now)
            # A Retry-After from before a restart still holds: the server asked not to be called until then.
            waited = self._retry_after_until(source, datetime.min)
            if waited is not None and waited > first:
                first = waited
            if isinstance(trigger, IntervalTrigger):
                trigger.start_date = first  # keep the cadence anchored on the first run, not on start-up
            self.scheduler.add_job(self._run, trigger, args=[source], id=source.id, name=source.id,
                                   next_run_time=first)
        if self.settings.evals_dir is not None:  # the watched folder of own evaluations, imported on a cadence
            self.scheduler.add_job(self._import_evals, IntervalTrigger(seconds=self.settings.evals_every_s),
                                   id=EVALS_JOB, name=EVALS_JOB, next_run_time=now)
        self.scheduler.start()
        with self.pipe.locked():
            self._save_schedule()
            self.pipe.publish()
        self.alerts.start()
        log.info("serving %d sources with at most %d concurrent fetches", len(self.sources),
                 self.settings.max_concurrent_fetches)

    def stop(self) -> None:
        """Stop scheduling, let running collections finish (an ingest commits or rolls back), then close."""
        with self._cond:
            self._stopping = True
        # wait=False: the scheduler's shutdown holds its job-store lock while waiting, and a finishing run
        # reads its jobs to record the next run time; we wait for running jobs ourselves below.
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.alerts.stop(timeout_s=0)  # tells the pass in flight to end; joined below, before the pipeline closes
        with self._cond:
            # Fetches in flight get a few seconds to finish (their ingest then commits); past that they are
            # cancelled, so a server trickling bytes cannot hold shutdown up until its deadline.
            if not self._cond.wait_for(lambda: self._active == 0, timeout=SHUTDOWN_GRACE_S):
                log.info("cancelling the fetches still in flight")
                self.pipe.client.cancel()
            self._cond.wait_for(lambda: self._active == 0)
        if not self.alerts.stop(timeout_s=SHUTDOWN_GRACE_S):
            log.warning("alert delivery did not stop within %g s; closing anyway", SHUTDOWN_GRACE_S)
        self.pipe.close()
        log.info("stopped")

    # -- one run ---------------------------------------------------------------------------------
    def _run(self, source: Source) -> None:
        host = self._host(source)
        with self._cond:
            if self._stopping:  # queued before shutdown: don't start a new fetch
                return
            if self._per_host[host] >= max(1, self.settings.max_fetches_per_host):
                # The host already has its share of fetches in flight (a slow host serving many sources): free
                # this worker for other hosts and try again shortly, rather than wait for a slot here.
                self._defer(source, HOST_BUSY_RETRY_S)
                return
            self._active += 1
            self._per_host[host] += 1
        try:
            self._collect(source)
        finally:
            with self._cond:
                self._active -= 1
                self._per_host[host] -= 1
                self._cond.notify_all()

    def _host(self, source: Source) -> str:
        return urlsplit(self.settings.base_urls.get(source.id) or source.base_url).netloc.rsplit("@", 1)[-1]

    def _defer(self, source: Source, seconds: float) -> None:
        job = self.scheduler.get_job(source.id)
        if job is not None:
            log.info("%s: %s is busy with other sources' fetches; trying again in %g s", source.id,
                     self._host(source), seconds)
            job.modify(next_run_time=datetime.now(UTC) + timedelta(seconds=seconds))

    def _collect(self, source: Source) -> None:
        started = utcnow()
        status = "crashed"
        try:
            outcome = self.pipe.collect(source, trigger="schedule")
            status = outcome.status
            (log.info if outcome.status in ("ok", "unchanged") else log.warning)("%s", outcome.summary())
        except Exception:  # a bug in one source's run must not stop the others; its transaction rolled back
            log.exception("%s: collection crashed", source.id)
        self._honour_retry_after(source, started)
        with self.pipe.locked() as con:
            self._save_schedule()
            # An unchanged run wrote its run record and schedule (readers get the schedule from the schedule file),
            # perhaps a health event (source_stale). Publishing copies the whole warehouse: only when the snapshot
            # lacks what readers must see (that event) or is damaged or missing (`publish_if_owed`).
            if status != "unchanged":
                self.pipe.publish()
            else:
                publish_if_owed(con, self.settings.published_file, after_unchanged_run=True)
        self.outcomes[(source.id, status)] += 1  # counted once the run's schedule and snapshot are out
        self.alerts.request()

    def _retry_after_until(self, source: Source, since: datetime) -> datetime | None:
        """Until when a server that answered 429/503 with Retry-After (in a fetch since `since`) asked us to wait."""
        # Clamped again as read: a warehouse written before the clamp may hold `inf` or 1e308, which would fail
        # the cast and kill every run (and every start) of the service.
        with self.pipe.locked() as con:
            row = con.execute("SELECT max(fetched_at + to_microseconds((least(greatest(retry_after_s, 0), ?) * 1e6)"
                              "::BIGINT)) FROM fetch_log WHERE source = ? AND fetched_at >= ? "
                              "AND retry_after_s IS NOT NULL AND NOT isnan(retry_after_s)",
                              [RETRY_AFTER_MAX_S, source.id, since]).fetchall()
        return row[0][0].replace(tzinfo=UTC) if row and row[0][0] is not None else None

    def _honour_retry_after(self, source: Source, since: datetime) -> None:
        """A server that answered 429/503 with Retry-After is not called again before then, whatever the
        source's schedule says (the client's own retries stop at `backoff_max_s`)."""
        not_before = self._retry_after_until(source, since)
        job = self.scheduler.get_job(source.id)
        if not_before is None or job is None or (job.next_run_time is not None and job.next_run_time >= not_before):
            return
        log.warning("%s: the server asked us to wait until %s (Retry-After); next run moved there", source.id,
                    not_before.isoformat(timespec="seconds"))
        job.modify(next_run_time=not_before)

    def _remove_unfinished_publishes(self) -> None:
        """Temporary copies left by a publish that a crash cut short. We hold the writer's lock, so no
        other process is publishing now."""
        target = self.settings.published_file
        for leftover in target.parent.glob(f".{target.name}.*.tmp*"):
            log.info("removing %s, left by an interrupted publish", leftover)
            leftover.unlink(missing_ok=True)

    def _last_observed(self, source: Source) -> datetime | None:
        with self.pipe.locked() as con:
            return runs.last_observed(con, source.id)

    def _save_schedule(self) -> None:
        now = utcnow()
        rows = [
            [job.id, job.next_run_time.astimezone(UTC).replace(tzinfo=None) if job.next_run_time else None, now]
            for job in self.scheduler.get_jobs()
        ]
        with self.pipe.locked() as con:
            with db.transaction(con):
                # Whole table: a source no longer scheduled (disabled, removed) must not show a next run.
                con.execute("DELETE FROM source_schedule")
                if rows:
                    con.executemany("INSERT INTO source_schedule VALUES (?, ?, ?)", rows)
            last = con.execute("SELECT source, arg_max(finished_at, run_id), arg_max(status, run_id) "
                               "FROM collection_run WHERE trigger <> 'backfill' GROUP BY source").fetchall()
        # Readers learn the schedule from this file after every run; the snapshot only when a publish is due.
        schedule_file.write(self.settings.published_file, {r[0]: r[1] for r in rows},
                            {s: (at, status) for s, at, status in last}, now)

    def _import_evals(self) -> None:
        """New files of the watched folder (`evals_dir`): imported, derived and published (jobs/evals.py); a broken
        file is a rejected run of `own_evals`, never a stopped service."""
        with self._cond:
            if self._stopping:
                return
            self._active += 1  # `stop` waits for it like for a collection
        try:
            self._import_evals_once()
        finally:
            # Only once the schedule is saved too: `stop` closes the pipeline when `_active` reaches 0.
            with self._cond:
                self._active -= 1
                self._cond.notify_all()

    def _import_evals_once(self) -> None:
        from jobs.evals import EvalImportError, import_folder

        assert self.settings.evals_dir is not None
        try:
            outcomes = import_folder(self.pipe, self.settings.evals_dir)
        except EvalImportError as exc:
            log.error("%s", exc)
            return
        except Exception:
            log.exception("importing evaluations from %s failed", self.settings.evals_dir)
            return
        for outcome in outcomes:
            with self._cond:
                self.outcomes[(outcome.source, outcome.status)] += 1
        if outcomes:
            with self.pipe.locked():
                self._save_schedule()
            self.alerts.request()  # off this thread: the delivery worker sends


def stop_on_signals() -> threading.Event:
    """An event the first SIGTERM/SIGINT sets; a second signal exits at once.

    Exiting at once is safe: an ingest cut short never committed, so DuckDB rolls it back on the next open.
    """
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        if stop.is_set():
            os._exit(128 + signum)
        log.info("received %s: finishing running collections (send again to exit now)",
                 signal.Signals(signum).name)
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, on_signal)
    return stop


def serve(settings: Settings) -> None:
    stop = stop_on_signals()
    service = Service(settings)
    service.start()
    try:
        while not stop.wait(0.5):
            pass
    finally:
        service.stop()
