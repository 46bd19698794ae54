-- Prices a buyer can trust: what each price is a price of, who sells it, and a model's two prices.

-- `text` (a token model), `image`, `audio`, `video`, `embedding`; NULL when the source does not say
-- (collectors/pricing/modality.py).
ALTER TABLE price ADD COLUMN modality VARCHAR;

CREATE OR REPLACE VIEW v_prices_current AS
SELECT source, provider, model, tier, input_per_mtok, output_per_mtok, cache_read_per_mtok,
       cache_write_per_mtok, currency, valid_from AS since, evidence_sha256, modality
FROM price WHERE valid_to IS NULL;

CREATE OR REPLACE VIEW v_price_history AS
SELECT source, provider, model, tier, input_per_mtok, output_per_mtok, cache_read_per_mtok,
       cache_write_per_mtok, currency, valid_from, valid_to, evidence_sha256, modality
FROM price;

-- Who makes a model and which providers are the maker's own API; what every other provider is (host,
-- reseller). Rewritten from warehouse/price_roles.toml whenever the warehouse is opened.
CREATE TABLE price_maker (
    maker    VARCHAR NOT NULL,
    position INTEGER NOT NULL,   -- the entry's place in the file: the first match wins
    match    VARCHAR NOT NULL,   -- organization | prefix
    pattern  VARCHAR NOT NULL    -- lower-case organisation, or the start of a model id
);
CREATE TABLE price_maker_provider (
    maker    VARCHAR NOT NULL,
    provider VARCHAR NOT NULL
);
CREATE TABLE price_provider_role (
    provider VARCHAR PRIMARY KEY,
    role     VARCHAR NOT NULL    -- host | reseller
);

-- A model's maker: by its organisation, else (no organisation known) by the start of its id.
CREATE VIEW v_model_maker AS
SELECT m.model_id, arg_min(k.maker, (k.match = 'prefix')::INTEGER * 100000 + k.position) AS maker
FROM model m
JOIN price_maker k
  ON (k.match = 'organization' AND k.pattern = lower(m.organization))
  OR (k.match = 'prefix' AND m.organization IS NULL AND starts_with(lower(m.model_id), k.pattern))
GROUP BY m.model_id;

-- Model ids of media models (price_roles.toml `[media]`): a part of the id → the medium.
CREATE TABLE price_media_pattern (
    pattern  VARCHAR PRIMARY KEY,
    modality VARCHAR NOT NULL
);

-- What a model outputs: the medium its id names (`price_media_pattern`), else the majority of the price rows
-- that say (any time, any source; a tie is not text).
CREATE VIEW v_model_modality AS
WITH voted AS (
    SELECT a.model_id,
           CASE WHEN count(*) FILTER (WHERE p.modality = 'text') > count(*) FILTER (WHERE p.modality <> 'text')
                THEN 'text'
                ELSE mode(p.modality) FILTER (WHERE p.modality <> 'text') END AS modality
    FROM price p
    JOIN model_alias a ON a.source = p.source AND a.source_model = p.model
    WHERE p.modality IS NOT NULL
    GROUP BY a.model_id
), named AS (
    SELECT m.model_id, arg_min(k.modality, k.pattern) AS modality
    FROM model m JOIN price_media_pattern k ON contains(lower(m.model_id), k.pattern)
    GROUP BY m.model_id
)
SELECT coalesce(n.model_id, v.model_id) AS model_id, coalesce(n.modality, v.modality) AS modality
FROM voted v FULL JOIN named n ON n.model_id = v.model_id;

-- The transforms' blended prices carry each listing's role and whether it is a token model's price
-- (warehouse/price_roles.py computes both for every price interval).
ALTER TABLE price_blended ADD COLUMN modality VARCHAR;
ALTER TABLE price_blended ADD COLUMN per_token BOOLEAN;
ALTER TABLE price_blended ADD COLUMN role VARCHAR;

-- The verdicts the transform tables were computed with also hold each name's model's maker and modality.
ALTER TABLE transform_names ADD COLUMN maker VARCHAR;
ALTER TABLE transform_names ADD COLUMN model_modality VARCHAR;

