-- What the app reads precomputed, and a publish that only bumps the snapshot version when the data changed.

-- Openness of the top 10 models of the main general board, on the price index's grid of days (transforms).
CREATE TABLE openness_top (
    capability VARCHAR NOT NULL,
    board      VARCHAR NOT NULL,
    date       DATE NOT NULL,
    openness   VARCHAR NOT NULL,
    models     BIGINT NOT NULL
);

CREATE VIEW v_openness_top AS
SELECT capability, board, date, openness, models
FROM openness_top;

-- A digest of the published data (row counts and closed intervals of the fact, identity, change and transform
-- tables): a publish with the same digest keeps the previous version number.
ALTER TABLE publish_log ADD COLUMN fingerprint VARCHAR;
