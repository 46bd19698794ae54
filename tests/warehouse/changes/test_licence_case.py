"""SPDX licence ids are case-insensitive: `cc-by-nc-4.0` (the Hub's spelling) and `CC-BY-NC-4.0` (SPDX's) are one
licence, so no `license_change` whatever the order the Hub and the SPDX list are ingested in, and the events of
cross-source state (a canonical model's licence, a gap crossing) do not depend on which source came last."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

import pytest

from collectors.registry import BY_ID
from gapwatch.settings import Settings
from jobs.pipeline import make_pipeline
from tests.conftest import fixture_bytes
from warehouse.ingest import Document

# A real non-commercial Hub repository (Cohere's Command R+ weights are CC-BY-NC-4.0), in the Hub API's form.
REPO = "CohereForAI/c4ai-command-r-plus"


def hub_document() -> Document:
    doc = json.loads(fixture_bytes("hf_hub", "api", "models", "allenai", "OLMo-7B-Instruct"))
    doc.update(id=REPO, modelId=REPO, author="CohereForAI", tags=["transformers", "license:cc-by-nc-4.0"],
               cardData={"license": "cc-by-nc-4.0"})
    body = json.dumps(doc).encode()
    return Document(f"https://huggingface.co/api/models/{REPO}", body, hashlib.sha256(body).hexdigest())


def spdx_document() -> Document:
    body = fixture_bytes("spdx", "licenses_v3.27.0.json")
    return Document(BY_ID["spdx"].urls()[0], body, hashlib.sha256(body).hexdigest())


def ingest(settings: Settings, order: list[str]) -> list[tuple]:
    documents = {"hf_hub": hub_document, "spdx": spdx_document}
    with make_pipeline(settings) as pipe:
        for day, source in enumerate(order, start=1):
            outcome = pipe.ingest_documents(BY_ID[source], [documents[source]()], datetime(2025, 6, day))
            assert outcome.status == "ok", outcome.summary()
        licence = pipe.con.execute("SELECT license_id, openness FROM model WHERE license_id ILIKE 'cc-by-nc-4.0'"
                                   ).fetchall()
        assert licence, "the Hub's repository resolved to no model with its licence"
        return pipe.con.execute("SELECT kind, entity, before, after FROM change_event WHERE kind = 'license_change'"
                                ).fetchall()


@pytest.mark.parametrize("order", [["hf_hub", "spdx"], ["spdx", "hf_hub"]], ids="then".join)
def test_a_case_only_difference_in_a_licence_id_is_no_licence_change(tmp_path: Path, order: list[str]) -> None:
    assert ingest(Settings(data_dir=tmp_path / "data"), order) == []


JUNE = fixture_bytes("lmarena", "lmsys_2024-06-19.csv")
LLAMA_AHEAD = JUNE.replace(b"Llama-3-70b-Instruct,1207", b"Llama-3-70b-Instruct,1300")
ALIASES = """
[[alias]]
source = "lmarena"
name = "Llama-3-70b-Instruct"
model = "llama-3-70b-instruct"

[[license]]
term = "Llama 3 Community"
openness = "open-weights-restricted"
license_id = "llama3"
"""


def collection_events(tmp_path: Path, order: list[str]) -> list[tuple]:
    """The cross-source events of one collection (a batch deferring its events, as `gapwatch collect` runs)
    that ingests the Arena (moving the gap past its thresholds) and the SPDX list in `order`."""
    aliases = tmp_path / "aliases.toml"
    aliases.write_text(ALIASES)
    arena = lambda body: Document("http://arena.test/lmsys.csv", body, hashlib.sha256(body).hexdigest())  # noqa: E731
    documents = {"lmarena": arena(LLAMA_AHEAD), "spdx": spdx_document()}
    settings = Settings(data_dir=tmp_path / "-".join(order), aliases_path=aliases)
    with make_pipeline(settings, publish_after_ingest=False) as pipe:
        assert pipe.ingest_documents(BY_ID["lmarena"], [arena(JUNE)], datetime(2024, 6, 19)).status == "ok"
        with pipe.batch(defer_events=True):
            for source in order:
                assert pipe.ingest_documents(BY_ID[source], [documents[source]], datetime(2024, 6, 20)).status == "ok"
        return pipe.con.execute("SELECT event_key, kind, entity, source FROM change_event WHERE kind IN "
                                "('gap_threshold', 'license_change') ORDER BY ALL").fetchall()


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_cross_source_events_are_the_same_whatever_the_order_of_sources(tmp_path: Path) -> None:
    first, second = collection_events(tmp_path, ["lmarena", "spdx"]), collection_events(tmp_path, ["spdx", "lmarena"])
    assert [kind for _, kind, _, _ in first] == ["gap_threshold"], first
    assert first == second
