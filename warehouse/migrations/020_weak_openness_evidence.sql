-- Weak openness evidence (rank 6): the curated list of families whose maker publishes no weights
-- (warehouse/identity/closed_families.toml) and a leaderboard's missing open-weights mark. Any licence or weights
-- evidence overrides it, so it is no conflict with them: v_openness_conflicts leaves rank 6 out.
CREATE OR REPLACE VIEW v_openness_conflicts AS
WITH e AS (
    SELECT * FROM openness_evidence WHERE model_id IS NOT NULL AND openness <> 'unknown' AND rank <= 5
), per_source AS (
    SELECT model_id, source, bool_or(openness <> 'closed') AS says_open FROM e GROUP BY model_id, source
), open_vs_closed AS (
    SELECT model_id FROM per_source GROUP BY model_id HAVING count(DISTINCT says_open) > 1
), grades AS (
    SELECT model_id FROM e GROUP BY model_id
    HAVING count(DISTINCT openness) FILTER (WHERE rank <= 3) > 1
        OR count(DISTINCT least(openness_order(openness), 3)) FILTER (WHERE rank <= 4) > 1
)
SELECT m.model_id, m.openness AS decided,
       list(DISTINCT e.openness ORDER BY e.openness) AS classes,
       to_json(list({'source': e.source, 'name': e.source_model, 'kind': e.kind, 'value': e.value,
                     'openness': e.openness} ORDER BY e.rank, e.source, e.source_model)) AS evidence
FROM e JOIN model m ON m.model_id = e.model_id
WHERE e.model_id IN (SELECT model_id FROM open_vs_closed UNION SELECT model_id FROM grades)
GROUP BY m.model_id, m.openness;
