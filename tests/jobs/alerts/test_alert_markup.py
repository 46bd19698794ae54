"""Scraped text in alerts is inert in every channel: no mention pages anyone, no markdown link is live."""

from __future__ import annotations

import json

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from jobs.alerts.delivery import send
from jobs.alerts.rules import Channel

HOSTILE = "New model on openrouter: @everyone [free credits](javascript:alert(1)) <@123456> **now**"


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_alert_text_is_escaped_for_the_channels_markup(httpserver: HTTPServer, fmt: str) -> None:
    got: list[dict] = []

    def receive(request: Request) -> Response:
        got.append(json.loads(request.data))
        return Response("ok")

    httpserver.expect_request("/hook", method="POST").respond_with_handler(receive)
    port = httpserver.port
    channel = Channel("chat", url=f"json://127.0.0.1:{port}/hook?format={fmt}")
    assert send(channel, HOSTILE, f"{HOSTILE}\nsecond line <b>bold</b>") is None
    message, title = got[0]["message"], got[0]["title"]
    for text in (message, title):
        assert "@everyone" not in text and "<@123456>" not in text and "&lt;@123456&gt;" not in text
        assert "everyone" in text  # still readable, only broken as a mention
    if fmt == "markdown":  # the link and the emphasis show as typed
        assert r"\[free credits\]\(javascript:alert\(1\)\)" in message and r"\*\*now\*\*" in message
    else:  # no tag survives
        assert "<b>" not in message and "&lt;b&gt;bold&lt;/b&gt;" in message
