"""Alert delivery: route stored change events to channels by rules, once per (event, channel), with retries.

A pass reads pending work under the writer's lock, sends without holding it (a slow webhook must not stall
ingests), then records every attempt in `alert_delivery` under the lock again. An (event, channel) with a
`sent` attempt is never sent again; a failed one is retried on later passes up to `alert_max_attempts`.
Backfilled events are recorded but only sent when asked (`include_backfill=True`, i.e. `backfill --alerts`).
"""

from __future__ import annotations

import logging
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
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


# Mentions that page people in chat channels: @everyone/@here/@channel (Discord, Slack, Mattermost), <@id>, <!here>.
_MENTION = re.compile(r"@(?=(everyone|here|channel|all)\b)|<(?=[@!#])", re.IGNORECASE)


def inert(text: str) -> str:
    """`text` with every mention broken by a zero-width space: a scraped model name must never page a channel.
    Markup (markdown links, HTML) is escaped by Apprise for each channel's own format (the body is sent as TEXT)."""
    return _MENTION.sub(lambda m: m.group(0) + "\u200b", text)


def send(channel: Channel, subject: str, text: str) -> str | None:
    """Send one message; None when delivered, else an error with every secret scrubbed out.

    Events quote upstream text (model names, licence diffs), so the message is plain text to every channel:
    Apprise escapes it into the channel's markup (a `[x](javascript:…)` shows as typed) and mentions are broken.
    """
    if channel.problem:
        return channel.problem
    with _scrubbed_logs(channel), apprise.LogCapture(level=logging.WARNING) as captured:
        notifier = apprise.Apprise()
        if not notifier.add(channel.url):
            return f"{channel.label}: not a valid or supported Apprise URL"
        try:
            delivered = notifier.notify(title=inert(subject), body=inert(text), body_format=apprise.NotifyFormat.TEXT)
        except Exception as exc:  # a plugin bug is a failed attempt to record, not the end of the pass
            return channel.scrub(f"{type(exc).__name__}: {exc}")
    if delivered:
        return None
    lines = [line.split(" - ", 2)[-1] for line in captured.getvalue().splitlines() if line.strip()]
    return channel.scrub("; ".join(lines[-3:]) or "delivery failed")


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
            config: AlertConfig | None = None, now: datetime | None = None) -> DeliveryReport:
    """One delivery pass over the writer's connection (a Pipeline, so its write lock is honoured)."""
    locked = _writer(target)
    config = config if config is not None else load_config(settings.alerts_config)
    channels = resolve_channels(config, settings)
    report = DeliveryReport()
    with _PASS_LOCK:
        now = now or utcnow()
        with locked() as con:
            messages = plan(con, config, channels, settings, include_backfill=include_backfill, now=now)
        for msg in messages:
            error = send(msg.channel, msg.title, msg.body)
            if error:
                log.warning("delivery of %d event(s) to %s failed: %s", len(msg.events), msg.channel.label, error)
            else:
                log.info("delivered %d event(s) to %s", len(msg.events), msg.channel.label)
            status = "failed" if error else "sent"
            attempts = [Attempt(e.event_key, msg.target, prior + 1, status, error)
                        for e, prior in zip(msg.events, msg.prior, strict=True)]
            # Recorded right after each send: a crash mid-pass re-sends at most the message in flight.
            with locked() as con:
                stamp = utcnow()
                con.executemany("INSERT INTO alert_delivery VALUES (?, ?, ?, ?, ?, ?)",
                                [[a.event_key, a.channel, a.attempt, a.status, a.error, stamp] for a in attempts])
            report.attempts += attempts
        with locked() as con:
            report.feed = str(write_feed(con, feed_file(settings)))
    return report


def deliver_pending(target: Pipeline | duckdb.DuckDBPyConnection, settings: Settings) -> DeliveryReport:
    """What the service calls after its collections: one pass over live (not backfilled) events."""
    return deliver(target, settings)


def send_test(settings: Settings, config: AlertConfig | None = None) -> dict[str, tuple[str, str | None]]:
    """A test message to every configured channel: {name: (label, error or None)}. Writes nothing."""
    config = config if config is not None else load_config(settings.alerts_config)
    out = {}
    for name, channel in sorted(resolve_channels(config, settings).items()):
        error = send(channel, "gapwatch test message",
                     f"If you read this, gapwatch can deliver alerts to channel '{name}'.")
        out[name] = (channel.label, error)
    return out
