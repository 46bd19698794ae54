"""Who sells a model at which price: the maker's own API, a host serving the same weights, or a reseller.

The roles come from `price_roles.toml` (makers and their own providers, known hosts and resellers, media model
ids), loaded into `price_maker`, `price_maker_provider`, `price_provider_role` and `price_media_pattern` when
the warehouse is opened. `with_roles`
is the one definition of a listing's role and of "a token model's price": the transforms wrap their price
input with it, so `price_blended` (and through it `v_model_price`, the index, the frontier and the cost of
ownership) all read the same verdict.

Roles of a listing (a source's price for a provider, model and tier):
- `reseller`: a reseller source (OpenRouter), a reseller's id as provider in another source (LiteLLM's
  `openrouter/...`), a provider the file lists as reseller, or a host listing a closed model;
- `maker`: one of the model's maker's own providers: the list price;
- `host`: a known host of an open model: the market price;
- `grey_market`: any other provider (unknown resale, coding plans, ...): flagged, never a list or market price.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

import duckdb


def roles_file() -> dict[str, Any]:
    return tomllib.loads((resources.files("warehouse") / "price_roles.toml").read_text(encoding="utf-8"))


def sync(con: duckdb.DuckDBPyConnection) -> None:
    """Make the role tables hold exactly what the packaged file says; writes nothing when they already do."""
    spec = roles_file()
    makers = sorted(
        (m["name"], position, match, pattern.lower())
        for position, m in enumerate(spec["maker"])
        for match, patterns in (("organization", m.get("organizations", [])), ("prefix", m.get("model_prefixes", [])))
        for pattern in patterns
    )
    providers = sorted({(m["name"], p.lower()) for m in spec["maker"] for p in m["providers"]})
    roles = sorted({(p.lower(), role) for role, names in spec["roles"].items() for p in names})
    media = sorted({(p.lower(), medium) for medium, parts in spec["media"].items() for p in parts})
    current = (
        sorted(con.execute("SELECT maker, position, match, pattern FROM price_maker").fetchall()),
        sorted(con.execute("SELECT maker, provider FROM price_maker_provider").fetchall()),
        sorted(con.execute("SELECT provider, role FROM price_provider_role").fetchall()),
        sorted(con.execute("SELECT pattern, modality FROM price_media_pattern").fetchall()),
    )
    if current == (makers, providers, roles, media):
        return
    con.execute("BEGIN")
    try:
        for table, rows, marks in (("price_maker", makers, "?, ?, ?, ?"), ("price_maker_provider", providers, "?, ?"),
                                   ("price_provider_role", roles, "?, ?"), ("price_media_pattern", media, "?, ?")):
            con.execute(f"DELETE FROM {table}")
            con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def with_roles(query: str) -> str:
    """`query` (price intervals with source, provider, model_id, openness, modality) plus `role` and `per_token`.

    per_token: the listing's own modality and its model's (`v_model_modality`) are text or unknown.
    """
    return f"""
WITH _listed AS ({query}), _names AS (
    SELECT DISTINCT l.source, l.provider, l.model_id, l.openness, lower(l.provider) AS raw,
           coalesce(a.provider, lower(l.provider)) AS named, mm.maker, mo.modality AS model_modality
    FROM _listed l
    LEFT JOIN price_provider_alias a ON a.alias = lower(l.provider)
    LEFT JOIN v_model_maker mm ON mm.model_id = l.model_id
    LEFT JOIN v_model_modality mo ON mo.model_id = l.model_id
), _judged AS (
    SELECT n.*, CASE
        WHEN n.source IN (SELECT source FROM source_info WHERE reseller)
          OR n.raw IN (SELECT source FROM source_info WHERE reseller) THEN 'reseller'
        WHEN EXISTS (SELECT 1 FROM price_maker_provider mp
                     WHERE mp.maker = n.maker AND mp.provider IN (n.raw, n.named)) THEN 'maker'
        WHEN EXISTS (SELECT 1 FROM price_provider_role r WHERE r.role = 'reseller' AND r.provider IN (n.raw, n.named))
            THEN 'reseller'
        WHEN EXISTS (SELECT 1 FROM price_provider_role r WHERE r.role = 'host' AND r.provider IN (n.raw, n.named))
            THEN CASE WHEN n.openness = 'closed' THEN 'reseller' ELSE 'host' END
        ELSE 'grey_market' END AS role
    FROM _names n
)
SELECT l.*, j.role, coalesce(l.modality, 'text') = 'text' AND coalesce(j.model_modality, 'text') = 'text' AS per_token
FROM _listed l
JOIN _judged j ON j.source = l.source AND j.provider = l.provider AND j.model_id IS NOT DISTINCT FROM l.model_id
              AND j.openness IS NOT DISTINCT FROM l.openness
"""
