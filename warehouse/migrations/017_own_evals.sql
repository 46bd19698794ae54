-- Own evaluations (source `own_evals`, boards `own-<evaluation>`): best open vs best closed per own board and
-- category, as of now. Open = weights published (any `open-*` class, the "open-weights" definition); a model of
-- unknown openness is on neither side and is listed in `unknown_models` (declare it in the aliases file).
CREATE VIEW v_own_gap AS
WITH current_scores AS (
    SELECT s.board, s.category, coalesce(n.model_id, s.model) AS model, s.score, s.valid_from,
           coalesce(n.openness, 'unknown') AS openness
    FROM leaderboard_score s
    LEFT JOIN v_model_names n ON n.source = s.source AND n.source_model = s.model
    WHERE s.source = 'own_evals' AND s.valid_to IS NULL
),
sided AS (
    SELECT *, CASE WHEN openness LIKE 'open-%' THEN 'open' WHEN openness = 'closed' THEN 'closed' END AS side
    FROM current_scores
),
boards AS (
    SELECT board, category, max(valid_from) AS as_of,
           list(DISTINCT model ORDER BY model) FILTER (WHERE side IS NULL) AS unknown_models
    FROM sided GROUP BY board, category
),
best AS (
    SELECT board, category, side, arg_max(model, score) AS model, max(score) AS score
    FROM sided WHERE side IS NOT NULL GROUP BY board, category, side
)
SELECT b.board, b.category,
       o.model AS best_open_model, o.score AS best_open_score,
       c.model AS best_closed_model, c.score AS best_closed_score,
       c.score - o.score AS gap_abs, b.as_of, coalesce(b.unknown_models, []) AS unknown_models
FROM boards b
LEFT JOIN best o ON o.board = b.board AND o.category = b.category AND o.side = 'open'
LEFT JOIN best c ON c.board = b.board AND c.category = b.category AND c.side = 'closed';
