-- Where a fetch really ended up, and how long the server asked us to stay away.
ALTER TABLE fetch_log ADD COLUMN final_url VARCHAR;      -- after redirects (NULL: the URL itself)
ALTER TABLE fetch_log ADD COLUMN retry_after_s DOUBLE;   -- Retry-After of a final 429/503, honoured by the schedule

-- Rows of an accepted document that failed validation (negative or non-numeric price, above the per-row cap,
-- empty id): their facts keep the previous interval, as the price jump guard does, and raise no removal.
ALTER TABLE collection_run ADD COLUMN rows_held INTEGER;
ALTER TABLE collection_run ADD COLUMN held_back VARCHAR[];  -- what was held back and why (first few)

-- The derive stage a batch (backfill, reparse) owes: written in the same transaction as each accepted snapshot
-- and deleted with the derive stage's own commit, so a process killed in between leaves the debt on record and
-- the next command or service start pays it (derive, then publish).
CREATE TABLE pending_derive (
    id          INTEGER PRIMARY KEY,   -- always 1: one debt, for the last accepted snapshot
    source      VARCHAR NOT NULL,
    observed_at TIMESTAMP NOT NULL,
    run_id      BIGINT,
    noted_at    TIMESTAMP NOT NULL
);
