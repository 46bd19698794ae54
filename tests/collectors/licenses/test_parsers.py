"""The licence sources' parsers on recorded documents in their real formats."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from collectors.licenses import hf_hub, license_texts, spdx
from gapwatch.rows import HubModelRow, LicenseRow, LicenseTextRow, ModelRow
from gapwatch.source import DocMeta, ParseError
from tests.conftest import fixture_bytes, realdata

AT = datetime(2025, 9, 5)


def meta(source: str, url: str) -> DocMeta:
    return DocMeta(source=source, url=url, observed_at=AT)


SPDX_URL = spdx.SOURCE.urls()[0]


def test_spdx_list_parses_ids_names_and_osi_approval() -> None:
    out = spdx.parse(fixture_bytes("spdx", "licenses_v3.27.0.json"), meta("spdx", SPDX_URL))
    rows = {r.license_id: r for r in out.rows}
    assert len(rows) == 114 and not out.skipped
    assert all(isinstance(r, LicenseRow) for r in out.rows)
    assert rows["Apache-2.0"] == LicenseRow("Apache-2.0", "Apache License 2.0", True, False)
    assert rows["CC-BY-NC-4.0"].osi_approved is False
    assert rows["GPL-2.0"].deprecated is True


def test_spdx_without_osi_field_is_rejected() -> None:
    doc = json.loads(fixture_bytes("spdx", "licenses_v3.24.0.json"))
    del doc["licenses"][3]["isOsiApproved"]
    with pytest.raises(ParseError, match="has no `isOsiApproved` field"):
        spdx.parse(json.dumps(doc).encode(), meta("spdx", SPDX_URL))
    with pytest.raises(ParseError, match="expected an object with a `licenses` list"):
        spdx.parse(b'{"licenseListVersion": "3.27.0"}', meta("spdx", SPDX_URL))


@pytest.mark.realdata
def test_every_shared_spdx_version_parses() -> None:
    counts = {}
    for path in sorted(realdata("spdx").glob("licenses_v*.json")):
        out = spdx.parse(path.read_bytes(), meta("spdx", SPDX_URL))
        assert not out.skipped
        counts[path.name.split("_")[1]] = (len(out.rows), sum(bool(r.osi_approved) for r in out.rows))
    assert counts == {"v3.19": (500, 140), "v3.24.0": (659, 144), "v3.27.0": (699, 145)}


def hub_url(repo: str) -> str:
    return f"https://huggingface.co/api/models/{repo}"


def test_hub_model_licence_gating_and_base_model() -> None:
    repo = "google/gemma-2-9b-it"
    out = hf_hub.parse(fixture_bytes("hf_hub", "api", "models", *repo.split("/")), meta("hf_hub", hub_url(repo)))
    hub, model = out.rows
    assert hub == HubModelRow(repo=repo, license="gemma", gated="manual", base_model="google/gemma-2-9b",
                              pipeline_tag="text-generation")
    assert model == ModelRow(model=repo, organization="google", hugging_face_id=repo, open_weights=True,
                             license="gemma", released=date(2024, 6, 24))  # the repo's `createdAt`


def test_hub_other_licence_uses_the_licence_name() -> None:
    repo = "deepseek-ai/DeepSeek-V3"
    hub, model = hf_hub.parse(fixture_bytes("hf_hub", "api", "models", *repo.split("/")),
                              meta("hf_hub", hub_url(repo))).rows
    assert (hub.license, hub.license_name, hub.license_link, hub.gated) == ("other", "deepseek", "LICENSE-MODEL",
                                                                           "false")
    assert model.license == "deepseek"


def test_hub_renamed_repo_is_keyed_by_the_requested_id() -> None:
    asked = "meta-llama/Meta-Llama-3.1-405B-Instruct"
    hub, model = hf_hub.parse(fixture_bytes("hf_hub", "api", "models", *asked.split("/")),
                              meta("hf_hub", hub_url(asked))).rows
    assert (hub.repo, hub.renamed_to, hub.license) == (asked, "meta-llama/Llama-3.1-405B-Instruct", "llama3.1")
    assert model.model == asked


def test_hub_licence_from_tags_when_the_card_has_none() -> None:
    doc = {"id": "org/model-7b", "author": "org", "tags": ["transformers", "license:mit"], "cardData": {}}
    hub, model = hf_hub.parse(json.dumps(doc).encode(), meta("hf_hub", hub_url("org/model-7b"))).rows
    assert hub.license == "mit" and model.license == "mit"


@pytest.mark.parametrize(
    ("body", "expect"),
    [
        (b"<!DOCTYPE html><html>Hugging Face is down</html>", "got HTML"),
        (b'{"error": "Repository not found"}', "expected a model object"),
        (b'{"id": "no-owner-here"}', "owner/name"),
    ],
)
def test_hub_bad_documents_are_parse_errors(body: bytes, expect: str) -> None:
    with pytest.raises(ParseError, match=expect):
        hf_hub.parse(body, meta("hf_hub", "https://huggingface.co/api/models/no-owner-here"))


LLAMA31 = "/meta-llama/llama-models/main/models/llama3_1/LICENSE"


def texts(name: str) -> bytes:
    return fixture_bytes("license_texts", "versions", name)


def test_licence_text_is_normalised_and_hashed() -> None:
    url = "https://raw.githubusercontent.com" + LLAMA31
    (row,) = license_texts.parse(texts("llama3_1_v1.txt"), meta("license_texts", url)).rows
    assert isinstance(row, LicenseTextRow) and row.license_id == "llama3.1"
    first = row.text.splitlines()[0]
    assert first == "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT Llama 3.1 Version Release Date: July 23, 2024"
    assert len(row.text.splitlines()) == 3  # one line per paragraph
    (rewrapped,) = license_texts.parse(texts("llama3_1_v1_rewrapped.txt"), meta("license_texts", url)).rows
    assert rewrapped == row  # re-wrapped lines, indents, CRLF and blank-line runs are not a new version
    (changed,) = license_texts.parse(texts("llama3_1_v2.txt"), meta("license_texts", url)).rows
    assert changed.text_sha256 != row.text_sha256


@pytest.mark.parametrize(
    ("body", "url", "expect"),
    [
        (b"<html><body>Sign in to GitHub</body></html>", LLAMA31, "got HTML"),
        (b"404: Not Found", LLAMA31, "only 14 characters"),
        (b"some licence " * 40, "/elsewhere/LICENSE", "not in collectors/licenses/license_texts.py DOCUMENTS"),
    ],
)
def test_licence_text_bad_documents(body: bytes, url: str, expect: str) -> None:
    with pytest.raises(ParseError, match=expect):
        license_texts.parse(body, meta("license_texts", "https://raw.githubusercontent.com" + url))
