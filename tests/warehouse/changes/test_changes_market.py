"""Market events that need identity (openness) and transforms (the gap table): the full hook chain, real documents.

The Arena snapshot of 2024-06-19 is replayed with one score moved (Llama-3-70b-Instruct, the best open model,
jumps above GPT-4o) and then as published again, so the open model overtakes the closed leader and falls back.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import datetime
from pathlib import Path

import pytest

from collectors.leaderboards import lmarena
from collectors.licenses import license_texts
from gapwatch.settings import Settings
from jobs.pipeline import Document, Pipeline, make_pipeline
from tests.conftest import fixture_bytes

JUNE = fixture_bytes("lmarena", "lmsys_2024-06-19.csv")
LLAMA_AHEAD = JUNE.replace(b"Llama-3-70b-Instruct,1207", b"Llama-3-70b-Instruct,1300")
RELICENSED = JUNE.replace(b"Meta,Llama 3 Community", b"Meta,Apache 2.0")
D1, D2, D3 = datetime(2024, 6, 19), datetime(2024, 6, 20), datetime(2024, 6, 21)

ALIASES = """
[[alias]]
source = "lmarena"
name = "Llama-3-70b-Instruct"
model = "llama-3-70b-instruct"

[[license]]
term = "Llama 3 Community"
openness = "open-weights-restricted"
license_id = "llama3"

[[license]]
term = "Apache 2.0"
openness = "open-source"
license_id = "Apache-2.0"
"""

MIT = """MIT License

Copyright (c) <year> <copyright holders>

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
documentation files (the "Software"), to deal in the Software without restriction, including without limitation
the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to
permit persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions of
the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO
THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT.
"""


def market_pipeline(settings: Settings) -> Pipeline:
    # The real wiring: identity, capability map, transforms, then change detection (last).
    return make_pipeline(settings, publish_after_ingest=False)


def ingest(pipe: Pipeline, source, url: str, body: bytes, at: datetime) -> None:
    outcome = pipe.ingest_documents(source, [Document(url, body, hashlib.sha256(body).hexdigest())], at)
    assert outcome.status == "ok", outcome.error


def events(pipe: Pipeline) -> list[tuple]:
    return pipe.con.execute(
        "SELECT observed_at, kind, entity, magnitude FROM change_event ORDER BY observed_at, kind, entity").fetchall()


def after(pipe: Pipeline, kind: str, at: datetime) -> dict:
    row = pipe.con.execute("SELECT after FROM change_event WHERE kind = ? AND observed_at = ?", [kind, at]).fetchone()
    return json.loads(row[0])


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_open_model_overtakes_closed_and_falls_back(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    url = "http://arena.test/lmsys.csv"
    with market_pipeline(settings) as pipe:
        for at, body in ((D1, JUNE), (D2, LLAMA_AHEAD), (D3, JUNE)):
            ingest(pipe, lmarena.SOURCE, url, body, at)
        assert events(pipe) == [
            (D2, "gap_threshold", "open-weights/general/lmarena-text", -93.0),
            (D2, "new_leader", "lmarena-text/overall", 13.0),
            (D2, "open_overtakes_closed", "lmarena-text/overall", 13.0),
            (D3, "closed_overtakes_open", "lmarena-text/overall", -80.0),
            (D3, "gap_threshold", "open-weights/general/lmarena-text", 93.0),
            (D3, "new_leader", "lmarena-text/overall", -13.0),
        ]
        overtake = after(pipe, "open_overtakes_closed", D2)
        assert (overtake["open_model"], overtake["open_score"]) == ("Llama-3-70b-Instruct", 1300.0)
        assert (overtake["closed_model"], overtake["closed_score"]) == ("GPT-4o-2024-05-13", 1287.0)
        assert after(pipe, "new_leader", D2)["openness"] == "open-weights-restricted"
        gap = after(pipe, "gap_threshold", D2)
        assert (gap["gap_abs"], gap["thresholds"], gap["direction"]) == (-13.0, [25.0, 50.0], "narrowed")
        # Publishing the same board again changes nothing: no event, and the gap state holds.
        ingest(pipe, lmarena.SOURCE, url, JUNE.replace(b"42046", b"42047"), datetime(2024, 6, 22))
        assert len(events(pipe)) == 6


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_relicensed_model_raises_source_and_canonical_licence_events(tmp_path: Path) -> None:
    aliases = tmp_path / "aliases.toml"
    aliases.write_text(ALIASES)
    settings = Settings(data_dir=tmp_path / "data", aliases_path=aliases)
    with market_pipeline(settings) as pipe:
        ingest(pipe, lmarena.SOURCE, "http://arena.test/lmsys.csv", JUNE, D1)
        ingest(pipe, lmarena.SOURCE, "http://arena.test/lmsys.csv", RELICENSED, D2)
        rows = pipe.con.execute("SELECT entity, source, before, after FROM change_event WHERE kind = 'license_change' "
                                "ORDER BY entity").fetchall()
    assert [(e, s, json.loads(b)) for e, s, b, _ in rows] == [
        ("Llama-3-70b-Instruct", "lmarena", {"license": "Llama 3 Community"}),
        # The canonical verdict is every source's together: no source of its own (tests/.../test_licence_case.py).
        ("llama-3-70b-instruct", None, {"license_id": "llama3", "openness": "open-weights-restricted"}),
    ]
    assert json.loads(rows[1][3]) == {"license_id": "Apache-2.0", "openness": "open-source", "organization": "Meta"}


def test_new_licence_text_version_carries_its_diff(tmp_path: Path) -> None:
    path = "/spdx/license-list-data/main/text/MIT.txt"
    source = dataclasses.replace(license_texts.SOURCE, paths=(path,), min_rows=1)
    amended = MIT.replace("free of charge, ", "").encode()
    settings = Settings(data_dir=tmp_path / "data")
    with market_pipeline(settings) as pipe:
        ingest(pipe, source, "http://licences.test" + path, MIT.encode(), D1)
        ingest(pipe, source, "http://licences.test" + path, amended, D2)
        row = pipe.con.execute("SELECT entity, magnitude, after, evidence FROM change_event").fetchall()
    assert len(row) == 1
    entity, magnitude, changed, evidence = row[0]
    changed = json.loads(changed)
    assert (entity, magnitude, changed["lines_added"], changed["lines_removed"]) == ("MIT", 2.0, 1, 1)
    assert "-Permission is hereby granted, free of charge, to any person" in changed["diff"]
    assert "+Permission is hereby granted, to any person" in changed["diff"]
    assert evidence == [hashlib.sha256(amended).hexdigest(), hashlib.sha256(MIT.encode()).hexdigest()]
