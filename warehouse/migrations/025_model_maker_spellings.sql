-- A model's maker matched on its organisation's letters and digits ("Google DeepMind" is `google-deepmind`, "Z.AI"
-- `zai`, "DeepSeek AI" `deepseek-ai`), and by the start of its id when its organisation names no maker: sources
-- spell makers their own way, and SWE-bench's organisation is the team that ran the agent ("Moatless Tools" on
-- `deepseek-chat`, "GUIRepair" on `gpt-4o-2024-08-06`). Before, either left the model without a maker, and its
-- maker's own price was judged a grey market's.
CREATE OR REPLACE VIEW v_model_maker AS
WITH by_organization AS (
    SELECT m.model_id, arg_min(k.maker, k.position) AS maker
    FROM model m
    JOIN price_maker k
      ON k.match = 'organization'
     AND regexp_replace(k.pattern, '[^a-z0-9]', '', 'g') = regexp_replace(lower(m.organization), '[^a-z0-9]', '', 'g')
    GROUP BY m.model_id
)
SELECT model_id, maker FROM by_organization
UNION ALL
SELECT m.model_id, arg_min(k.maker, k.position) AS maker
FROM model m
JOIN price_maker k ON k.match = 'prefix' AND starts_with(lower(m.model_id), k.pattern)
WHERE m.model_id NOT IN (SELECT model_id FROM by_organization)
GROUP BY m.model_id;

-- The derived tables keep the maker each name had when they were computed (`transform_names`, which sets a
-- listing's role): this makes the next derive compare them with this view and recompute the names that moved.
UPDATE transform_state SET value = 'v_model_maker rewritten (migration 025)' WHERE name = 'identity';