-- Per-token prices only: an image or audio model's "per 1M tokens" would look a thousand times cheaper.
CREATE OR REPLACE VIEW v_price_blended AS
SELECT source, provider, model, tier, model_id, openness, input_per_mtok, output_per_mtok, blended_price,
       valid_from, valid_to, role
FROM price_blended
WHERE per_token;

-- Current prices of models that are not token models (image, audio, video, embedding), kept apart.
CREATE VIEW v_prices_non_token AS
SELECT b.source, b.provider, b.model, b.tier, b.model_id, coalesce(b.modality, mo.modality) AS modality,
       b.input_per_mtok, b.output_per_mtok, b.valid_from AS since
FROM price_blended b
LEFT JOIN v_model_modality mo ON mo.model_id = b.model_id
WHERE b.valid_to IS NULL AND NOT b.per_token;

-- Every current listing of a matched token model with what its seller is to the model.
CREATE VIEW v_model_listings AS
SELECT b.model_id, b.openness, coalesce(a.provider, lower(b.provider)) AS provider, b.role, b.tier,
       b.input_per_mtok, b.output_per_mtok, b.blended_price AS blended_per_mtok, b.source, b.model AS source_model,
       b.valid_from AS since
FROM price_blended b
LEFT JOIN price_provider_alias a ON a.alias = lower(b.provider)
WHERE b.valid_to IS NULL AND b.per_token AND b.model_id IS NOT NULL AND b.blended_price IS NOT NULL;

-- A model's two prices, now. `list`: the maker's own API, the value most of the sources quoting the maker agree
-- on (sources, not their names for the model: LiteLLM's `deepseek-chat` and `deepseek/deepseek-chat` are one
-- vote), then the newest. `market`: the hosts serving the same weights (open models only; a host's own price by
-- the same rule), the cheapest host named, with the median over hosts and their number.
CREATE VIEW v_model_price AS
WITH seen AS (
    SELECT source, max(observed_at) AS as_of FROM collection_run WHERE status IN ('ok', 'unchanged')
    GROUP BY source
), voted AS (
    SELECT l.*, count(DISTINCT source) OVER (PARTITION BY model_id, role, provider, tier, round(input_per_mtok, 6),
                                                           round(output_per_mtok, 6)) AS agreeing
    FROM v_model_listings l
    WHERE role IN ('maker', 'host')
), per_seller AS (
    SELECT v.*, coalesce(s.as_of, v.since) AS as_of
    FROM voted v LEFT JOIN seen s ON s.source = v.source
    QUALIFY row_number() OVER (PARTITION BY v.model_id, v.role, v.provider, v.tier
                               ORDER BY v.agreeing DESC, v.since DESC, v.source, v.source_model) = 1
), list AS (
    SELECT * FROM per_seller WHERE role = 'maker'
    QUALIFY row_number() OVER (PARTITION BY model_id, tier
                               ORDER BY agreeing DESC, since DESC, provider, source) = 1
), market AS (
    SELECT *, median(blended_per_mtok) OVER (PARTITION BY model_id, tier) AS median_blended_per_mtok,
           count(*) OVER (PARTITION BY model_id, tier) AS hosts
    FROM per_seller WHERE role = 'host'
    QUALIFY row_number() OVER (PARTITION BY model_id, tier ORDER BY blended_per_mtok, provider, source) = 1
)
SELECT model_id, 'list' AS kind, provider, tier, input_per_mtok, output_per_mtok, blended_per_mtok, source, as_of,
       NULL::DOUBLE AS median_blended_per_mtok, NULL::BIGINT AS hosts
FROM list
UNION ALL
SELECT model_id, 'market' AS kind, provider, tier, input_per_mtok, output_per_mtok, blended_per_mtok, source, as_of,
       median_blended_per_mtok, hosts
FROM market;

-- The price a buyer pays for a model in a tier: its list price, else (an open model its maker does not sell)
-- its market price. The one "price of a model" every reader uses (warehouse/model_price.py).
CREATE VIEW v_price_of_model AS
SELECT model_id, kind, provider, tier, input_per_mtok, output_per_mtok, blended_per_mtok, source, as_of,
       median_blended_per_mtok, hosts
FROM v_model_price
QUALIFY row_number() OVER (PARTITION BY model_id, tier ORDER BY kind = 'list' DESC) = 1;
