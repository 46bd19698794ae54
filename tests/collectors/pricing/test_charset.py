"""Pages decoded by their declared or sniffed character set; an undecodable page is rejected, not mojibake."""

from __future__ import annotations

from datetime import datetime

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from collectors.pricing import anthropic_pricing
from gapwatch.settings import Settings
from jobs.pipeline import Pipeline
from tests.conftest import fixture_bytes

PATH = "/en/docs/about-claude/pricing"
UTF8 = fixture_bytes("anthropic_pricing", "pricing_2025-11-25.html")
# The same page with non-breaking spaces in the model names, as a CMS writes them: one byte (A0) in Latin-1,
# two (C2 A0) in UTF-8. Characters Latin-1 lacks become character references, as a Latin-1 page has them.
NBSP = UTF8.decode().replace("Claude ", "Claude\u00a0")
LATIN1 = NBSP.replace('<meta charset="utf-8">', "").encode("latin-1", errors="xmlcharrefreplace")
LATIN1_META = NBSP.replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">').encode(
    "latin-1", errors="xmlcharrefreplace")
T1, T2 = datetime(2025, 11, 25), datetime(2025, 11, 26)


def prices(pipe: Pipeline) -> list[tuple]:
    return pipe.con.execute("SELECT model, tier, input_per_mtok, output_per_mtok, valid_from, valid_to FROM price "
                            "ORDER BY ALL").fetchall()


@pytest.mark.parametrize(("body", "content_type"), [
    (LATIN1, "text/html; charset=ISO-8859-1"),  # declared by the server
    (LATIN1_META, "text/html"),  # declared by the page itself
])
def test_a_latin1_page_reads_as_the_same_prices(settings: Settings, origin: HTTPServer, body: bytes,
                                                content_type: str) -> None:
    page = {"body": UTF8, "type": "text/html; charset=utf-8"}
    origin.expect_request(PATH).respond_with_handler(lambda r: Response(page["body"], content_type=page["type"]))
    settings.base_urls["anthropic_pricing"] = settings.base_urls["openrouter"]
    with Pipeline(settings) as pipe:
        assert pipe.collect(anthropic_pricing.SOURCE, T1).status == "ok"
        before = prices(pipe)
        page.update(body=body, type=content_type)
        second = pipe.collect(anthropic_pricing.SOURCE, T2)
        assert second.status == "ok" and second.diff.counts == (0, 0, 0), second.summary()
        assert prices(pipe) == before
        assert not any("\ufffd" in r[0] for r in before)


def test_an_undeclared_latin1_page_is_rejected_not_read_as_mojibake(settings: Settings, origin: HTTPServer) -> None:
    page = {"body": UTF8}
    origin.expect_request(PATH).respond_with_handler(lambda r: Response(page["body"], content_type="text/html"))
    settings.base_urls["anthropic_pricing"] = settings.base_urls["openrouter"]
    with Pipeline(settings) as pipe:
        assert pipe.collect(anthropic_pricing.SOURCE, T1).status == "ok"
        before = prices(pipe)
        page["body"] = LATIN1  # no charset anywhere: UTF-8 is assumed, and these bytes are not UTF-8
        second = pipe.collect(anthropic_pricing.SOURCE, T2)
        assert second.status == "rejected" and "not valid utf-8 text" in second.error
        assert prices(pipe) == before
