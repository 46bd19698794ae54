"""One typed settings object. Every knob is an env var `GAPWATCH_<NAME>` or a key in `gapwatch.toml`."""

from __future__ import annotations

import difflib
import os
import tomllib
from functools import lru_cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GAPWATCH_", env_nested_delimiter="__", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Where the warehouse, raw store and snapshot live.")
    warehouse_path: Path | None = Field(None, description="Writer's DuckDB file (default data_dir/gapwatch.duckdb).")
    published_path: Path | None = Field(
        None, description="Read snapshot for the app and SQL users (default data_dir/published/gapwatch.duckdb)."
    )
    raw_dir: Path | None = Field(None, description="Content-addressed raw documents (default data_dir/raw).")
    base_urls: dict[str, str] = Field(
        default_factory=dict, description="Per-source base URL override, e.g. GAPWATCH_BASE_URLS__OPENROUTER."
    )
    user_agent: str = Field(
        "gapwatch/0.1 (+https://github.com/gapwatch/gapwatch; self-hosted AI market tracker)",
        description="User-Agent sent with every request (names gapwatch and where to learn about it).",
    )
    http_timeout_s: float = Field(30.0, description="Timeout of one HTTP request (seconds).")
    max_body_bytes: int = Field(64 * 1024 * 1024, description="Larger responses are refused (bytes; 64 MiB).")
    max_redirects: int = Field(5, description="Redirects followed per request.")
    http_attempts: int = Field(
        4, description="Attempts per request on timeouts, 429 (Retry-After honoured) and 5xx, with backoff + jitter."
    )
    backoff_base_s: float = Field(1.0, description="First retry delay (seconds), doubled per attempt.")
    backoff_max_s: float = Field(60.0, description="Longest retry delay (seconds).")
    host_min_interval_s: float = Field(1.0, description="Politeness delay between two requests to one host.")
    fetch_deadline_s: float = Field(
        120.0, description="Whole-request deadline of one fetch, retries and redirects included (seconds); past "
        "it the run fails. Guards against servers that trickle bytes slower than any read timeout.",
    )
    max_fetches_per_host: int = Field(
        2, description="Requests in flight at once to one host, so one slow host cannot take every fetch slot."
    )
    respect_robots: bool = Field(
        True, description="Obey robots.txt (RFC 9309: an unreachable robots.txt disallows that attempt only; it is "
        "asked again next time).",
    )
    min_row_ratio: float = Field(
        0.5, description="A document with fewer rows than this share of the last accepted one is quarantined."
    )
    max_concurrent_fetches: int = Field(
        4, description="Scheduler threads, i.e. fetches in flight at once; ingests still run one at a time."
    )
    capability_map_path: Path | None = Field(
        None, description="Capability map TOML (default: the packaged warehouse/capability_map.toml)."
    )
    aliases_path: Path | None = Field(
        None,
        description="Manual model aliases and openness overrides (default: the packaged "
        "warehouse/identity/aliases.toml).",
    )
    max_targets_per_run: int = Field(
        300, description="Cap on URLs a per-target source (e.g. hf_hub, one page per model) fetches in one run."
    )
    enabled_sources: list[str] = Field(
        default_factory=list, description="Sources the service schedules (empty: every registered source)."
    )
    schedule_every_s: dict[str, float] = Field(
        default_factory=dict,
        description="Per-source interval override in seconds, e.g. GAPWATCH_SCHEDULE_EVERY_S__OPENROUTER=60.",
    )
    schedule_jitter_s: float | None = Field(None, description="Jitter for every source (default: each source's).")
    misfire_grace_s: int = Field(3600, description="A run missed by up to this many seconds still runs (once).")
    app_address: str = Field(
        "127.0.0.1", description="Where `gapwatch up` serves the Streamlit app (loopback: it has no login; see "
        "docs/operations.md before exposing it).",
    )
    app_port: int = Field(8501, description="Port of the Streamlit app started by `gapwatch up`.")
    # Change detection and alerts
    price_change_min_pct: float = Field(5.0, description="A price cut/hike event needs at least this change (%).")
    failure_streak_alert: int = Field(3, description="Failed collections in a row that raise `source_failing`.")
    gap_thresholds: list[float] = Field(
        default_factory=lambda: [25.0, 50.0, 100.0],
        description="Gap sizes (score points) whose crossing raises `gap_threshold`.",
    )
    alerts_config: Path = Field(Path("alerts.toml"), description="Alert rules and channels (TOML).")
    alert_urls: dict[str, SecretStr] = Field(
        default_factory=dict, description="Per-channel Apprise URL, e.g. GAPWATCH_ALERT_URLS__TEAM_SLACK (a secret)."
    )
    alert_secrets_file: Path | None = Field(None, description="KEY=VALUE file for ${KEY} in channel URLs.")
    alert_max_attempts: int = Field(5, description="Delivery attempts per event and channel before giving up.")
    alert_max_age_hours: float = Field(72.0, description="Events detected longer ago than this are not sent.")
    alert_timeout_s: float = Field(
        30.0, gt=0, description="Deadline of one alert send (also `alerts test`), however slowly the channel answers.",
    )
    alert_backoff_s: float = Field(
        30.0, ge=0, description="A channel that failed waits this long before its next attempt, doubling with each "
        "failure in a row up to `alert_backoff_max_s`; its events stay pending meanwhile.",
    )
    alert_backoff_max_s: float = Field(3600.0, ge=0, description="Longest wait between attempts to a failing channel.")
    feed_path: Path | None = Field(None, description="Atom feed of recent events (default data_dir/feed.atom).")
    # Transforms
    blend_input_weight: float = Field(3.0, description="Input weight of the blended price (3:1 input:output).")
    blend_output_weight: float = Field(1.0, description="Output weight of the blended price.")
    months_behind_tolerance: float = Field(
        0.01, description="An open model matches a closed SOTA when within this share of its score."
    )
    gap_board_priority: list[str] = Field(
        default_factory=list, description="Boards that rate quality (price tiers, frontier, TCO) when the main board "
        "(the general headline board, see capability_map.toml [headline]) lacks the quality capability.",
    )
    headline_max_age_days: int = Field(
        365, ge=1, description="A board heads a capability's gap only if its newest data are at most this many "
        "days older than the warehouse's newest observation.",
    )
    quality_capability: str = Field(
        "general", description="Capability whose headline board rates quality for price tiers, frontier and TCO."
    )
    price_index_grid_days: int = Field(7, description="Step in days between price index samples.")
    frontier_grid_days: int = Field(30, description="Step in days between price-quality frontier samples.")
    evals_dir: Path | None = Field(
        None, description="Watched folder of your own evaluation files (*.json: Every Eval Ever, Inspect AI, lm-eval)"
        " that `gapwatch serve` imports on its schedule (docs/evals.md). Unset: none watched.")
    evals_every_s: float = Field(300.0, gt=0, description="How often the service looks for new files in evals_dir "
                                 "(seconds).")
    tco_monthly_tokens: float = Field(1.5e9, description="Default TCO scenario: tokens per month (50M/day).")
    tco_input_share: float = Field(0.75, description="Default TCO scenario: share of tokens that are input.")
    tco_closed_model: str | None = Field(None, description="TCO closed model_id (default: best priced closed).")
    tco_open_model: str | None = Field(None, description="TCO open model_id (default: best priced open-weights).")
    tco_gpu_hourly_usd: float = Field(2.5, description="Self-hosting: rent of one GPU per hour (USD).")
    tco_gpus_per_replica: int = Field(2, description="Self-hosting: GPUs serving one model replica.")
    tco_replica_tokens_per_s: float = Field(3000.0, description="Self-hosting: sustained tokens/s of one replica.")
    tco_utilisation: float = Field(0.5, description="Self-hosting: average share of capacity in use.")
    tco_ops_usd_per_month: float = Field(600.0, description="Self-hosting: fixed operations cost per month (USD).")
    tco_min_replicas: int = Field(1, description="Self-hosting: replicas kept up whatever the volume.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = Path(os.environ.get("GAPWATCH_CONFIG", "gapwatch.toml"))
        return (init_settings, env_settings, _CheckedToml(settings_cls, toml_file=toml_file))

    @property
    def warehouse_file(self) -> Path:
        return self.warehouse_path or self.data_dir / "gapwatch.duckdb"

    @property
    def published_file(self) -> Path:
        return self.published_path or self.data_dir / "published" / "gapwatch.duckdb"

    @property
    def raw_root(self) -> Path:
        return self.raw_dir or self.data_dir / "raw"


class ConfigError(ValueError):
    """The configuration cannot be used: its message names the file (and line) or the variable, and the fix."""


class _CheckedToml(TomlConfigSettingsSource):
    """gapwatch.toml, refused with its file and line when it is not TOML, and when it names a key that is no
    setting: a misspelt key would otherwise be ignored and its setting silently left at its default."""

    def _read_file(self, file_path: Path | Traversable) -> dict[str, Any]:
        try:
            data = super()._read_file(file_path)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{file_path} is not valid TOML: {exc}. Fix that line (or point GAPWATCH_CONFIG "
                              "at another file).") from None
        unknown = sorted(set(data) - set(Settings.model_fields))
        if unknown:
            close = {k: difflib.get_close_matches(k, Settings.model_fields, n=1) for k in unknown}
            named = ", ".join(f"`{k}`" + (f" (did you mean `{close[k][0]}`?)" if close[k] else "") for k in unknown)
            raise ConfigError(f"{file_path}: no setting is called {named}. The settings are listed in "
                              "docs/configuration.md; fix or remove the key.")
        return data


def load_settings() -> Settings:
    """The settings, or ConfigError saying which value of which source (file or GAPWATCH_* variable) is wrong."""
    try:
        return Settings()
    except ValidationError as exc:
        toml = os.environ.get("GAPWATCH_CONFIG", "gapwatch.toml")
        wrong = "; ".join(f"`{'.'.join(map(str, e['loc']))}`: {e['msg']} (got {e.get('input')!r})"
                          for e in exc.errors())
        raise ConfigError(f"invalid setting in {toml} or a GAPWATCH_* variable: {wrong}.") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
