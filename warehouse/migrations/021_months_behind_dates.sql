-- Months behind dates a model by its release where a source gives one (else by the board's first listing),
-- and says which date each row uses: `release_date` or `listing`.
ALTER TABLE months_behind ADD COLUMN closed_date_basis VARCHAR;
ALTER TABLE months_behind ADD COLUMN open_date_basis VARCHAR;

CREATE OR REPLACE VIEW v_months_behind AS
SELECT definition, capability, board, closed_model, closed_date, closed_score, open_model, open_date, months_behind,
       closed_date_basis, open_date_basis
FROM months_behind;

-- The tables were computed by first listing: recompute them all at the next derive.
DELETE FROM transform_state;
