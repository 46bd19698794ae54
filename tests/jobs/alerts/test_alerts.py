"""Alert delivery to a real JSON webhook receiver on 127.0.0.1 (Apprise `json://`), with retries and rules."""

from __future__ import annotations

import json
import logging
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from collectors.pricing import openrouter
from gapwatch.settings import Settings
from jobs.alerts.delivery import deliver, deliver_pending
from jobs.alerts.rules import AlertConfig, AlertConfigError, load_config
from jobs.pipeline import Document, Pipeline, make_pipeline
from tests.conftest import fixture_bytes

MAY = fixture_bytes("openrouter", "models_2026-05-15.json")
JULY = fixture_bytes("openrouter", "models_2026-07-17.json")
T1, T2 = datetime(2026, 5, 15, 12), datetime(2026, 7, 17, 12)
TOKEN = "tok-5ecret-9f8e7d6c"


class Receiver:
    """A JSON webhook: records every payload; answers `status` (a failing receiver answers 500)."""

    def __init__(self) -> None:
        self.payloads: list[dict] = []
        self.status = 200

    def __call__(self, request: Request) -> Response:
        if self.status != 200:
            return Response("receiver down", status=self.status)
        self.payloads.append(json.loads(request.data))
        return Response("ok")


@pytest.fixture
def receiver(origin: HTTPServer) -> Receiver:
    rec = Receiver()
    origin.expect_request(f"/hook/{TOKEN}", method="POST").respond_with_handler(rec)
    return rec


@pytest.fixture
def alert_settings(settings: Settings, origin: HTTPServer, tmp_path: Path, monkeypatch) -> Settings:
    """Rules in a TOML file; the channel URL names its secret as ${VAR}, set only in the environment."""
    monkeypatch.setenv("GAPWATCH_TEST_HOOK_TOKEN", TOKEN)
    rules = tmp_path / "alerts.toml"
    rules.write_text(f"""
[channels]
hook = "json://127.0.0.1:{origin.port}/hook/${{GAPWATCH_TEST_HOOK_TOKEN}}"

[[rules]]
name = "price moves"
kinds = ["price_cut", "price_hike"]
min_magnitude = 5
channels = ["hook"]

[[rules]]
name = "new models, also price cuts again (must not double-send)"
kinds = ["new_model", "price_cut"]
channels = ["hook"]
""")
    return settings.model_copy(update={"alerts_config": rules, "feed_path": tmp_path / "feed.atom"})


def two_snapshots(pipe: Pipeline, trigger: str = "cli") -> None:
    url = "http://openrouter.test/api/v1/models"
    for at, body in ((T1, MAY), (T2, JULY)):
        import hashlib

        pipe.ingest_documents(openrouter.SOURCE, [Document(url, body, hashlib.sha256(body).hexdigest())], at,
                              trigger=trigger)


def deliveries(pipe: Pipeline) -> list[tuple]:
    return pipe.con.execute(
        "SELECT e.kind, d.channel, d.attempt, d.status FROM alert_delivery d JOIN change_event e USING (event_key) "
        "ORDER BY e.kind, d.attempt").fetchall()


def test_delivery_posts_payload_once(alert_settings: Settings, receiver: Receiver) -> None:
    with make_pipeline(alert_settings, publish_after_ingest=False) as pipe:
        two_snapshots(pipe)
        report = deliver_pending(pipe, alert_settings)
        assert (report.sent, report.failed) == (2, 0)
        titles = sorted(p["title"] for p in receiver.payloads)
        assert titles == ["New model on openrouter: moonshotai/kimi-k3",
                          "Price cut -10.0%: openrouter/deepseek/deepseek-chat-v3-0324"]
        cut = next(p for p in receiver.payloads if p["title"].startswith("Price cut"))
        assert cut["type"] == "info" and cut["version"] == "1.0"
        assert cut["message"].startswith("input $0.2 → $0.18 (-10.0%), output $0.77 → $0.72 (-6.5%) per 1M tokens.")
        assert "Observed 2026-07-17 12:00 UTC by openrouter." in cut["message"]
        assert deliveries(pipe) == [("new_model", "hook", 1, "sent"), ("price_cut", "hook", 1, "sent")]
        again = deliver_pending(pipe, alert_settings)
        assert again.attempts == [] and len(receiver.payloads) == 2


