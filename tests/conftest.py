"""Shared fixtures: a warehouse in a temp dir and real HTTP origins on 127.0.0.1 serving recorded documents."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from gapwatch.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
# ../shared/realdata beside the repository; a checkout elsewhere (a git worktree) names it in this variable.
REALDATA = Path(os.environ.get("GAPWATCH_TEST_REALDATA") or Path(__file__).resolve().parents[2] / "shared" / "realdata")


def fixture_bytes(*parts: str) -> bytes:
    return FIXTURES.joinpath(*parts).read_bytes()


def realdata(*parts: str) -> Path:
    """A path under ../shared/realdata, or skip the test cleanly when the staging set is absent."""
    path = REALDATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"realdata not available at {path}")
    return path


@pytest.fixture
def origin(httpserver: HTTPServer) -> HTTPServer:
    """The loopback HTTP server with a permissive robots.txt, like a real public site."""
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n", content_type="text/plain")
    return httpserver


@pytest.fixture
def settings(tmp_path: Path, origin: HTTPServer) -> Iterator[Settings]:
    base = origin.url_for("").rstrip("/")
    yield Settings(
        data_dir=tmp_path / "data",
        base_urls={"openrouter": base, "lmarena": base},
        host_min_interval_s=0,
        backoff_base_s=0.01,
        backoff_max_s=0.2,
        http_timeout_s=2,
        http_attempts=3,
    )
