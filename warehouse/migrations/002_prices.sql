-- Prices: cross-source comparison and the unit mix-up guard's record.

-- Provider names differ between sources (LiteLLM says `gemini`, genai-prices `aws`); this maps a source's
-- provider name (lower-case) to the one used for comparison. Filled from warehouse/identity/providers.toml
-- when the warehouse is opened; users may add rows.
CREATE TABLE price_provider_alias (
    alias    VARCHAR PRIMARY KEY,
    provider VARCHAR NOT NULL
);

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
