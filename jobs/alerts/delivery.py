"""Alert delivery: route stored change events to channels by rules, once per (event, channel), with retries.

A pass reads pending work under the writer's lock, sends without holding it (a slow webhook must not stall
ingests), then records every attempt in `alert_delivery` under the lock again. An (event, channel) with a
`sent` attempt is never sent again; a failed one is retried on later passes up to `alert_max_attempts`.
Backfilled events are recorded but only sent when asked (`include_backfill=True`, i.e. `backfill --alerts`).

Every send has a deadline (`alert_timeout_s`) however slowly the channel answers, and a channel that fails is
not tried again before its backoff ends (`ChannelHealth`): its other messages stay pending for a later pass.
The service runs passes on their own thread (`jobs/alerts/worker.py`), never in a collection's.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import apprise
import duckdb

from gapwatch.settings import Settings
from jobs.alerts.feed import feed_file, write_feed
from jobs.alerts.messages import StoredEvent, body, load_events, title
from jobs.alerts.rules import AlertConfig, Channel, load_config, resolve_channels
from jobs.pipeline import Pipeline

log = logging.getLogger("gapwatch.alerts")
# Apprise (at DEBUG) and urllib3 log the full request URL, secrets included. A filter on these loggers
# rewrites each record before any handler sees it, whatever logging the host application configured.
TRANSPORT_LOGGERS = ("apprise", "urllib3.connectionpool")

PERIODS = {"hourly": timedelta(hours=1), "daily": timedelta(days=1), "weekly": timedelta(weeks=1)}
MAX_PARALLEL_CHANNELS = 8
# One pass at a time per process: two overlapping passes could both see an (event, channel) as pending.
_PASS_LOCK = threading.Lock()


@dataclass(frozen=True)
class Attempt:
    event_key: str
    channel: str
    attempt: int
    status: str  # sent | failed
    error: str | None


@dataclass
class DeliveryReport:
    attempts: list[Attempt] = field(default_factory=list)
    feed: str | None = None

    @property
    def sent(self) -> int:
        return sum(a.status == "sent" for a in self.attempts)

    @property
    def failed(self) -> int:
        return sum(a.status == "failed" for a in self.attempts)


@dataclass(frozen=True)
class Message:
    channel: Channel
    target: str  # the `alert_delivery.channel` value: the channel name, or `name@daily` for a digest
    events: tuple[StoredEvent, ...]
    title: str
    body: str
    prior: tuple[int, ...]  # attempts already made per event, to number this one


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class _ScrubSecrets(logging.Filter):
    def __init__(self, channel: Channel) -> None:
        super().__init__()
        self.channel = channel

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        clean = self.channel.scrub(text)
        if clean != text:
            record.msg, record.args = clean, ()
        return True


@contextmanager
def _scrubbed_logs(channel: Channel) -> Iterator[None]:
    scrub = _ScrubSecrets(channel)
    loggers = [logging.getLogger(name) for name in TRANSPORT_LOGGERS]
    for logger in loggers:
        logger.addFilter(scrub)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(scrub)


# Mentions that page many people, per chat platform; an alert quotes upstream text (model names, licence
# texts) that may contain any of them. Every channel gets the union: a generic webhook may relay into any of these.
MASS_MENTIONS = {
    "Slack": r"<(?=[!@#])|@(?=(?:here|channel|everyone)\b)",  # <!channel>, <!here>, <@U123>, <#C1>
    "Discord": r"<(?=[@#])|@(?=(?:everyone|here)\b)",  # @everyone, @here, <@id>, <@&role>
    "Mattermost": r"@(?=(?:all|channel|here)\b)",
    "Matrix": r"@(?=room\b)",  # the `.m.rule.roomnotif` push rule matches "@room" in the body
    "Zulip": r"@(?=_?\*)",  # @**all**, @**everyone**, @**stream**, @**topic**, @*group*, silent @_**name**
}
_MENTION = re.compile("|".join(f"(?:{p})" for p in MASS_MENTIONS.values()), re.IGNORECASE)
# Services that render Markdown from the plain text field Apprise fills for a TEXT body: Apprise escapes our text
# into Markdown for them only when the plugin is told it speaks Markdown.
RENDERS_MARKDOWN = frozenset({"Mattermost", "Zulip", "Discord"})


def inert(text: str) -> str:
    """`text` with every mass mention broken by a zero-width space: a scraped model name must never page a channel.
    Markup (markdown links, HTML) is escaped by Apprise for each channel's own format (the body is sent as TEXT)."""
    return _MENTION.sub(lambda m: m.group(0) + "\u200b", text)


