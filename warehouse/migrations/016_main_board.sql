-- The main-board rule once in SQL (per capability), the top N the transforms rank on it, and what a licence
-- term is as a column instead of a pattern on its rule text.

-- A capability's main board: its headline board under the open-weights definition. The general row is *the*
-- main board every board-wide figure reads; the transforms state the same rule once in Python
-- (warehouse/transforms/main_board.py). Replaces migration 010's general-only view (applied migrations stay as
-- they were).
CREATE OR REPLACE VIEW v_main_board AS
SELECT capability, board, as_of, note FROM gap_headline
WHERE definition = 'open-weights' AND board IS NOT NULL;

-- The top N distinct models of the reference board (the main board first) on the as-of day, ranked by the
-- transforms: the Landscape's open share and cheapest of the top N. v_openness_top counts the same ranking
-- on a grid of days.
CREATE TABLE main_board_top (
    capability VARCHAR NOT NULL,
    board      VARCHAR NOT NULL,
    date       DATE NOT NULL,      -- the as-of day the ranking describes
    rank       BIGINT NOT NULL,    -- 1 = best; ties alphabetical
    model      VARCHAR NOT NULL,   -- the model_id where identity matched one, else the board's own name
    model_id   VARCHAR,
    openness   VARCHAR NOT NULL,
    score      DOUBLE NOT NULL
);

CREATE VIEW v_main_board_top AS
SELECT capability, board, date, rank, model, model_id, openness, score FROM main_board_top;

-- What a licence term is: licence (a licence name, id or label, or a manual entry), accessibility (an access
-- category such as Epoch's, weaker evidence than a licence), none (states no licence). Terms classified before
-- this column existed are translated once from the rule that classified them (warehouse/identity/openness.py).
ALTER TABLE license_term ADD COLUMN kind VARCHAR NOT NULL DEFAULT 'licence';
UPDATE license_term SET kind = CASE WHEN rule LIKE 'Epoch:%' THEN 'accessibility'
                                    WHEN rule = 'no licence stated' THEN 'none' ELSE 'licence' END;

CREATE OR REPLACE VIEW v_license_unclassified AS
SELECT t.term, t.rule FROM license_term t WHERE t.openness = 'unknown' AND t.kind <> 'none';
