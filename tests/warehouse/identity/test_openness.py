"""Openness: licence terms as sources write them, and the class of well-known models from their evidence."""

from __future__ import annotations

import json
import re
import tarfile
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
import yaml

from collectors.licenses import spdx
from collectors.registry import SOURCES
from gapwatch.rows import LicenseRow, ModelRow, ScoreRow
from gapwatch.source import Outcome
from tests.conftest import realdata
from tests.warehouse.identity.test_identity import ingest
from warehouse import db, identity, source_info
from warehouse.identity import refresh_identity
from warehouse.identity.openness import classify

TERMS = [
    # Arena's free-text licence column
    ("Proprietary", "closed", None),
    ("Propretary", "closed", None),
    ("Apache 2.0", "open-source", "Apache-2.0"),
    ("Apache-2.0", "open-source", "Apache-2.0"),
    ("MIT", "open-source", "MIT"),
    ("Llama 3.1 Community", "open-weights-restricted", "llama3.1"),
    ("Llama-3.3", "open-weights-restricted", "llama3.3"),
    ("Gemma license", "open-weights-restricted", "gemma"),
    ("Qianwen LICENSE", "open-weights-restricted", "qwen"),
    ("CC-BY-NC-4.0", "open-weights-noncommercial", "cc-by-nc-4.0"),
    ("Non-commercial", "open-weights-noncommercial", None),
    ("MRL", "open-weights-noncommercial", None),
    ("DeepSeek License", "open-weights-permissive", "deepseek"),
    ("Modified MIT", "open-weights-permissive", "modified-mit"),
    ("modified-mit", "open-weights-permissive", "modified-mit"),  # the Hub's license_name on Kimi's repos
    ("AI2 ImpACT Low-risk", "open-weights-permissive", "ai2-impact-lr"),
    ("Jamba Open", "open-weights-restricted", "jamba-open"),
    # Hugging Face Hub licence ids
    ("apache-2.0", "open-source", "Apache-2.0"),
    ("llama3.1", "open-weights-restricted", "llama3.1"),
    ("gemma", "open-weights-restricted", "gemma"),
    ("bigscience-openrail-m", "open-weights-permissive", "openrail"),
    ("mpl-2.0", "open-source", "MPL-2.0"),
    ("other", "unknown", None),
    # Epoch's accessibility categories
    ("Open weights (unrestricted)", "open-weights-permissive", None),
    ("Open weights (restricted use)", "open-weights-restricted", None),
    ("Open weights (non-commercial)", "open-weights-noncommercial", None),
    ("API access", "closed", None),
]


@pytest.mark.parametrize(("term", "cls", "license_id"), TERMS)
def test_licence_terms_classify(term: str, cls: str, license_id: str | None) -> None:
    found = classify(term)
    assert (found.openness, found.license_id) == (cls, license_id)
    assert found.rule


def test_a_terms_kind_says_what_it_is() -> None:
    assert {classify(t).kind for t in ("Open weights (unrestricted)", "Open weights (non-commercial)")} == {
        "accessibility"}
    assert {classify(t).kind for t in ("-", "other", "")} == {"none"}
    assert {classify(t).kind for t in ("Apache 2.0", "API access", "Llama 3.1 Community", "AAL")} == {"licence"}


def test_spdx_list_decides_osi_approval_for_licences_the_builtin_list_lacks() -> None:
    spdx = {"aal": ("AAL", True), "cc-by-4.0": ("CC-BY-4.0", False)}
    assert classify("AAL").openness == "unknown"
    assert classify("AAL", spdx) == classify("aal", spdx)
    assert classify("aal", spdx).openness == "open-source"
    assert classify("cc-by-4.0", spdx).openness == "open-weights-permissive"