class DeliveryStopped(Exception):
    """The service is shutting down: the send in flight is abandoned and not recorded (it is retried later)."""


class _Captured(logging.Handler):
    """Apprise's warnings from one sending thread: two sends in flight (one past its deadline) never mix their
    errors, and each error is scrubbed with its own channel's secrets."""

    def __init__(self, thread: int) -> None:
        super().__init__(logging.WARNING)
        self.thread = thread
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.lines.append(record.getMessage())


def _notify(channel: Channel, subject: str, text: str) -> str | None:
    """One Apprise notify, in the calling thread; None when delivered, else an error with secrets scrubbed."""
    transport = logging.getLogger("apprise")
    if transport.getEffectiveLevel() > logging.WARNING:
        transport.setLevel(logging.WARNING)  # a failed send explains itself only in Apprise's warnings
    captured = _Captured(threading.get_ident())
    transport.addHandler(captured)
    try:
        with _scrubbed_logs(channel):
            # In this thread, without Apprise's own deadline thread pool: `send` keeps the deadline, and the
            # warnings that explain a failure are logged by this thread, where `captured` finds them.
            asset = apprise.AppriseAsset(async_mode=False, service_timeout=0)
            plugin = apprise.Apprise.instantiate(channel.url, asset=asset)
            if plugin is None:
                return f"{channel.label}: not a valid or supported Apprise URL"
            if plugin.service_name in RENDERS_MARKDOWN:
                plugin.notify_format = apprise.NotifyFormat.MARKDOWN
            notifier = apprise.Apprise()
            notifier.add(plugin)
            try:
                delivered = notifier.notify(title=inert(subject), body=inert(text),
                                            body_format=apprise.NotifyFormat.TEXT)
            except Exception as exc:  # a plugin bug is a failed attempt to record, not the end of the pass
                return channel.scrub(f"{type(exc).__name__}: {exc}")
    finally:
        transport.removeHandler(captured)
    if delivered:
        return None
    return channel.scrub("; ".join(captured.lines[-3:]) or "delivery failed")


# The send of each channel still running past its deadline (a channel trickling its answer): that channel gets no
# other send until it ends, so abandoned threads number at most one per channel.
_LINGERING: dict[str, threading.Thread] = {}
_LINGERING_LOCK = threading.Lock()


def send(channel: Channel, subject: str, text: str, *, timeout_s: float = 30.0,
         stop: threading.Event | None = None) -> str | None:
    """Send one message within `timeout_s`; None when delivered, else an error with every secret scrubbed out.

    Events quote upstream text (model names, licence diffs), so the message is plain text to every channel:
    Apprise escapes it into the channel's markup (a `[x](javascript:…)` shows as typed) and mentions are broken.
    Apprise's own timeouts bound each socket read, not a server answering one byte at a time, so the notify runs
    on a thread of its own and is abandoned at the deadline. `stop` set meanwhile raises `DeliveryStopped`.
    """
    if channel.problem:
        return channel.problem
    with _LINGERING_LOCK:
        previous = _LINGERING.get(channel.name)
        if previous is not None and previous.is_alive():
            return f"{channel.label}: an earlier send is still waiting for an answer"
        outcome: list[str | None] = []
        worker = threading.Thread(target=lambda: outcome.append(_notify(channel, subject, text)), daemon=True,
                                  name=f"alert-send-{channel.name}")
        _LINGERING[channel.name] = worker
        worker.start()
    deadline = time.monotonic() + timeout_s
    while worker.is_alive() and time.monotonic() < deadline:
        if stop is not None and stop.is_set():
            raise DeliveryStopped
        worker.join(min(0.1, max(0.0, deadline - time.monotonic())))
    if worker.is_alive():
        return f"{channel.label}: no answer within {timeout_s:g} s (alert_timeout_s)"
    return outcome[0] if outcome else f"{channel.label}: the send crashed"


