-- Prices (issue 3): cross-source comparison and the unit mix-up guard's record.

-- Provider names differ between sources (LiteLLM says `gemini`, genai-prices `aws`); this maps a source's
-- provider name (lower-case) to the one used for comparison. Users may add rows.
CREATE TABLE price_provider_alias (
    alias    VARCHAR PRIMARY KEY,
    provider VARCHAR NOT NULL
);
INSERT INTO price_provider_alias VALUES
    ('gemini', 'google'),
    ('text-completion-openai', 'openai'),
    ('x-ai', 'xai'),
    ('mistralai', 'mistral'),
    ('together_ai', 'together'),
    ('togetherai', 'together'),
    ('fireworks_ai', 'fireworks'),
    ('fireworks-ai', 'fireworks'),
    ('aws', 'bedrock'),
    ('amazon-bedrock', 'bedrock'),
    ('bedrock_converse', 'bedrock');

-- Current prices with comparable names: provider through price_provider_alias; model lower-cased, spaces as
-- dashes, and a leading `<provider>/` dropped (LiteLLM's `gemini/gemini-2.5-pro` → `gemini-2.5-pro`).
-- OpenRouter is a reseller: its rows (the `openrouter` source, or provider `openrouter` in any source) are
-- not the model maker's own price and are left out.
CREATE VIEW v_price_normalised AS
WITH named AS (
    SELECT p.source, p.provider AS source_provider, p.model AS source_model, p.tier,
           coalesce(a.provider, lower(p.provider)) AS provider, lower(p.provider) AS raw_provider,
           lower(replace(trim(p.model), ' ', '-')) AS m,
           p.input_per_mtok, p.output_per_mtok, p.cache_read_per_mtok, p.cache_write_per_mtok
    FROM v_prices_current p
    LEFT JOIN price_provider_alias a ON a.alias = lower(p.provider)
    WHERE p.source <> 'openrouter'
)
SELECT source, source_provider, source_model, provider,
       CASE WHEN starts_with(m, raw_provider || '/') THEN substr(m, length(raw_provider) + 2)
            WHEN starts_with(m, provider || '/') THEN substr(m, length(provider) + 2)
            ELSE m END AS model,
       tier, input_per_mtok, output_per_mtok, cache_read_per_mtok, cache_write_per_mtok
FROM named
WHERE provider <> 'openrouter';

-- The same (provider, model, tier) priced differently by at least two sources: spread_pct is the larger of
-- the input and output spreads, (max - min) / min in percent; only spreads above 1 % are listed.
CREATE VIEW v_price_conflicts AS
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

-- Written by warehouse/price_guard.py: every ≥100× price jump seen, and what was done about it.
CREATE TABLE price_jump (
    source          VARCHAR NOT NULL,
    provider        VARCHAR NOT NULL,
    model           VARCHAR NOT NULL,
    tier            VARCHAR NOT NULL,
    observed_at     TIMESTAMP NOT NULL,
    field           VARCHAR NOT NULL,   -- input | output | cache_read | cache_write
    previous        DOUBLE NOT NULL,    -- USD per 1M tokens in force before
    found           DOUBLE NOT NULL,    -- what the document said
    ratio           DOUBLE NOT NULL,    -- found / previous
    action          VARCHAR NOT NULL,   -- kept_previous | rejected_document
    evidence_sha256 VARCHAR,
    PRIMARY KEY (source, provider, model, tier, observed_at, field)
);

CREATE VIEW v_price_jumps AS
SELECT * FROM price_jump ORDER BY observed_at DESC, source, provider, model, tier, field;