@pytest.mark.realdata
def test_every_hub_licence_id_in_the_hub_docs_classifies() -> None:
    """The Hub's official licence id list: every id but the catch-alls and one data agreement has a class."""
    spdx_doc = json.loads(realdata("spdx", "licenses_v3.27.0_2025-09-04_53c5b3eab4.json").read_text())
    spdx = {e["licenseId"].lower(): (e["licenseId"], e["isOsiApproved"]) for e in spdx_doc["licenses"]}
    ids: set[str] = set()
    for doc in realdata("hf_licenses").glob("*.md"):
        ids |= set(re.findall(r"\|\s*`([^`]+)`\s*\|", doc.read_text()))
    assert len(ids) > 80
    unknown = sorted(i for i in ids if classify(i, spdx).openness == "unknown")
    assert unknown == ["c-uda", "cc", "other", "unknown"]


EU_INDEX = {  # `endmodellicense` strings of the European Open Source AI Index, as written there
    "Apache-2.0": "open-source",
    "MIT License": "open-source",
    "BSD 3-Clause": "open-source",
    "GNU General Public License v3.0": "open-source",
    "Llama 2 Community License Agreement": "open-weights-restricted",
    "Meta Llama 3 Community License": "open-weights-restricted",
    "Gemma Terms of Use": "open-weights-restricted",
    "Tencent Hunyuan Community License Agreement": "open-weights-restricted",
    "CreativeML Open RAIL++-M License": "open-weights-permissive",
    "DeepSeek License Agreement": "open-weights-permissive",
    "NVIDIA Open Model License": "open-weights-permissive",
    "CC-BY-NC-4.0 and C4AI acceptable use policy": "open-weights-noncommercial",
    "FLUX [dev] Non-Commercial License v2.0": "open-weights-noncommercial",
    "Research-only RAIL-M5": "open-weights-noncommercial",
    "Apache-2.0 and Community License for Baichuan2 Model": "open-weights-restricted",
    "Apache-2.0 and CC-BY-NC-4.0 and additional terms": "open-weights-noncommercial",
}


@pytest.mark.realdata
def test_licence_strings_of_the_eu_open_source_ai_index() -> None:
    terms: dict[str, int] = {}
    with tarfile.open(realdata("eu_osai_index", "main-database_2026-06-12_5a388e871b.tar.gz")) as archive:
        for member in archive.getmembers():
            if member.isfile() and member.name.endswith((".yml", ".yaml")) and "/_" not in member.name:
                doc = yaml.safe_load(archive.extractfile(member))
                licence = doc.get("system", {}).get("endmodellicense") if isinstance(doc, dict) else None
                if licence:
                    terms[licence] = terms.get(licence, 0) + 1
    assert set(EU_INDEX) <= set(terms)
    assert {t: classify(t).openness for t in EU_INDEX} == EU_INDEX
    # Of the models whose licence string names a licence (not "Unknown", "Unclear", "Various", "Mixed", ...),
    # fewer than one in ten stays `unknown` (custom licences such as "BAAI Aquila", "Upstage Solar").
    named = {t: n for t, n in terms.items()
             if not re.search(r"unknown|unclear|undisclosed|various|mixed|custom|ambiguous", t, re.I)}
    unknown = sorted(t for t in named if classify(t).openness == "unknown")
    assert sum(named[t] for t in unknown) < sum(named.values()) / 10, unknown


# -- well-known models, from the evidence each source really gives ------------------------------------
T1 = datetime(2025, 2, 1, 12)


def arena(model: str, licence: str, org: str) -> ScoreRow:
    return ScoreRow(board="lmarena-text", category="overall", model=model, score=1200.0, license=licence,
                    organization=org)


