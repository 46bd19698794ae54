"""Where a dated document's time comes from: manifest, file name, directory names, in that order."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from jobs.backfill.backfill import BackfillError, parse_interval
from jobs.backfill.dated_files import ManifestError, date_in_name, dated_files, parse_timestamp


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2024-09-28_0b30e212da.json", datetime(2024, 9, 28)),
        ("lmsys_2024-10-16_c05d3e1fbc.csv", datetime(2024, 10, 16)),
        ("data_2025-06-23_c56491a944.json", datetime(2025, 6, 23)),
        # The name's own date (publication) wins over the data version further on.
        ("lmarena_text_2025-08-06_283321b9c6_data2025.07.27.csv", datetime(2025, 8, 6)),
        ("lmarena_vision_data2025.08.04.csv", datetime(2025, 8, 4)),
        ("date=2026-07-17.csv", datetime(2026, 7, 17)),
        ("2024-13-45_then_2024-02-29.json", datetime(2024, 2, 29)),  # an impossible date is not a date
        ("model_prices_and_context_window.json", None),
        ("v12024-01-011.json", None),  # digits glued on both sides are an id, not a date
    ],
)
def test_date_in_name(name: str, expected: datetime | None) -> None:
    assert date_in_name(name) == expected


def test_dates_from_names_then_directories_and_undated_files(tmp_path: Path) -> None:
    files = {
        "openrouter/2026-05-15/api/v1/models": b"{}",
        "openrouter/2026-07-17/api/v1/models_2026-07-18.json": b"{}",
        "notes/README.md": b"",
        ".git/HEAD": b"ref",
    }
    for name, body in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(body)
    found, undated = dated_files(tmp_path)
    assert [(f.path.relative_to(tmp_path).as_posix(), f.observed_at) for f in found] == [
        ("openrouter/2026-05-15/api/v1/models", datetime(2026, 5, 15)),
        ("openrouter/2026-07-17/api/v1/models_2026-07-18.json", datetime(2026, 7, 18)),  # the file name wins
    ]
    assert found[0].url == (tmp_path / "openrouter/2026-05-15/api/v1/models").as_uri()
    assert undated == [tmp_path / "notes/README.md"]


def test_manifest_rows_must_name_real_files_and_times(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes(b"{}")
    bad_file = tmp_path / "m1.csv"
    bad_file.write_text("file,observed_at\nmissing.json,2025-01-01\n")
    with pytest.raises(ManifestError, match="missing.json is not a file"):
        dated_files(tmp_path, bad_file)
    bad_time = tmp_path / "m2.csv"
    bad_time.write_text("file,observed_at\na.json,last tuesday\n")
    with pytest.raises(ManifestError, match="'last tuesday' is not an ISO timestamp"):
        dated_files(tmp_path, bad_time)


def test_timestamps_and_intervals() -> None:
    assert parse_timestamp("2025-06-01T12:00:00-07:00") == datetime(2025, 6, 1, 19)
    assert parse_timestamp("2025-06-01") == datetime(2025, 6, 1)
    assert parse_interval("1d") == timedelta(days=1)
    assert parse_interval("12h") == timedelta(hours=12)
    assert parse_interval("2w") == timedelta(weeks=2)
    for bad in ("0d", "1 day", "d"):
        with pytest.raises(BackfillError):
            parse_interval(bad)