def test_failing_receiver_is_retried_then_succeeds_without_duplicate(
    alert_settings: Settings, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with make_pipeline(alert_settings, publish_after_ingest=False) as pipe:
        two_snapshots(pipe)
        receiver.status = 500
        first = deliver(pipe, alert_settings)
        # The channel failed: its other message waits for a later pass instead of failing too (backoff).
        assert (first.sent, first.failed) == (0, 1) and receiver.payloads == []
        errors = [r[0] for r in pipe.con.execute("SELECT error FROM alert_delivery").fetchall()]
        assert all(e and "500" in e for e in errors), errors
        receiver.status = 200
        second = deliver(pipe, alert_settings)
        assert (second.sent, second.failed) == (2, 0)
        third = deliver(pipe, alert_settings)
        assert third.attempts == []
        assert len(receiver.payloads) == 2
        tried = sorted((n, status) for _, _, n, status in deliveries(pipe))
        assert tried == [(1, "failed"), (1, "sent"), (2, "sent")]  # whichever went first failed, once
        stored = " ".join(str(r) for r in pipe.con.execute("SELECT * FROM alert_delivery").fetchall())
    ours = [r.getMessage() for r in caplog.records if r.name != "werkzeug"]  # werkzeug: the receiver's own log
    assert any("JSON POST URL" in m for m in ours)  # transport debug lines were logged, with the secret scrubbed
    assert TOKEN not in stored and not [m for m in ours if TOKEN in m]


def test_gives_up_after_max_attempts(alert_settings: Settings, receiver: Receiver) -> None:
    limited = alert_settings.model_copy(update={"alert_max_attempts": 2})
    receiver.status = 500
    with make_pipeline(limited, publish_after_ingest=False) as pipe:
        two_snapshots(pipe)
        # One attempt per pass to the failing channel; two messages, two attempts each, then nothing.
        assert [deliver(pipe, limited).failed for _ in range(5)] == [1, 1, 1, 1, 0]


def test_backfilled_events_are_sent_only_when_asked(alert_settings: Settings, receiver: Receiver) -> None:
    with make_pipeline(alert_settings, publish_after_ingest=False) as pipe:
        two_snapshots(pipe, trigger="backfill")
        assert deliver_pending(pipe, alert_settings).attempts == []
        assert pipe.con.execute("SELECT count(*) FROM change_event WHERE backfill").fetchone()[0] == 3
        assert deliver(pipe, alert_settings, include_backfill=True).sent == 2
    assert len(receiver.payloads) == 2


def test_missing_secret_fails_the_channel_without_revealing_anything(
    alert_settings: Settings, receiver: Receiver, monkeypatch
) -> None:
    monkeypatch.delenv("GAPWATCH_TEST_HOOK_TOKEN")
    with make_pipeline(alert_settings, publish_after_ingest=False) as pipe:
        two_snapshots(pipe)
        report = deliver(pipe, alert_settings)
    assert report.sent == 0 and {a.error for a in report.attempts} == {
        "channel 'hook': ${GAPWATCH_TEST_HOOK_TOKEN} not set"}


def test_secret_from_secrets_file_and_url_from_env(alert_settings: Settings, receiver: Receiver, tmp_path: Path,
                                                   origin: HTTPServer, monkeypatch) -> None:
    monkeypatch.delenv("GAPWATCH_TEST_HOOK_TOKEN")
    secrets = tmp_path / "alerts.secrets"
    secrets.write_text(f"# channel tokens\nGAPWATCH_TEST_HOOK_TOKEN={TOKEN}\n")
    from_file = alert_settings.model_copy(update={"alert_secrets_file": secrets})
    with make_pipeline(from_file, publish_after_ingest=False) as pipe:
        two_snapshots(pipe)
        assert deliver(pipe, from_file).sent == 2
    monkeypatch.setenv("GAPWATCH_ALERT_URLS__HOOK", f"json://127.0.0.1:{origin.port}/hook/{TOKEN}")
    assert Settings().alert_urls["hook"].get_secret_value().endswith(TOKEN)
    assert TOKEN not in repr(Settings())


def test_daily_digest_is_one_message_after_the_day_ends(settings: Settings, receiver: Receiver, tmp_path: Path,
                                                      origin: HTTPServer) -> None:
    config = AlertConfig.model_validate({
        "channels": {"hook": f"json://127.0.0.1:{origin.port}/hook/{TOKEN}"},
        "rules": [{"name": "daily", "channels": ["hook"], "digest": "daily"}],
    })
    with make_pipeline(settings, publish_after_ingest=False) as pipe:
        two_snapshots(pipe)
        detected = pipe.con.execute("SELECT max(detected_at) FROM change_event").fetchone()[0]
        assert deliver(pipe, settings, config=config, now=detected + timedelta(minutes=1)).attempts == []
        next_day = detected.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1, minutes=5)
        report = deliver(pipe, settings, config=config, now=next_day)
        assert report.sent == 3 and {a.channel for a in report.attempts} == {"hook@daily"}
        assert deliver(pipe, settings, config=config, now=next_day).attempts == []
    assert len(receiver.payloads) == 1
    digest = receiver.payloads[0]
    assert digest["title"].startswith("gapwatch daily digest: 3 changes since")
    assert digest["message"].count("• ") == 3


