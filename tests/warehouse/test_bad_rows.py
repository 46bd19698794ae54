"""What counts as an entry still listed (warehouse/bad_rows.py): a name as a whole field, in the source's own
spelling, in any document format. Cases from real documents: LMArena's respelt `Gemma-2-27b-it` and renamed
`Command R+ (04-2024)`, Aider's `aider --model openai/gpt-5` command lines, Arena's `?model=` links."""

from __future__ import annotations

import io
import zipfile

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from warehouse.bad_rows import document_text, mentions, normalise

TEXT = normalise(
    "rank,model\n1,Command R+ (04-2024),x\n2,Gemma-2-27b-it,https://x/new_chat?model=gemma-2-27b-it\n"
    "- model: openai/gpt-5 (high)\n  command: aider --model openai/gpt-5\n"
    "<td>\n  Claude Opus 4.5 </td>\n\"tags\": [\"Model: gemini-3-pro-preview\"]\n\"gpt-4-0314\": {}\n"
)


@pytest.mark.parametrize(("name", "listed"), [
    ("Command R+ (04-2024)", True), ("Command R+", False),      # a longer name is another entry
    ("Gemma-2-27b-it", True), ("Gemma-2-27B-it", False),        # a respelt name is a new one
    ("gemma-2-27b-it", False),                                  # inside a link, not a field
    ("openai/gpt-5", False),                                    # inside a command line
    ("Claude Opus 4.5", True),                                  # a table cell wrapped in markup
    ("gemini-3-pro-preview", True),                             # a `Model:` tag
    ("gpt-4-0314", True), ("gpt-4", False),                     # a JSON key, and its prefix
])
def test_a_name_is_listed_only_as_a_whole_field(name: str, listed: bool) -> None:
    assert mentions(TEXT, name) is listed


def test_names_are_read_from_zip_and_parquet_documents() -> None:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("data/gpqa.csv", "Model version,Best score\nClaude 3.5 Sonnet,0.59\n" * 50)
    assert mentions(normalise(document_text(packed.getvalue())), "Claude 3.5 Sonnet")
    table = io.BytesIO()
    pq.write_table(pa.table({"model_name": ["gpt-4o-2024-05-13"] * 3, "rating": [1287.0] * 3}), table)
    assert mentions(normalise(document_text(table.getvalue())), "gpt-4o-2024-05-13")
