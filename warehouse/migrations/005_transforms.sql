-- Transforms: tables rewritten by `refresh_transforms` in every successful ingest's transaction,
-- and the stable views over them. Dates are DATE (a row describes the state at the end of that day, UTC).

CREATE TABLE gap_by_capability (
    definition        VARCHAR NOT NULL,   -- open-source | open-weights
    capability        VARCHAR NOT NULL,
    board             VARCHAR NOT NULL,
    best_open_model   VARCHAR,
    best_open_score   DOUBLE,
    best_closed_model VARCHAR,
    best_closed_score DOUBLE,
    gap_abs           DOUBLE,             -- best closed − best open (positive: closed leads)
    gap_rel           DOUBLE,             -- gap_abs / |best_closed_score|
    change_30d        DOUBLE,
    change_90d        DOUBLE,
    change_365d       DOUBLE,
    as_of             DATE NOT NULL,
    is_headline       BOOLEAN NOT NULL,   -- the capability's headline board
    unknown_models    BIGINT NOT NULL     -- scored models of unknown openness, left out of both sides
);

CREATE TABLE gap_over_time (
    definition        VARCHAR NOT NULL,
    capability        VARCHAR NOT NULL,
    board             VARCHAR NOT NULL,
    date              DATE NOT NULL,
    best_open_model   VARCHAR,
    best_open_score   DOUBLE,
    best_closed_model VARCHAR,
    best_closed_score DOUBLE,
    gap_abs           DOUBLE
);

CREATE TABLE months_behind (
    definition    VARCHAR NOT NULL,
    capability    VARCHAR NOT NULL,
    board         VARCHAR NOT NULL,
    closed_model  VARCHAR NOT NULL,
    closed_date   DATE NOT NULL,
    closed_score  DOUBLE NOT NULL,
    open_model    VARCHAR,
    open_date     DATE,
    months_behind DOUBLE               -- NULL: no open model has matched it yet
);

CREATE TABLE months_behind_summary (
    definition    VARCHAR NOT NULL,
    capability    VARCHAR NOT NULL,
    mean_months   DOUBLE,
    median_months DOUBLE,
    matched       BIGINT NOT NULL,
    unmatched     BIGINT NOT NULL
);

CREATE TABLE price_blended (
    source          VARCHAR NOT NULL,
    provider        VARCHAR NOT NULL,
    model           VARCHAR NOT NULL,
    tier            VARCHAR NOT NULL,
    model_id        VARCHAR,
    openness        VARCHAR,
    input_per_mtok  DOUBLE,
    output_per_mtok DOUBLE,
    blended_price   DOUBLE,
    valid_from      TIMESTAMP NOT NULL,
    valid_to        TIMESTAMP
);

CREATE TABLE price_index (
    date           DATE NOT NULL,
    openness_group VARCHAR NOT NULL,      -- open | closed
    quality_tier   VARCHAR NOT NULL,      -- top | middle | bottom
    index_value    DOUBLE NOT NULL,       -- median cheapest blended USD per 1M tokens
    models         BIGINT NOT NULL
);

CREATE TABLE price_moves (
    provider       VARCHAR NOT NULL,
    model          VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,
    tier           VARCHAR NOT NULL,
    from_date      DATE NOT NULL,
    to_date        DATE NOT NULL,
    before_blended DOUBLE NOT NULL,
    after_blended  DOUBLE NOT NULL,
    change_pct     DOUBLE
);

CREATE TABLE price_frontier (
    date          DATE NOT NULL,
    model         VARCHAR NOT NULL,
    quality_score DOUBLE NOT NULL,
    blended_price DOUBLE NOT NULL,
    on_frontier   BOOLEAN NOT NULL
);

CREATE TABLE tco_scenarios (
    scenario                   VARCHAR NOT NULL,
    option                     VARCHAR NOT NULL,   -- closed_api | hosted_open | self_hosted
    model                      VARCHAR,
    monthly_tokens             DOUBLE NOT NULL,
    input_share                DOUBLE NOT NULL,
    monthly_cost_low           DOUBLE,
    monthly_cost_high          DOUBLE,
    per_mtok_low               DOUBLE,
    providers                  BIGINT,
    crossover_tokens_per_month DOUBLE,             -- self-hosting is cheaper from this volume on
    assumptions                JSON NOT NULL
);

CREATE VIEW v_gap_by_capability AS
SELECT definition, capability, board, best_open_model, best_open_score, best_closed_model, best_closed_score,
       gap_abs, gap_rel, change_30d, change_90d, change_365d, as_of, is_headline, unknown_models
FROM gap_by_capability;

CREATE VIEW v_gap_over_time AS
SELECT definition, capability, board, date, best_open_model, best_open_score, best_closed_model,
       best_closed_score, gap_abs
FROM gap_over_time;

CREATE VIEW v_months_behind AS
SELECT definition, capability, board, closed_model, closed_date, closed_score, open_model, open_date, months_behind
FROM months_behind;

CREATE VIEW v_months_behind_summary AS
SELECT definition, capability, mean_months, median_months, matched, unmatched
FROM months_behind_summary;

CREATE VIEW v_price_blended AS
SELECT source, provider, model, tier, model_id, openness, input_per_mtok, output_per_mtok, blended_price,
       valid_from, valid_to
FROM price_blended;

CREATE VIEW v_price_index AS
SELECT date, openness_group, quality_tier, index_value, models
FROM price_index;

CREATE VIEW v_price_moves AS
SELECT provider, model, source, tier, from_date, to_date, before_blended, after_blended, change_pct
FROM price_moves;

CREATE VIEW v_price_frontier AS
SELECT date, model, quality_score, blended_price, on_frontier
FROM price_frontier;

CREATE VIEW v_tco_scenarios AS
SELECT scenario, option, model, monthly_tokens, input_share, monthly_cost_low, monthly_cost_high, per_mtok_low,
       providers, crossover_tokens_per_month, assumptions
FROM tco_scenarios;
