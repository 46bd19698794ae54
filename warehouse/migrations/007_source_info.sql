-- What the source registry (collectors/registry.py) says about each source, for views that must treat some
-- sources differently. Rewritten from the registry whenever the warehouse is opened (warehouse/source_info.py),
-- so SQL names a property of a source, never a source id.
CREATE TABLE source_info (
    source   VARCHAR PRIMARY KEY,
    kind     VARCHAR NOT NULL,   -- leaderboard | pricing | license | catalogue
    reseller BOOLEAN NOT NULL,   -- sells other makers' models (its prices are not the maker's own)
    hub      BOOLEAN NOT NULL    -- the model hub (its catalogue rows are model repositories)
);

-- Current prices with comparable names: provider through price_provider_alias; model lower-cased, spaces as
-- dashes, and a leading `<provider>/` dropped (LiteLLM's `gemini/gemini-2.5-pro` → `gemini-2.5-pro`).
-- A reseller's rows (a source flagged `reseller` in source_info, or that source's id as provider in any other
-- source, e.g. LiteLLM's `openrouter/...` entries) are not the model maker's own price and are left out.
CREATE OR REPLACE VIEW v_price_normalised AS
WITH resellers AS (
    SELECT source FROM source_info WHERE reseller
), named AS (
    SELECT p.source, p.provider AS source_provider, p.model AS source_model, p.tier,
           coalesce(a.provider, lower(p.provider)) AS provider, lower(p.provider) AS raw_provider,
           lower(replace(trim(p.model), ' ', '-')) AS m,
           p.input_per_mtok, p.output_per_mtok, p.cache_read_per_mtok, p.cache_write_per_mtok
    FROM v_prices_current p
    LEFT JOIN price_provider_alias a ON a.alias = lower(p.provider)
    WHERE p.source NOT IN (SELECT source FROM resellers)
)
SELECT source, source_provider, source_model, provider,
       CASE WHEN starts_with(m, raw_provider || '/') THEN substr(m, length(raw_provider) + 2)
            WHEN starts_with(m, provider || '/') THEN substr(m, length(provider) + 2)
            ELSE m END AS model,
       tier, input_per_mtok, output_per_mtok, cache_read_per_mtok, cache_write_per_mtok
FROM named
WHERE provider NOT IN (SELECT source FROM resellers);

-- The same (provider, model, tier) priced differently by at least two sources: spread_pct is the larger of
-- the input and output spreads, (max - min) / min in percent; only spreads above 1 % are listed.
CREATE OR REPLACE VIEW v_price_conflicts AS
WITH agg AS (
    SELECT provider, model, tier, list_sort(list(DISTINCT source)) AS sources,
           min(input_per_mtok) AS min_input, max(input_per_mtok) AS max_input,
           min(output_per_mtok) AS min_output, max(output_per_mtok) AS max_output
    FROM v_price_normalised
    GROUP BY provider, model, tier
    HAVING count(DISTINCT source) >= 2
)
SELECT provider, model, tier, sources, min_input, max_input, min_output, max_output,
       round(100 * greatest(coalesce((max_input - min_input) / nullif(min_input, 0), 0),
                            coalesce((max_output - min_output) / nullif(min_output, 0), 0)), 2) AS spread_pct
FROM agg
WHERE greatest(coalesce((max_input - min_input) / nullif(min_input, 0), 0),
               coalesce((max_output - min_output) / nullif(min_output, 0), 0)) > 0.01;
