"""Where the demo keeps its data, for the demo and for read-only commands that look for it (no heavy imports)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO_DATA = ROOT / "data" / "demo"
