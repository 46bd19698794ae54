"""The licence documents of tracked open models, as plain text from their publishers' repositories.

Each URL is one licence (`DOCUMENTS` below). The text is normalised before hashing, so a re-wrapped line,
changed indentation or trailing spaces are not a new version: whitespace runs collapse to one space, lines
inside a paragraph are joined, and paragraphs (separated by blank lines) become one line each. That form is
what is stored, so a diff between two versions (warehouse/identity/license_diff.py) reads paragraph by paragraph.

The Gemma terms are only published as an HTML page on ai.google.dev (another host, rendered markup), so they
are not tracked here; Gemma's licence id is still classified from the Hub and Arena evidence.

HTML or a stub (under 200 characters) instead of a licence text is rejected.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from gapwatch.rows import LicenseTextRow, ParseResult
from gapwatch.source import DocMeta, ParseError, Schedule, Source

# URL path on raw.githubusercontent.com → licence id (the Hub's licence id where it has one, else SPDX).
DOCUMENTS: dict[str, str] = {
    "/meta-llama/llama/main/LICENSE": "llama2",
    "/meta-llama/llama3/main/LICENSE": "llama3",
    "/meta-llama/llama-models/main/models/llama3_1/LICENSE": "llama3.1",
    "/meta-llama/llama-models/main/models/llama3_2/LICENSE": "llama3.2",
    "/meta-llama/llama-models/main/models/llama3_3/LICENSE": "llama3.3",
    "/meta-llama/llama-models/main/models/llama4/LICENSE": "llama4",
    "/QwenLM/Qwen/main/Tongyi%20Qianwen%20LICENSE%20AGREEMENT": "qwen",
    "/deepseek-ai/DeepSeek-V3/main/LICENSE-MODEL": "deepseek",
    "/spdx/license-list-data/main/text/Apache-2.0.txt": "Apache-2.0",
    "/spdx/license-list-data/main/text/MIT.txt": "MIT",
}

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """One paragraph per line, single spaces: layout churn leaves this (and its hash) unchanged."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    paragraphs = (_SPACE.sub(" ", p).strip() for p in _BLANK_LINE.split(text))
    return "\n".join(p for p in paragraphs if p)


def licence_id_for(url: str) -> str:
    for path, licence in DOCUMENTS.items():
        if url.endswith(path):
            return licence
    raise ParseError(f"license_texts: {url} is not in collectors/licenses/license_texts.py DOCUMENTS; add it there")


def parse(body: bytes, meta: DocMeta) -> ParseResult:
    licence = licence_id_for(meta.url)
    try:
        raw = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"license_texts {meta.url}: not UTF-8 text ({exc})") from exc
    if raw.lstrip()[:1] == "<":
        raise ParseError(f"license_texts {meta.url}: expected a plain-text licence but got HTML/XML "
                         "(moved file, login wall or error page?)")
    text = normalise_text(raw)
    if len(text) < 200:
        raise ParseError(f"license_texts {meta.url}: only {len(text)} characters; a licence is longer "
                         "(truncated or placeholder document?)")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return ParseResult(rows=[LicenseTextRow(license_id=licence, text_sha256=sha, text=text)])


SOURCE = Source(
    id="license_texts",
    kind="license",
    label="Licence texts",
    base_url="https://raw.githubusercontent.com",
    paths=tuple(DOCUMENTS),
    row_types=(LicenseTextRow,),
    parse=parse,
    schedule=Schedule(every=timedelta(days=1)),
    max_age=timedelta(days=730),  # stale when its content stands still longer: texts change in years
    description="Licence texts of tracked open models (Llama, Qwen, DeepSeek, Apache-2.0, MIT), versioned.",
    min_rows=len(DOCUMENTS),
    real_files=(
        "no real copy in the staging set: built on the licence files as recorded in the fixtures (meta-llama, "
        "QwenLM, deepseek-ai repositories)."
    ),
)
