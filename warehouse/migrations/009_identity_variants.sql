-- Identity: variants, time-aware aliases, declared key aliases, and openness by evidence strength.
-- model_name_key.variant: the serving or reasoning variant a name selects (`fp8`, `turbo`, `high`,
-- `reasoner`); names that differ only by it are one model (v_model_names.variant shows it).
ALTER TABLE model_name_key ADD COLUMN variant VARCHAR;

-- Aliases file `[[alias]] key = …`: every name whose normalised key is `key` is the model `model_id`, from
-- `valid_from` on (NULL: always). Several entries for one key make a time-aware alias.
CREATE TABLE manual_key_alias (
    key        VARCHAR NOT NULL,
    model_id   VARCHAR NOT NULL,
    valid_from TIMESTAMP,
    note       VARCHAR
);

-- Which model a name meant over time: an undated or `-latest` name is the dated snapshot in force then.
-- One row per (name, interval); valid_from NULL = since always, valid_to NULL = still in force. Names whose
-- model never changes have one row with both NULL. model_alias holds the interval in force now.
CREATE TABLE model_alias_interval (
    source       VARCHAR NOT NULL,
    source_model VARCHAR NOT NULL,
    model_id     VARCHAR NOT NULL,
    valid_from   TIMESTAMP,
    valid_to     TIMESTAMP,
    method       VARCHAR NOT NULL,
    confidence   DOUBLE NOT NULL
);

CREATE OR REPLACE VIEW v_model_names AS
WITH names AS (
    SELECT source, model FROM price
    UNION SELECT source, model FROM leaderboard_score
    UNION SELECT source, model FROM source_model
), own AS (
    SELECT source, source_model, arg_min(openness, evidence_order(rank, openness)) AS openness
    FROM openness_evidence WHERE openness <> 'unknown'
    GROUP BY source, source_model
)
SELECT n.source, n.model AS source_model, a.model_id, a.method, a.confidence,
       coalesce(nullif(m.openness, 'unknown'), own.openness, 'unknown') AS openness, k.variant
FROM names n
LEFT JOIN model_alias a ON a.source = n.source AND a.source_model = n.model
LEFT JOIN model_name_key k ON k.source = n.source AND k.source_model = n.model
LEFT JOIN model m ON m.model_id = a.model_id
LEFT JOIN own ON own.source = n.source AND own.source_model = n.model;

-- The alias in force at any time: join a fact on (source, model) = (source, source_model) and
-- fact.valid_from >= coalesce(valid_from, '-infinity') AND fact.valid_from < coalesce(valid_to, 'infinity').
CREATE OR REPLACE VIEW v_model_names_history AS
SELECT i.source, i.source_model, i.model_id, i.valid_from, i.valid_to, i.method, i.confidence, k.variant
FROM model_alias_interval i
LEFT JOIN model_name_key k ON k.source = i.source AND k.source_model = i.source_model;

-- Merges made by a weaker rule than normalisation (an implied instruct model, an undated name resolved to a
-- snapshot, a catalogue's Hugging Face repo): `gapwatch models conflicts` lists them for review.
CREATE OR REPLACE VIEW v_low_confidence_aliases AS
SELECT a.model_id, a.source, a.source_model, a.method, a.confidence, k.variant, k.key AS normalised
FROM model_alias a LEFT JOIN model_name_key k ON k.source = a.source AND k.source_model = a.source_model
WHERE a.method IN ('snapshot', 'snapshot in force', 'implied instruct', 'thinking mode') OR a.confidence < 0.85;

-- Evidence rank (lower decides): 0 manual, 1 the maker's own artefacts (its Hugging Face repo licence, and the
-- terms a derivative inherits from its base), 2 curated lists (a catalogue's licence field), 3 leaderboard
-- licence columns (any leaderboard_score.license), 4 accessibility categories (Epoch), 5 bare open_weights
-- flags. Within a rank the most restrictive class wins, except that among bare flags "weights published"
-- beats "not open weights" (resellers' entries for hosted open models often say false).
CREATE OR REPLACE MACRO evidence_order(rank, cls) AS
    rank * 10 + CASE WHEN rank = 5 AND cls = 'closed' THEN 8 ELSE openness_order(cls) END;

CREATE OR REPLACE VIEW v_openness_conflicts AS
WITH e AS (
    SELECT * FROM openness_evidence WHERE model_id IS NOT NULL AND openness <> 'unknown'
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
