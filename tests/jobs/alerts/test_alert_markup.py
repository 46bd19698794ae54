"""Scraped text in alerts is inert in every channel: no mention pages anyone, no markdown link is live."""

from __future__ import annotations

import json

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from jobs.alerts.delivery import RENDERS_MARKDOWN, send
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


# One mass mention of each chat platform, as upstream text (a model name, a licence line) might carry it.
MASS = {
    "Slack": ["<!channel>", "<!here>", "@here"],
    "Discord": ["@everyone", "@here", "<@&987654>"],
    "Mattermost": ["@all", "@channel", "@here"],
    "Matrix": ["@room"],
    "Zulip": ["@**all**", "@**everyone**", "@_**all**", "@*backend-team*"],
}


@pytest.mark.parametrize("platform", sorted(MASS))
def test_mass_mentions_of_every_platform_are_broken(httpserver: HTTPServer, platform: str) -> None:
    got: list[dict] = []
    httpserver.expect_request("/hook", method="POST").respond_with_handler(
        lambda request: (got.append(json.loads(request.data)), Response("ok"))[1])
    mentions = MASS[platform]
    text = "Licence of model-x says: " + " and ".join(mentions)
    assert send(Channel("chat", url=f"json://127.0.0.1:{httpserver.port}/hook"), text, text) is None
    for field in (got[0]["title"], got[0]["message"]):
        for mention in mentions:
            assert mention not in field, (mention, field)
            assert mention.replace("@", "").strip("<>!&*_") in field  # still readable


def test_mattermost_gets_its_markdown_escaped(httpserver: HTTPServer) -> None:
    """Mattermost renders Markdown from the text it is sent: the alert must show as typed, not as markup."""
    got: list[dict] = []
    httpserver.expect_request("/hooks/abcdefghijklmnopqrstuvwxyz", method="POST").respond_with_handler(
        lambda request: (got.append(json.loads(request.data)), Response("ok"))[1])
    channel = Channel("team", url=f"mmost://127.0.0.1:{httpserver.port}/abcdefghijklmnopqrstuvwxyz")
    assert send(channel, "New model on openrouter: **free** [credits](https://evil.example) @all", "# big\n`x`") is None
    text = got[0]["text"]
    assert r"\*\*free\*\*" in text and r"\[credits\]\(https://evil" in text and r"\# big" in text, text
    assert "@all" not in text


def test_the_services_that_render_markdown_are_named_as_apprise_names_them() -> None:
    import apprise

    urls = {"Mattermost": "mmost://chat.example.com/abcdefghijklmnopqrstuvwxyz",
            "Zulip": "zulip://bot@org.zulipchat.com/" + "a" * 32,
            "Discord": "discord://417429632418316298/" + "b" * 68}
    for name, url in urls.items():
        plugin = apprise.Apprise.instantiate(url)
        assert plugin is not None and plugin.service_name == name and name in RENDERS_MARKDOWN
