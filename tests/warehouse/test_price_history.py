"""Price history across two snapshots of a pricing page, collected over loopback HTTP."""

from __future__ import annotations

from datetime import datetime

from pytest_httpserver import HTTPServer

from collectors.pricing import deepseek_pricing, litellm
from gapwatch.settings import Settings
from jobs.pipeline import Pipeline
from tests.collectors.pricing.serving import serve, settings_for
from tests.conftest import fixture_bytes

T1, T2 = datetime(2025, 8, 1, 6), datetime(2025, 9, 10, 6)


def test_deepseek_price_change_and_end_of_off_peak(settings: Settings, origin: HTTPServer) -> None:
    doc = serve(origin, deepseek_pricing.SOURCE, fixture_bytes("deepseek_pricing", "pricing_2025-08-01.html"))
    with Pipeline(settings_for(settings, origin, deepseek_pricing.SOURCE)) as pipe:
        assert pipe.collect(deepseek_pricing.SOURCE, T1).status == "ok"
        doc.body = fixture_bytes("deepseek_pricing", "pricing_2025-09-10.html")
        outcome = pipe.collect(deepseek_pricing.SOURCE, T2)
        assert outcome.status == "ok" and outcome.diff.counts == (0, 2, 2)
        history = pipe.con.execute(
            "SELECT tier, input_per_mtok, output_per_mtok, cache_read_per_mtok, valid_from, valid_to "
            "FROM v_price_history WHERE model = 'deepseek-chat' ORDER BY tier, valid_from").fetchall()
        assert history == [("off_peak", 0.135, 0.55, 0.035, T1, T2),
                           ("standard", 0.27, 1.1, 0.07, T1, T2),
                           ("standard", 0.56, 1.68, 0.07, T2, None)]
        again = pipe.collect(deepseek_pricing.SOURCE, datetime(2025, 9, 11, 6))
        assert again.status == "unchanged"
        assert pipe.con.execute("SELECT count(*) FROM price").fetchone()[0] == 6  # 4 at T1, 2 new at T2


def test_litellm_snapshots_build_history_with_evidence(settings: Settings, origin: HTTPServer) -> None:
    sept, june = fixture_bytes("litellm", "prices_2024-09-28.json"), fixture_bytes("litellm", "prices_2025-06-28.json")
    doc = serve(origin, litellm.SOURCE, sept)
    t1, t2 = datetime(2024, 9, 28), datetime(2025, 6, 28)
    with Pipeline(settings_for(settings, origin, litellm.SOURCE)) as pipe:
        pipe.collect(litellm.SOURCE, t1)
        doc.body = june
        assert pipe.collect(litellm.SOURCE, t2).status == "ok"
        rows = pipe.con.execute(
            "SELECT input_per_mtok, output_per_mtok, valid_from, valid_to, evidence_sha256 FROM v_price_history "
            "WHERE model = 'gpt-4o' AND tier = 'standard' ORDER BY valid_from").fetchall()
        assert [r[:4] for r in rows] == [(5.0, 15.0, t1, t2), (2.5, 10.0, t2, None)]
        assert pipe.raw.get(rows[0][4]) == sept and pipe.raw.get(rows[1][4]) == june
        batch = pipe.con.execute("SELECT since FROM v_prices_current WHERE model = 'gpt-4o' AND tier = 'batch'")
        assert batch.fetchall() == [(t2,)]


def test_changed_page_layout_is_quarantined_and_keeps_history(settings: Settings, origin: HTTPServer) -> None:
    august = fixture_bytes("deepseek_pricing", "pricing_2025-08-01.html")
    doc = serve(origin, deepseek_pricing.SOURCE, august)
    with Pipeline(settings_for(settings, origin, deepseek_pricing.SOURCE)) as pipe:
        pipe.collect(deepseek_pricing.SOURCE, T1)
        before = pipe.con.execute("SELECT * FROM price ORDER BY model, tier").fetchall()
        doc.body = august.replace(b"<table>", b"<div class=\"pricing-cards\">").replace(b"</table>", b"</div>")
        outcome = pipe.collect(deepseek_pricing.SOURCE, T2)
        assert outcome.status == "rejected" and "layout changed" in outcome.error
        assert "gapwatch reparse deepseek_pricing" in outcome.error
        assert pipe.con.execute("SELECT * FROM price ORDER BY model, tier").fetchall() == before
