-- The headline gap table: per definition of open and capability, one board chosen by the capability map's
-- ordered [headline] preferences (loaded with the map on every ingest), rewritten by the transforms.

CREATE TABLE headline_preference (
    capability VARCHAR NOT NULL,   -- one of the six
    position   INTEGER NOT NULL,   -- 1 = preferred
    board      VARCHAR NOT NULL    -- board name or glob, lower-case
);

CREATE TABLE gap_headline (
    definition        VARCHAR NOT NULL,   -- open-source | open-weights
    capability        VARCHAR NOT NULL,
    board             VARCHAR,            -- NULL: no board qualified (the note says why)
    best_open_model   VARCHAR,
    best_open_score   DOUBLE,
    best_closed_model VARCHAR,
    best_closed_score DOUBLE,
    gap_abs           DOUBLE,             -- best closed − best open (positive: closed leads)
    gap_rel           DOUBLE,             -- gap_abs / |best_closed_score|
    as_of             TIMESTAMP,          -- observation time of the snapshot holding the scores
    note              VARCHAR NOT NULL    -- which board and why
);

CREATE VIEW v_gap_headline AS
SELECT definition, capability, board, best_open_model, best_open_score, best_closed_model, best_closed_score,
       gap_abs, gap_rel, as_of, note
FROM gap_headline;

-- The one main board every board-wide figure reads (open share of the top 10, cheapest of the top 10, the
-- licence mix): the general capability's headline board under the open-weights definition.
CREATE VIEW v_main_board AS
SELECT board, as_of, note FROM gap_headline
WHERE capability = 'general' AND definition = 'open-weights' AND board IS NOT NULL;

-- Months behind summarised per capability on its headline board only (v_months_behind_summary mixes boards).
CREATE VIEW v_months_behind_headline AS
SELECT h.definition, h.capability, h.board,
       avg(m.months_behind) AS mean_months,
       median(m.months_behind) AS median_months,
       count(m.months_behind) AS matched,
       count(m.closed_model) - count(m.months_behind) AS unmatched
FROM gap_headline h
LEFT JOIN months_behind m ON m.definition = h.definition AND m.capability = h.capability AND m.board = h.board
WHERE h.board IS NOT NULL
GROUP BY h.definition, h.capability, h.board;
