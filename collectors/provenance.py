"""Which real upstream files each source's parser was built and tested on, for docs/sources.md.

"realdata §N" is a section of the staging set of real public files (../shared/realdata/MANIFEST.md), which the
realdata-marked tests read; "fixture" names the trimmed real documents under tests/fixtures/<source>/. Where no
real copy of the document the source fetches exists, the entry says so: its parser was built on a recording of
the page as the fixture holds it, and a live run is the first real check.
"""

from __future__ import annotations

REAL_FILES: dict[str, str] = {
    "openrouter": "realdata §6: a raw `GET /api/v1/models` response of 2026-05-15 (the URL fetched); fixtures "
                  "`models_2026-05-15.json`, `models_2026-07-17.json`.",
    "litellm": "realdata §1: 12 versions of `model_prices_and_context_window.json` on BerriAI/litellm `main` "
               "(2023-09 to 2026-03, read from a fork holding upstream history) and §1b (2026-07-24, via a mirror).",
    "models_dev": "no real copy of `https://models.dev/api.json` itself: realdata §2 holds the models.dev TOML tree "
                  "it is built from (5 snapshots, which the source's tree backfill reads); fixtures "
                  "`api_2025-09-30.json`, `api_2026-03-21.json`.",
    "genai_prices": "realdata §7: `prices/data.json` of pydantic/genai-prices, 4 versions (2025-06-23 to "
                    "2026-07-25).",
    "anthropic_pricing": "no real copy in the staging set: built on recorded pages (fixtures "
                         "`pricing_2025-08-20.html`, `pricing_2025-11-25.html`).",
    "google_pricing": "no real copy in the staging set: built on recorded pages (fixtures `pricing_2025-06-01.html`, "
                      "`pricing_2025-07-20.html`).",
    "deepseek_pricing": "no real copy in the staging set: built on recorded pages (fixtures "
                        "`pricing_2025-08-01.html`, `pricing_2025-09-10.html`).",
    "mistral_pricing": "no real copy in the staging set: built on recorded pages (fixtures "
                       "`pricing_2024-09-01.html`, `pricing_2024-09-20.html`).",
    "openai_pricing": "no real copy in the staging set: built on recorded pages (fixtures `pricing_2025-06-01.html`, "
                      "`pricing_2025-06-15.html`).",
    "lmarena": "realdata §4: the CSV exports of fboulnois/llm-leaderboard-csv (2024-06-19 to 2025-08-06); no real "
               "copy of the HF dataset's parquet files the live source fetches beyond the fixture "
               "`text_latest_2025-07-27.parquet`.",
    "arena_catalog": "realdata §14: lmarena/arena-catalog `data/leaderboard-text.json` (4 versions, 2025-03-07 to "
                     "2025-12-11) and `data/scatterplot-data.json` (3 versions, 2025-03-04 to 2025-12-17), the "
                     "files the URLs name (checked against the repository, branch `main`).",
    "aider": "realdata §3: Aider-AI/aider `aider/website/_data/{polyglot,edit,refactor}_leaderboard.yml` "
             "(10 versions, 2024-05 to 2025-10), the paths the URLs name at HEAD.",
    "livebench": "realdata §15: LiveBench/livebench.github.io at HEAD 2026-07-01 (`src/App.js`, "
                 "`src/Table/modelLinks.js`, every `public/table_YYYY_MM_DD.csv` release, and the first version of "
                 "the 2026-01-08 table); paths checked against the repository, branch `main`.",
    "swebench": "realdata §16: SWE-bench/swe-bench.github.io `data/leaderboards.json` of 2025-07-31 and 2025-11-19; "
                "path and branch `master` checked against the repository (HEAD 2026-03-04).",
    "open_llm_leaderboard": "realdata §4b: the CSV exports of the leaderboard's contents (2024-07-13 and the final "
                            "2025-03-21); the parquet URL is the retired dataset's, kept for history only.",
    "epoch_benchmarks": "realdata §9: Epoch's benchmark table with model accessibility (2024-10-22); no real copy "
                        "of `benchmark_data.zip` beyond the fixtures `benchmark_data_2024-06-01.zip`, "
                        "`benchmark_data_2024-10-22.zip`.",
    "spdx": "realdata §5b: `licenses.json` 3.19, 3.24.0 and 3.27.0 (verbatim copies vendored by fsfe/reuse-tool; "
            "spdx/license-list-data itself was too large to fetch).",
    "license_texts": "no real copy in the staging set: built on the licence files as recorded in the fixtures "
                     "(meta-llama, QwenLM, deepseek-ai repositories).",
    "hf_hub": "no real copy of `/api/models/{repo}` answers in the staging set: built on recorded answers "
              "(fixtures under `api/`); realdata §5c (the Hub's licence identifiers) is what its licence ids "
              "are classified against.",
}
