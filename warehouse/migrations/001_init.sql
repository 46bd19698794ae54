-- Foundation: raw documents, fetch and run logs, and the first fact tables kept as history.
-- Times are naive TIMESTAMPs in UTC. A fact row is true from valid_from (inclusive) to valid_to
-- (exclusive); valid_to IS NULL means "still true as of the source's last collection".

CREATE TABLE raw_document (
    sha256        VARCHAR PRIMARY KEY,
    size_bytes    BIGINT NOT NULL,
    stored_bytes  BIGINT NOT NULL,
    content_type  VARCHAR,
    first_url     VARCHAR,
    first_seen_at TIMESTAMP NOT NULL
);

CREATE SEQUENCE fetch_log_id;
CREATE TABLE fetch_log (
    id            BIGINT DEFAULT nextval('fetch_log_id'),
    source        VARCHAR NOT NULL,
    url           VARCHAR NOT NULL,
    fetched_at    TIMESTAMP NOT NULL,
    status        INTEGER,
    etag          VARCHAR,
    last_modified VARCHAR,
    bytes         BIGINT,
    sha256        VARCHAR,
    duration_ms   INTEGER,
    attempts      INTEGER,
    outcome       VARCHAR NOT NULL,   -- new | same | not_modified | error
    error         VARCHAR
);

CREATE SEQUENCE collection_run_id;
CREATE TABLE collection_run (
    run_id        BIGINT DEFAULT nextval('collection_run_id'),
    source        VARCHAR NOT NULL,
    observed_at   TIMESTAMP NOT NULL,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP NOT NULL,
    status        VARCHAR NOT NULL,   -- ok | unchanged | failed | rejected
    documents     VARCHAR[],          -- sha256 of each document the run judged
    rows_parsed   INTEGER,
    rows_skipped  INTEGER,
    added         INTEGER,
    changed       INTEGER,
    removed       INTEGER,
    error         VARCHAR,
    trigger       VARCHAR             -- cli | schedule | backfill | reparse
);

CREATE TABLE source_schedule (
    source      VARCHAR PRIMARY KEY,
    next_run_at TIMESTAMP,
    updated_at  TIMESTAMP
);

CREATE TABLE publish_log (
    version      INTEGER NOT NULL,
    published_at TIMESTAMP NOT NULL
);

CREATE TABLE price (
    source               VARCHAR NOT NULL,
    provider             VARCHAR NOT NULL,
    model                VARCHAR NOT NULL,
    tier                 VARCHAR NOT NULL,
    input_per_mtok       DOUBLE,
    output_per_mtok      DOUBLE,
    cache_read_per_mtok  DOUBLE,
    cache_write_per_mtok DOUBLE,
    currency             VARCHAR NOT NULL,
    valid_from           TIMESTAMP NOT NULL,
    valid_to             TIMESTAMP,
    evidence_sha256      VARCHAR
);

CREATE TABLE source_model (
    source          VARCHAR NOT NULL,
    model           VARCHAR NOT NULL,
    name            VARCHAR,
    organization    VARCHAR,
    hugging_face_id VARCHAR,
    context_length  BIGINT,
    released        DATE,
    open_weights    BOOLEAN,
    license         VARCHAR,
    valid_from      TIMESTAMP NOT NULL,
    valid_to        TIMESTAMP,
    evidence_sha256 VARCHAR
);

CREATE TABLE leaderboard_score (
    source          VARCHAR NOT NULL,
    board           VARCHAR NOT NULL,
    category        VARCHAR NOT NULL,
    model           VARCHAR NOT NULL,
    score           DOUBLE NOT NULL,
    score_unit      VARCHAR NOT NULL,
    rank            INTEGER,
    ci_low          DOUBLE,
    ci_high         DOUBLE,
    votes           BIGINT,
    publish_date    DATE,
    organization    VARCHAR,
    license         VARCHAR,
    valid_from      TIMESTAMP NOT NULL,
    valid_to        TIMESTAMP,
    evidence_sha256 VARCHAR
);

CREATE VIEW v_prices_current AS
SELECT source, provider, model, tier, input_per_mtok, output_per_mtok, cache_read_per_mtok,
       cache_write_per_mtok, currency, valid_from AS since, evidence_sha256
FROM price WHERE valid_to IS NULL;

CREATE VIEW v_price_history AS
SELECT source, provider, model, tier, input_per_mtok, output_per_mtok, cache_read_per_mtok,
       cache_write_per_mtok, currency, valid_from, valid_to, evidence_sha256
FROM price;

CREATE VIEW v_scores_current AS
SELECT source, board, category, model, score, score_unit, rank, ci_low, ci_high, votes, publish_date,
       organization, license, valid_from AS since, evidence_sha256
FROM leaderboard_score WHERE valid_to IS NULL;

CREATE VIEW v_leaders_current AS
SELECT * FROM v_scores_current
QUALIFY score = max(score) OVER (PARTITION BY source, board, category);

CREATE VIEW v_source_runs AS
SELECT * FROM collection_run;
