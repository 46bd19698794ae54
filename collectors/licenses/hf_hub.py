"""Hugging Face Hub model metadata: `GET /api/models/{owner}/{name}`, one document per tracked open model.

Which repos: those the catalogues link to (OpenRouter's `hugging_face_id`, ...), resolved from the warehouse
at each run (`paths_from="hf_repos"`, warehouse/targets.py), so a run covers a subset and never ends the
history of repos it did not fetch (`full_snapshot=False`).

Fields used: `id` (differs from the requested repo when it was renamed), `author`, `cardData.license` (a Hub
licence id such as `apache-2.0`, `llama3.1`, `other`),
`cardData.license_name`/`license_link` (the licence's own name and URL when `license` is `other`), the
`license:*` tags (same ids, present when the card has no metadata block), `gated` (`false`, `"auto"`,
`"manual"`), `cardData.base_model` (a string or a list), `pipeline_tag`, `createdAt` (when the repo was made:
the release date of the weights it holds, as months behind reads it). Download and like counts change every
day and say nothing about openness, so they are not kept.

Each run fetches never-fetched repos first, then the stalest, at most `max_targets_per_run`; a repo that
fails (404) is logged and skipped.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

from collectors.leaderboards.values import to_date
from collectors.parsing import load_json
from gapwatch.rows import HubModelRow, ModelRow, ParseResult, RowError
from gapwatch.source import DocMeta, ParseError, Schedule, Source

_REPO_IN_URL = re.compile(r"/api/models/([^/?#]+/[^/?#]+)")


def _text(value: Any) -> str | None:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list):
        return ",".join(str(v) for v in value) or None
    return str(value)


def _licence(card: dict, tags: list) -> str | None:
    """The card's licence id, else the `license:` tag (Hub cards carry one or both)."""
    licence = card.get("license")
    if isinstance(licence, list):  # a few cards list several; the first is the weights' licence
        licence = licence[0] if licence else None
    if licence:
        return str(licence)
    return next((t.split(":", 1)[1] for t in tags if isinstance(t, str) and t.startswith("license:")), None)


def parse(body: bytes, meta: DocMeta) -> ParseResult:
    doc = load_json(body, f"hf_hub {meta.url}")
    if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
        raise ParseError(f"hf_hub {meta.url}: expected a model object with an `id` (Hub /api/models layout)")
    if "error" in doc:
        raise ParseError(f"hf_hub {meta.url}: the Hub answered an error: {doc['error']}")
    card = doc.get("cardData") if isinstance(doc.get("cardData"), dict) else {}
    tags = doc.get("tags") if isinstance(doc.get("tags"), list) else []
    # Key the facts by the repo the catalogues link to; a renamed repo answers (via redirect) with its new id.
    requested = _REPO_IN_URL.search(meta.url)
    repo = unquote(requested.group(1)) if requested else doc["id"]
    renamed_to = doc["id"] if doc["id"] != repo else None
    licence = _licence(card, tags)
    licence_name = _text(card.get("license_name"))
    gated = doc.get("gated")
    out = ParseResult()
    try:
        out.rows.append(
            HubModelRow(
                repo=repo,
                license=licence,
                license_name=licence_name,
                license_link=_text(card.get("license_link")),
                gated=None if gated is None else str(gated).lower(),
                base_model=_text(card.get("base_model")),
                pipeline_tag=_text(doc.get("pipeline_tag")),
                renamed_to=renamed_to,
            )
        )
        # The repo as a catalogue entry: its licence is the strongest openness evidence (for `other`, the
        # licence's own name, e.g. `deepseek`), and its name joins the identity resolution like any other.
        out.rows.append(
            ModelRow(
                model=repo,
                organization=_text(doc.get("author")) or repo.split("/", 1)[0],
                hugging_face_id=repo,
                open_weights=True,
                license=licence_name if licence == "other" and licence_name else licence,
                released=to_date(doc.get("createdAt")),
            )
        )
    except RowError as exc:
        raise ParseError(f"hf_hub {meta.url}: {exc}") from exc
    return out


SOURCE = Source(
    id="hf_hub",
    kind="license",
    label="Hugging Face",
    base_url="https://huggingface.co",
    paths=(),
    paths_from="hf_repos",
    row_types=(HubModelRow, ModelRow),
    parse=parse,
    schedule=Schedule(every=timedelta(days=1)),
    max_age=timedelta(days=90),  # stale when its content stands still longer: followed repos change every few weeks
    description="Hugging Face Hub licence facts (licence id, gating, base model) of every tracked open model.",
    full_snapshot=False,
    hub=True,
    real_files=(
        "no real copy of `/api/models/{repo}` answers in the staging set: built on recorded answers (fixtures "
        "under `api/`); realdata §5c (the Hub's licence identifiers) is what its licence ids are classified "
        "against."
    ),
)
