-- The per-outcome hooks a batch deferred (a whole collection, a backfill): identity once, then change detection
-- per snapshot, at the batch's end. Written in the same transaction as each snapshot's run and deleted with the
-- events' own commit, so a process killed in between leaves the debt on record; the next command or service
-- start re-reads each snapshot's diff from its interval bounds and detects its events then. An accepted run here
-- also owes the derive stage (`pending_derive` is not written for a batch that defers its events).
CREATE TABLE pending_events (
    run_id      BIGINT NOT NULL,   -- no key: an index costs every insert milliseconds
    source      VARCHAR NOT NULL,
    observed_at TIMESTAMP NOT NULL,
    status      VARCHAR NOT NULL,   -- ok | failed | rejected: what the detectors are run for
    noted_at    TIMESTAMP NOT NULL
);
