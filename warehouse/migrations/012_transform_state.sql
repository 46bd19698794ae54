-- Incremental transforms: what the derive stage needs to recompute only what an ingest touched.
-- transform_pending collects, inside each ingest's transaction, the fact keys its diff touched; the derive stage
-- consumes it. transform_state remembers what the transform tables were last computed from (as_of, settings,
-- identity, capability map, the price grid's first day): when one of them differs, everything is recomputed.
-- transform_quality and transform_quality_tier keep the reference-board quality the price tables read, so a
-- price change does not re-read every score.

CREATE TABLE transform_pending (
    fact  VARCHAR NOT NULL,     -- price | leaderboard_score
    scope VARCHAR[] NOT NULL,   -- price: [source, provider, model, tier]; leaderboard_score: [board]
    day   DATE NOT NULL         -- the day the fact changed on (its observed_at)
);

CREATE TABLE transform_state (
    name  VARCHAR PRIMARY KEY,
    value VARCHAR
);

CREATE TABLE transform_quality (
    model_id VARCHAR NOT NULL,
    openness VARCHAR NOT NULL,
    score    DOUBLE NOT NULL,
    start    DATE NOT NULL,
    "end"    DATE
);

CREATE TABLE transform_quality_tier (
    model_id     VARCHAR NOT NULL,
    quality_tier VARCHAR NOT NULL     -- top | middle | bottom
);

-- The canonical model and openness of every name identity knows (an alias or openness evidence), as the
-- transform tables were last computed with: a name whose verdict moved is recomputed like a touched fact.
CREATE TABLE transform_names (
    source       VARCHAR NOT NULL,
    source_model VARCHAR NOT NULL,
    model_id     VARCHAR,
    openness     VARCHAR NOT NULL
);
