"""An Atom feed of recent change events, so any feed reader can subscribe without configuring a channel."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import duckdb

from gapwatch.settings import Settings
from jobs.alerts.messages import body, load_events, title

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 100


def feed_file(settings: Settings) -> Path:
    return settings.feed_path or settings.data_dir / "feed.atom"


def _stamp(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def render_feed(con: duckdb.DuckDBPyConnection, limit: int = FEED_ENTRIES) -> bytes:
    # Backfilled events are history, not news: the feed shows what was detected live.
    events = load_events(con, "NOT backfill", limit=limit)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = "gapwatch: changes in the open vs closed AI model market"
    ET.SubElement(feed, f"{{{ATOM}}}id").text = "urn:gapwatch:changes"
    newest = max((e.detected_at for e in events), default=datetime(1970, 1, 1))
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(newest)
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = "gapwatch"
    for e in events:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:gapwatch:event:{e.event_key}"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = title(e)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(e.detected_at)
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _stamp(e.observed_at)
        ET.SubElement(entry, f"{{{ATOM}}}category", term=e.kind)
        ET.SubElement(entry, f"{{{ATOM}}}content", type="text").text = body(e)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def write_feed(con: duckdb.DuckDBPyConnection, path: Path, limit: int = FEED_ENTRIES) -> Path:
    """Write atomically (temp file + rename): a reader never sees half a feed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(render_feed(con, limit))
    os.replace(tmp, path)
    return path