class ChannelHealth:
    """Per channel: consecutive failures and when it may be tried again. The wait doubles with each failure
    from `base_s` up to `max_s` and resets on a success, so a channel that is down costs one attempt per wait,
    not one per pending message and pass."""

    def __init__(self, base_s: float, max_s: float) -> None:
        self.base_s, self.max_s = base_s, max_s
        self._failures: dict[str, int] = {}
        self._until: dict[str, float] = {}

    def ready(self, name: str) -> bool:
        return time.monotonic() >= self._until.get(name, 0.0)

    def failed(self, name: str) -> float:
        """Record a failure; how many seconds the channel now waits."""
        n = self._failures[name] = self._failures.get(name, 0) + 1
        wait = min(self.max_s, self.base_s * 2 ** (n - 1))
        self._until[name] = time.monotonic() + wait
        return wait

    def succeeded(self, name: str) -> None:
        self._failures.pop(name, None)
        self._until.pop(name, None)

    def next_ready_in(self) -> float | None:
        """Seconds until the first channel waiting is ready again; None when none waits."""
        now = time.monotonic()
        waits = [until - now for until in list(self._until.values()) if until > now]
        return min(waits) if waits else None


def _period_start(ts: datetime, digest: str) -> datetime:
    day = ts.replace(minute=0, second=0, microsecond=0)
    if digest == "hourly":
        return day
    day = day.replace(hour=0)
    return day if digest == "daily" else day - timedelta(days=day.weekday())


def _digest_message(channel: Channel, target: str, digest: str, start: datetime,
                    items: list[tuple[StoredEvent, int]]) -> Message:
    events = [e for e, _ in items]
    subject = f"gapwatch {digest} digest: {len(events)} change{'s' * (len(events) != 1)} since {start:%Y-%m-%d %H:%M}"
    text = "\n\n".join(f"• {title(e)}\n{body(e)}" for e in events)
    return Message(channel, target, tuple(events), subject, text, tuple(n for _, n in items))


def plan(con: duckdb.DuckDBPyConnection, config: AlertConfig, channels: dict[str, Channel], settings: Settings,
         *, include_backfill: bool, now: datetime) -> list[Message]:
    """The messages this pass should send: pending (event, channel) pairs, digests only for closed periods."""
    max_age = timedelta(hours=settings.alert_max_age_hours)
    longest = max((PERIODS[r.digest] for r in config.rules if r.digest), default=timedelta(0))
    where = "detected_at >= ?" + ("" if include_backfill else " AND NOT backfill")
    events = list(reversed(load_events(con, where, [now - max_age - longest])))  # oldest first
    state = {(k, c): (n, sent) for k, c, n, sent in con.execute(
        "SELECT event_key, channel, count(*), bool_or(status = 'sent') FROM alert_delivery GROUP BY ALL").fetchall()}
    planned: set[tuple[str, str]] = set()
    immediate: list[Message] = []
    digests: dict[tuple[str, str, str, datetime], list[tuple[StoredEvent, int]]] = defaultdict(list)
    for rule in config.rules:
        period = PERIODS[rule.digest] if rule.digest else None
        for e in events:
            if e.detected_at < now - max_age - (period or timedelta(0)):
                continue
            if not rule.matches(e.kind, e.source, e.magnitude, e.facts, e.entity):
                continue
            for name in rule.channels:
                target = f"{name}@{rule.digest}" if rule.digest else name
                tries, sent = state.get((e.event_key, target), (0, False))
                if (e.event_key, target) in planned or sent or tries >= settings.alert_max_attempts:
                    continue
                planned.add((e.event_key, target))
                if rule.digest is None:
                    immediate.append(Message(channels[name], target, (e,), title(e), body(e), (tries,)))
                    continue
                start = _period_start(e.detected_at, rule.digest)
                if start + PERIODS[rule.digest] <= now:  # the period is over: its digest can go out
                    digests[(name, target, rule.digest, start)].append((e, tries))
    return immediate + [_digest_message(channels[name], target, digest, start, evs)
                        for (name, target, digest, start), evs in sorted(digests.items(), key=lambda i: i[0][3])]


def _writer(target: Pipeline | duckdb.DuckDBPyConnection) -> Callable[
        [], AbstractContextManager[duckdb.DuckDBPyConnection]]:
    """How to hold the writer's connection for one step: a Pipeline's under its write lock, a bare one as is."""
    if isinstance(target, Pipeline):
        return target.locked
    return lambda: nullcontext(target)


