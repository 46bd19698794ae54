-- Change events (what shifted in the market, detected inside the ingest transaction) and alert deliveries.
-- event_key is a hash of kind, source, entity, before, after and the validity time (observed_at), never of
-- the detection time: re-running a collection, a reparse or a backfill re-derives the same key and inserts
-- nothing (INSERT ... ON CONFLICT DO NOTHING).

CREATE TABLE change_event (
    event_key   VARCHAR PRIMARY KEY,
    kind        VARCHAR NOT NULL,   -- new_leader | open_overtakes_closed | ... (see docs/readme/70-alerts.md)
    entity      VARCHAR NOT NULL,   -- what changed, e.g. `lmarena-text/overall` or `openrouter/deepseek/...`
    source      VARCHAR,            -- the source whose collection revealed it (NULL for cross-source events)
    before      JSON,
    after       JSON,
    magnitude   DOUBLE,             -- kind-specific size: % for prices, score points for boards, ...
    evidence    VARCHAR[],          -- sha256 of the raw documents that show it
    observed_at TIMESTAMP NOT NULL, -- when it became true (the collection's observed_at)
    detected_at TIMESTAMP NOT NULL, -- when gapwatch noticed (wall clock)
    backfill    BOOLEAN NOT NULL DEFAULT false
);

-- One row per attempt to send one event to one channel. A (event_key, channel) with a `sent` row is done.
CREATE TABLE alert_delivery (
    event_key    VARCHAR NOT NULL,
    channel      VARCHAR NOT NULL,
    attempt      INTEGER NOT NULL,
    status       VARCHAR NOT NULL,  -- sent | failed
    error        VARCHAR,
    attempted_at TIMESTAMP NOT NULL
);

-- The last gap per (definition, capability, board) the detector saw, to tell when it crosses a threshold.
CREATE TABLE change_gap_state (
    definition  VARCHAR NOT NULL,
    capability  VARCHAR NOT NULL,
    board       VARCHAR NOT NULL,
    gap_abs     DOUBLE,
    as_of       TIMESTAMP,
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (definition, capability, board)
);

-- The last licence and openness per canonical model the detector saw (the `model` table keeps no history).
CREATE TABLE change_model_state (
    model_id    VARCHAR PRIMARY KEY,
    license_id  VARCHAR,
    openness    VARCHAR,
    recorded_at TIMESTAMP NOT NULL
);

CREATE VIEW v_changes AS
SELECT e.event_key, e.kind, e.entity, e.source, e.before, e.after, e.magnitude, e.evidence, e.observed_at,
       e.detected_at, e.backfill,
       (SELECT list(DISTINCT d.channel ORDER BY d.channel) FROM alert_delivery d
         WHERE d.event_key = e.event_key AND d.status = 'sent') AS delivered_to
FROM change_event e
ORDER BY e.observed_at DESC, e.detected_at DESC, e.event_key;