@pytest.fixture
def market(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = db.connect(tmp_path / "w.duckdb")
    source_info.sync(con, SOURCES)  # the sources' roles (the hub), as the pipeline hands them
    ingest(con, "lmarena", [
        arena("Meta-Llama-3.1-405B-Instruct-bf16", "Llama 3.1 Community", "Meta"),
        arena("Mistral-7B-Instruct-v0.2", "Apache-2.0", "Mistral"),
        arena("OLMo-7B-instruct", "Apache-2.0", "Allen AI"),
        arena("Gemma-2-9b-it", "Gemma license", "Google"),
        arena("GPT-4o-2024-08-06", "Proprietary", "OpenAI"),
        arena("Command R+ (04-2024)", "CC-BY-NC-4.0", "Cohere"),
        arena("DeepSeek-V3", "DeepSeek", "DeepSeek"),
        arena("DeepSeek-R1", "MIT", "DeepSeek"),
        arena("Qwen2.5-72B-Instruct", "Qwen", "Alibaba"),
        arena("Grok-1", "Apache 2.0", "xAI"),
    ])
    ingest(con, "hf_hub", [
        ModelRow(model="meta-llama/Llama-3.1-405B-Instruct", hugging_face_id="meta-llama/Llama-3.1-405B-Instruct",
                 open_weights=True, license="llama3.1"),
        ModelRow(model="mistralai/Mistral-7B-Instruct-v0.2", hugging_face_id="mistralai/Mistral-7B-Instruct-v0.2",
                 open_weights=True, license="apache-2.0"),
        ModelRow(model="deepseek-ai/DeepSeek-V3", hugging_face_id="deepseek-ai/DeepSeek-V3", open_weights=True,
                 license="deepseek"),
    ])
    ingest(con, "models_dev", [
        ModelRow(model="openai/gpt-4o-2024-08-06", open_weights=False),
        ModelRow(model="google/gemma-2-9b-it", open_weights=True),
        ModelRow(model="deepseek/deepseek-r1", open_weights=True),
        ModelRow(model="cohere/command-r-plus-04-2024", open_weights=True),
    ])
    ingest(con, "epoch_benchmarks", [
        ModelRow(model="OLMo-7B", open_weights=True, license="Open weights (unrestricted)"),
        ModelRow(model="Qwen2.5-72B", open_weights=True, license="Open weights (unrestricted)"),
        ModelRow(model="Llama 3.1-405B", open_weights=True, license="Open weights (restricted use)"),
        ModelRow(model="GPT-4o", open_weights=False, license="API access"),
        ModelRow(model="Grok-1", open_weights=True, license="Open weights (unrestricted)"),
    ])
    refresh_identity(con)
    yield con
    con.close()


EXPECTED = {
    "llama-3.1-405b-instruct": "open-weights-restricted",
    "mistral-7b-instruct-v0.2": "open-source",
    "olmo-7b": "open-weights-permissive",  # Epoch only: "Open weights (unrestricted)"
    "gemma-2-9b-instruct": "open-weights-restricted",
    "gpt-4o-2024-08-06": "closed",
    "command-r-plus-2024-04": "open-weights-noncommercial",
    # DeepSeek-V3: MIT code, weights under the DeepSeek model licence (commercial use, use-based limits)
    "deepseek-v3": "open-weights-permissive",
    "deepseek-r1": "open-source",
    "qwen-2.5-72b": "open-weights-permissive",
    "grok-1": "open-source",
}


@pytest.mark.parametrize(("model_id", "cls"), EXPECTED.items())
def test_well_known_models_get_their_class(market: duckdb.DuckDBPyConnection, model_id: str, cls: str) -> None:
    row = market.execute("SELECT openness FROM v_model_openness WHERE model_id = ?", [model_id]).fetchone()
    assert row == (cls,)


def test_evidence_is_listed_with_what_decided(market: duckdb.DuckDBPyConnection) -> None:
    licence, evidence = market.execute(
        "SELECT license_id, evidence FROM v_model_openness WHERE model_id = 'llama-3.1-405b-instruct'").fetchone()
    assert licence == "llama3.1"
    seen = {(e["source"], e["kind"], e["value"], e["rank"]) for e in json.loads(evidence)}
    assert seen == {
        ("hf_hub", "hub licence", "llama3.1", 1),
        ("lmarena", "leaderboard licence", "Llama 3.1 Community", 3),
        ("epoch_benchmarks", "accessibility", "Open weights (restricted use)", 4),
        ("epoch_benchmarks", "open_weights flag", "true", 5),
    }
    # An accessibility category weighs in at rank 4 because its term's kind says so (license_term.kind).
    assert market.execute("SELECT kind FROM license_term WHERE term = 'Open weights (restricted use)'"
                          ).fetchall() == [("accessibility",)]
    names = dict(market.execute("SELECT source_model, openness FROM v_model_names WHERE source = 'lmarena'"
                                ).fetchall())
    assert names["Gemma-2-9b-it"] == "open-weights-restricted"
    assert names["GPT-4o-2024-08-06"] == "closed"


def test_conflicting_evidence_is_listed(market: duckdb.DuckDBPyConnection) -> None:
    conflicts = dict(market.execute("SELECT model_id, classes FROM v_openness_conflicts").fetchall())
    # Grok-1: Arena names Apache 2.0, Epoch says "unrestricted": no conflict. Gemma-2-9B: the maker's terms and
    # models.dev's bare flag agree on restricted. Nothing here disagrees at licence level.
    assert conflicts == {}


def test_manual_openness_wins(market: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    aliases = tmp_path / "aliases.toml"
    aliases.write_text('[[model]]\nid = "qwen-2.5-72b"\nopenness = "open-weights-permissive"\n'
                       'license_id = "qwen"\nnote = "reviewed the Qwen licence"\n'
                       '[[license]]\nterm = "Qwen"\nopenness = "open-weights-permissive"\n')
    refresh_identity(market, aliases)
    assert market.execute("SELECT openness, license_id FROM model WHERE model_id = 'qwen-2.5-72b'").fetchone() \
        == ("open-weights-permissive", "qwen")
    assert market.execute("SELECT rule FROM license_term WHERE term = 'Qwen'").fetchone() == ("manual",)
    assert market.execute("SELECT count(*) FROM v_openness_conflicts").fetchone() == (0,)


def test_spdx_collection_reclassifies_terms(market: duckdb.DuckDBPyConnection) -> None:
    ingest(market, "lmarena", [arena("Obscure-7B", "AAL", "Lab")], datetime(2025, 2, 2))
    refresh_identity(market)
    assert market.execute("SELECT openness FROM license_term WHERE term = 'AAL'").fetchone() == ("unknown",)
    assert market.execute("SELECT term FROM v_license_unclassified").fetchall() == [("AAL",)]
    ingest(market, "spdx", [LicenseRow("AAL", "Attribution Assurance License", True, False)])
    # the ingest hook forgets every classification when the SPDX list changes
    identity.hook(None)(market, spdx.SOURCE, Outcome("spdx", "ok", datetime(2025, 2, 2)))
    assert market.execute("SELECT openness, license_id FROM license_term WHERE term = 'AAL'").fetchone() == (
        "open-source", "AAL")
    current = market.execute("SELECT name, osi_approved, openness FROM v_license_current WHERE license_id = 'AAL'"
                             ).fetchone()
    assert current == ("Attribution Assurance License", True, "open-source")


def test_a_derivative_carries_its_base_terms_and_the_conflict_shows_both(tmp_path: Path) -> None:
    con = db.connect(tmp_path / "w.duckdb")
    source_info.sync(con, SOURCES)  # the sources' roles (the hub), as the pipeline hands them
    ingest(con, "lmarena", [arena("Gemma-2-9b-it-SimPO", "MIT", "Princeton"),
                            arena("Gemma-2-9b-it", "Gemma license", "Google")])
    ingest(con, "livebench", [ScoreRow("livebench", "overall", "gemma-2-9b-it-simpo", 40.0, "pct")])
    refresh_identity(con)
    assert con.execute("SELECT openness, license_id FROM model WHERE model_id = 'gemma-2-9b-instruct-simpo'"
                       ).fetchone() == ("open-weights-restricted", "gemma")
    decided, classes, evidence = con.execute(
        "SELECT decided, classes, evidence FROM v_openness_conflicts WHERE model_id = 'gemma-2-9b-instruct-simpo'"
    ).fetchone()
    assert (decided, classes) == ("open-weights-restricted", ["open-source", "open-weights-restricted"])
    assert {(e["kind"], e["value"]) for e in json.loads(evidence)} == {("base model terms", "gemma"),
                                                                        ("leaderboard licence", "MIT")}
    con.close()