def deliver(target: Pipeline | duckdb.DuckDBPyConnection, settings: Settings, *, include_backfill: bool = False,
            config: AlertConfig | None = None, now: datetime | None = None, health: ChannelHealth | None = None,
            stop: threading.Event | None = None) -> DeliveryReport:
    """One delivery pass over the writer's connection (a Pipeline, so its write lock is honoured).

    Channels are served side by side, each its messages in order, so a slow channel delays only its own.
    `health` carries the channels' backoff from pass to pass (the service's worker keeps one); without it the
    backoff lasts this pass: a channel that fails gets no other message in it. `stop` ends the pass early."""
    locked = _writer(target)
    config = config if config is not None else load_config(settings.alerts_config)
    channels = resolve_channels(config, settings)
    health = health or ChannelHealth(settings.alert_backoff_s, settings.alert_backoff_max_s)
    report = DeliveryReport()
    reported = threading.Lock()

    def serve(queue: list[Message]) -> None:
        for msg in queue:
            if stop is not None and stop.is_set():
                return
            if not health.ready(msg.channel.name):
                return  # backing off: the rest of its events stay pending, nothing is recorded
            try:
                error = send(msg.channel, msg.title, msg.body, timeout_s=settings.alert_timeout_s, stop=stop)
            except DeliveryStopped:
                return  # not recorded: sent again after the restart (at most this one message twice)
            if error:
                wait = health.failed(msg.channel.name)
                log.warning("delivery of %d event(s) to %s failed: %s; next try in %g s or later",
                            len(msg.events), msg.channel.label, error, wait)
            else:
                health.succeeded(msg.channel.name)
                log.info("delivered %d event(s) to %s", len(msg.events), msg.channel.label)
            status = "failed" if error else "sent"
            attempts = [Attempt(e.event_key, msg.target, prior + 1, status, error)
                        for e, prior in zip(msg.events, msg.prior, strict=True)]
            # Recorded right after each send: a crash mid-pass re-sends at most the messages in flight.
            with locked() as con:
                stamp = utcnow()
                con.executemany("INSERT INTO alert_delivery VALUES (?, ?, ?, ?, ?, ?)",
                                [[a.event_key, a.channel, a.attempt, a.status, a.error, stamp] for a in attempts])
            with reported:
                report.attempts += attempts

    with _PASS_LOCK:
        now = now or utcnow()
        with locked() as con:
            messages = plan(con, config, channels, settings, include_backfill=include_backfill, now=now)
        by_channel: dict[str, list[Message]] = defaultdict(list)
        for msg in messages:
            by_channel[msg.channel.name].append(msg)
        if by_channel:
            with ThreadPoolExecutor(min(MAX_PARALLEL_CHANNELS, len(by_channel)),
                                    thread_name_prefix="alert-channel") as pool:
                list(pool.map(serve, by_channel.values()))  # re-raises a channel's unexpected error
        with locked() as con:
            report.feed = str(write_feed(con, feed_file(settings)))
    return report


def deliver_pending(target: Pipeline | duckdb.DuckDBPyConnection, settings: Settings,
                    health: ChannelHealth | None = None, stop: threading.Event | None = None) -> DeliveryReport:
    """What the service's delivery worker runs: one pass over live (not backfilled) events."""
    return deliver(target, settings, health=health, stop=stop)


def send_test(settings: Settings, config: AlertConfig | None = None) -> dict[str, tuple[str, str | None]]:
    """A test message to every configured channel at once: {name: (label, error or None)}. Writes nothing.
    Each send has `alert_timeout_s`, and they run side by side, so the whole test takes at most that long."""
    config = config if config is not None else load_config(settings.alerts_config)
    channels = sorted(resolve_channels(config, settings).items())
    out: dict[str, tuple[str, str | None]] = {}

    def one(name: str, channel: Channel) -> None:
        out[name] = (channel.label, send(channel, "gapwatch test message",
                                         f"If you read this, gapwatch can deliver alerts to channel '{name}'.",
                                         timeout_s=settings.alert_timeout_s))

    threads = [threading.Thread(target=one, args=item, daemon=True) for item in channels]
    for t in threads:
        t.start()
    for t in threads:
        t.join()  # each returns by its send's deadline
    return {name: out[name] for name, _ in channels}
