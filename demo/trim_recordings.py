"""Make the demo's long-history recordings from the real files in ../shared/realdata (see its MANIFEST.md).

    .venv/bin/python demo/trim_recordings.py [--realdata PATH]

Each recording keeps its upstream path under `demo/recordings/<source>/<YYYY-MM-DD>/` and its real content,
trimmed to what the demo needs so the repository stays small:
- lmarena: the text arena's CSV exports (fboulnois/llm-leaderboard-csv `csv/lmsys.csv`, at the commit of each
  snapshot, as served by raw.githubusercontent.com), the best rows and the next open models of each;
- litellm: the price map at each dated commit, only the chat models of the families in `FAMILIES`;
- genai_prices: the price data at each dated commit, only the providers and model families in `FAMILIES`. The
  upstream moved its live data to `prices/new_data/v2/data.json` on 2026-07-30 (the old path froze): the
  2026-08-21 recording is that file at commit 47df840a5ab1, trimmed the same way (`--v2 FILE`; it is not in the
  staging set).
Rows are kept as they are (never edited), so each recording still parses as the upstream file does.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent
RECORDINGS = ROOT / "recordings"
REALDATA = ROOT.parent / ".." / "shared" / "realdata"

# The families a reader of the demo recognises on both sides of the gap.
FAMILIES = re.compile(
    r"(^|/)(gpt-4o|gpt-4o-mini|gpt-4-turbo|gpt-4\.1|gpt-5|o1|o3|claude-3-5-sonnet|claude-3-opus|claude-sonnet-4"
    r"|claude-opus-4|gemini-1\.5-pro|gemini-2\.5-pro|gemini-2\.5-flash|deepseek-chat|deepseek-reasoner"
    r"|deepseek-v3|deepseek-r1|llama-3\.1-405b|llama-3\.3-70b|llama3-70b|mistral-large|qwen3-235b|gpt-oss-120b"
    r"|kimi-k2)([-.:@][\w.:-]*)?$",
    re.IGNORECASE,
)
LITELLM_PROVIDERS = {"openai", "anthropic", "gemini", "deepseek", "groq", "together_ai", "mistral", "fireworks_ai",
                     "deepinfra"}
GENAI_PROVIDERS = {"openai", "anthropic", "google", "deepseek", "groq", "together", "fireworks", "mistral"}
# The demo's newest arena recordings (the parquet dataset) hold 25–40 rows; an export several times larger before
# them would trip the row-count collapse guard, as it should. So: the best 16 rows plus the next 8 open models.
ARENA_TOP, ARENA_OPEN = 16, 8
MAX_KEYS = 60

# (recording date, realdata file, upstream path) — dates are the commits' (UTC) dates, as in MANIFEST.md.
LMARENA = (
    ("2024-06-19", "lmsys_2024-06-19_3792cf00e8.csv", "3792cf00e845ff3a0a04e84ee6fcbbf8e287c439"),
    ("2024-07-07", "lmsys_2024-07-07_65554a1d12.csv", "65554a1d12eec090e7c448288fca54eedb46b428"),
    ("2024-10-16", "lmsys_2024-10-16_c05d3e1fbc.csv", "c05d3e1fbc49d153b094ff46adfca7e49f518e6d"),
    ("2024-12-31", "lmsys_2024-12-31_fd1f48b039.csv", "fd1f48b039b4518d04fad21bc13156b0cfb50ec9"),
    ("2025-06-25", "lmsys_2025-06-25_7f77ccfdbb.csv", "7f77ccfdbb97d2dfff6dc3082cff02a08d8d30d8"),
)
LITELLM = ("2024-09-28_0b30e212da.json", "2024-12-29_406b7f43a8.json",
           "2025-06-28_06c86d6130.json", "2025-10-01_fcfe856e10.json", "2026-03-03_daa0397f30.json")
LITELLM_PATH = "BerriAI/litellm/main/model_prices_and_context_window.json"
GENAI = ("data_2025-06-23_c56491a944.json", "data_2025-10-27_99922c2a3c.json", "data_2026-02-25_6104d55811.json",
         "data_2026-07-25_c885e32894.json")
GENAI_PATH = "pydantic/genai-prices/main/prices/data.json"
GENAI_V2_PATH = "pydantic/genai-prices/main/prices/new_data/v2/data.json"
GENAI_V2_DAY = "2026-08-21"


def write(source: str, day: str, path: str, body: bytes) -> None:
    target = RECORDINGS / source / day / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)
    print(f"{target.relative_to(ROOT)}: {len(body):,} bytes")


def lmarena(realdata: Path) -> None:
    for day, name, sha in LMARENA:
        text = (realdata / "lmarena" / name).read_text(encoding="utf-8")
        header, *rows = list(csv.reader(io.StringIO(text)))  # rows in rank order, as exported
        licence = header.index("license")
        opens = [r for r in rows[ARENA_TOP:] if r[licence] and r[licence] != "Proprietary"][:ARENA_OPEN]
        kept = [r for r in rows if r in rows[:ARENA_TOP] or r in opens]
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([header, *kept])
        write("lmarena", day, f"fboulnois/llm-leaderboard-csv/{sha}/csv/lmsys.csv", out.getvalue().encode())


def litellm(realdata: Path) -> None:
    for name in LITELLM:
        day = name[:10]
        prices = json.loads((realdata / "litellm" / name).read_text(encoding="utf-8"))
        kept = {k: v for k, v in prices.items() if isinstance(v, dict) and v.get("mode") == "chat"
                and v.get("litellm_provider") in LITELLM_PROVIDERS and FAMILIES.search(k)
                and not re.search(r"ft:|batch|realtime|audio|search|vision|preview", k)}
        kept = dict(sorted(kept.items())[:MAX_KEYS])
        if "sample_spec" in prices:
            kept["sample_spec"] = prices["sample_spec"]  # the parser must keep skipping it
        write("litellm", day, LITELLM_PATH, json.dumps(kept, indent=4).encode())


def genai_trimmed(providers: list[dict]) -> bytes:
    kept = []
    for provider in providers:
        if provider.get("id") not in GENAI_PROVIDERS:
            continue
        models = [m for m in provider.get("models", []) if FAMILIES.search(m.get("id", ""))]
        if models:
            kept.append({**provider, "models": models[:12]})
    return json.dumps(kept, indent=2).encode()


def genai_prices(realdata: Path, v2: Path | None) -> None:
    for name in GENAI:
        day = name[5:15]
        write("genai_prices", day, GENAI_PATH,
              genai_trimmed(json.loads((realdata / "genai-prices" / name).read_text(encoding="utf-8"))))
    if v2 is not None:
        write("genai_prices", GENAI_V2_DAY, GENAI_V2_PATH, genai_trimmed(json.loads(v2.read_text(encoding="utf-8"))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--realdata", type=Path, default=REALDATA)
    parser.add_argument("--v2", type=Path, help="pydantic/genai-prices prices/new_data/v2/data.json at 47df840a5ab1")
    args = parser.parse_args()
    realdata = args.realdata.resolve()
    if not (realdata / "MANIFEST.md").exists():
        raise SystemExit(f"no real-data staging set at {realdata} (MANIFEST.md missing); pass --realdata PATH")
    lmarena(realdata)
    litellm(realdata)
    genai_prices(realdata, args.v2)


if __name__ == "__main__":
    main()