def test_rule_filters() -> None:
    config = AlertConfig.model_validate({"channels": {"c": "json://localhost"}, "rules": [
        {"name": "open deepseek", "channels": ["c"], "organizations": ["DeepSeek"], "open_only": True},
        {"name": "big cuts on openrouter", "channels": ["c"], "kinds": ["price_cut"], "sources": ["openrouter"],
         "min_magnitude": 20},
    ]})
    open_deepseek, big_cuts = config.rules
    assert open_deepseek.matches("new_model", "openrouter", None, {"organization": "deepseek", "open_weights": True})
    assert not open_deepseek.matches("new_model", "openrouter", None, {"organization": "deepseek"})
    assert not open_deepseek.matches("new_model", "openrouter", None,
                                     {"organization": "openai", "openness": "open-source"})
    assert big_cuts.matches("price_cut", "openrouter", -25.0, {})
    assert not big_cuts.matches("price_cut", "openrouter", -10.0, {})
    assert not big_cuts.matches("price_cut", "litellm", -25.0, {})
    assert not big_cuts.matches("price_hike", "openrouter", 25.0, {})
    boards = AlertConfig.model_validate({"channels": {"c": "json://localhost"}, "rules": [
        {"name": "overall and coding only", "channels": ["c"], "entities": ["*/overall", "lmarena-text/coding"]},
    ]}).rules[0]
    assert boards.matches("new_leader", "lmarena", 5.0, {}, "lmarena-text/overall")
    assert boards.matches("new_leader", "lmarena", 5.0, {}, "lmarena-text/coding")
    assert not boards.matches("new_leader", "lmarena", 5.0, {}, "lmarena-vision/coding")


def test_bad_rules_files_are_refused_clearly(tmp_path: Path) -> None:
    bad = tmp_path / "alerts.toml"
    bad.write_text('[[rules]]\nname = "x"\nkinds = ["price_drop"]\nchannels = ["c"]\n')
    with pytest.raises(AlertConfigError, match="unknown event kinds"):
        load_config(bad)
    bad.write_text('[[rules]]\nname = "x"\nchannels = ["c"]\nfilter = 1\n')
    with pytest.raises(AlertConfigError, match="Extra inputs"):
        load_config(bad)
    assert load_config(tmp_path / "absent.toml") == AlertConfig()


def test_example_rules_file_is_valid() -> None:
    example = load_config(Path(__file__).resolve().parents[3] / "alerts.example.toml")
    assert example.rules and set(example.channels) >= {ch for r in example.rules for ch in r.channels}


def test_atom_feed_lists_live_events(alert_settings: Settings, receiver: Receiver) -> None:
    with make_pipeline(alert_settings, publish_after_ingest=False) as pipe:
        two_snapshots(pipe)
        report = deliver_pending(pipe, alert_settings)
        keys = {r[0] for r in pipe.con.execute("SELECT event_key FROM change_event").fetchall()}
    feed = ET.parse(report.feed).getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    ids = {e.findtext("a:id", namespaces=ns) for e in feed.findall("a:entry", ns)}
    assert ids == {f"urn:gapwatch:event:{k}" for k in keys}
    assert not list(Path(report.feed).parent.glob(".*.tmp"))


def test_scrub_hides_declared_secrets_of_any_length_and_long_url_pieces() -> None:
    from jobs.alerts.rules import Channel

    channel = Channel("mail", "mailtos://bob:pw9@smtp.example.org?to=team@example.org", secrets=("pw9",))
    text = channel.scrub("login bob:pw9 refused by smtp.example.org (mailtos://bob:pw9@smtp.example.org?to=...)")
    assert "pw9" not in text and "smtp.example.org" not in text
    assert channel.label == "mail (mailtos://…)"
