-- The headline rule reads freshness and bounds unknown openness (issue 24):
-- * headline_preference.lag_days: how much older than the freshest qualifying board a preferred board's newest
--   data may be and still head the capability (the capability map's `[headline] lag_days`);
-- * gap_headline: the row's data date and age, a stale mark, and the bound a model of unknown openness puts on it.
ALTER TABLE headline_preference ADD COLUMN lag_days INTEGER DEFAULT 60;

ALTER TABLE gap_headline ADD COLUMN data_date DATE;              -- the board's newest data (publish date, else change)
ALTER TABLE gap_headline ADD COLUMN age_days INTEGER;            -- days from data_date to the warehouse's newest data
ALTER TABLE gap_headline ADD COLUMN stale BOOLEAN;               -- age_days > the lag: no fresher board could answer
ALTER TABLE gap_headline ADD COLUMN unknown_model VARCHAR;       -- top model of unknown openness above the best open
ALTER TABLE gap_headline ADD COLUMN unknown_score DOUBLE;
ALTER TABLE gap_headline ADD COLUMN gap_if_unknown_open DOUBLE;  -- the gap were unknown_model open
ALTER TABLE gap_headline ADD COLUMN gap_if_unknown_closed DOUBLE;  -- the gap were it closed

CREATE OR REPLACE VIEW v_gap_headline AS
SELECT definition, capability, board, best_open_model, best_open_score, best_closed_model, best_closed_score,
       gap_abs, gap_rel, as_of, note, data_date, age_days, stale, unknown_model, unknown_score,
       gap_if_unknown_open, gap_if_unknown_closed
FROM gap_headline;
