-- Run by refresh_identity after new names were keyed: resolve every name to a model, collect openness
-- evidence, and bring the model table up to date. Set-based over all names; the new state is computed into
-- temp tables and only rows that differ are written (rewriting thousands of primary-keyed rows per ingest
-- costs far more than comparing them).

-- 1. Aliases. A key is a known model when a catalogue (source_model, or a Hugging Face repo a catalogue
--    links to) names it, when two different sources name it, or when the aliases file declares it.
--    A catalogue entry whose Hugging Face repo has another key is redirected to the repo's key, so
--    `mistralai/devstral-2512` joins `mistralai/Devstral-2-123B-Instruct-2512`.
CREATE OR REPLACE TEMP TABLE _keyed AS
WITH cat AS (
    SELECT DISTINCT source, model FROM source_model
), repo AS (
    SELECT source, model, arg_max(hugging_face_id, valid_from) AS repo
    FROM source_model WHERE hugging_face_id IS NOT NULL GROUP BY source, model
), redirect AS (
    SELECT k.key AS from_key, min(h.key) AS to_key
    FROM model_name_key k
    JOIN repo r ON r.source = k.source AND r.model = k.source_model
    JOIN model_name_key h ON h.source = '@hugging_face' AND h.source_model = r.repo
    WHERE h.key <> k.key
    GROUP BY k.key
)
SELECT k.source, k.source_model, coalesce(d.to_key, k.key) AS key, k.key AS own_key,
       CASE WHEN d.to_key IS NULL THEN k.version END AS version,
       CASE WHEN d.to_key IS NULL THEN k.family ELSE d.to_key END AS family,
       CASE WHEN d.to_key IS NULL THEN k.method ELSE 'rule' END AS method,
       CASE WHEN d.to_key IS NULL THEN k.confidence ELSE 0.9 END AS confidence,
       (c.source IS NOT NULL OR k.source = '@hugging_face') AS catalogue,
       -- weights published under this very name: a Hugging Face repo id (`Org/Model-Name`, case kept)
       (k.source = '@hugging_face' OR regexp_matches(k.source_model, '/[^/]*[A-Z][^/]*$')) AS repo_name
FROM model_name_key k
LEFT JOIN redirect d ON d.from_key = k.key
LEFT JOIN cat c ON c.source = k.source AND c.model = k.source_model;

CREATE OR REPLACE TEMP TABLE _known AS
SELECT key FROM _keyed GROUP BY key HAVING count(DISTINCT source) >= 2 OR bool_or(catalogue)
UNION SELECT model_id FROM manual_model
UNION SELECT model_id FROM manual_key_alias;

-- Keys a price list prices under the maker's own API (Google's `gemini-3-pro-preview` through the Gemini API and
-- Vertex AI): what the maker calls the model it sells. The maker is the one whose model prefix starts the key. A
-- leaderboard quoting the maker's price beside its own name for the model (arena-catalog's `gemini-3-pro`) is not.
-- Only the names the rule below asks about are looked up: previews, and the same keys without the stage.
CREATE OR REPLACE TEMP TABLE _maker_listed AS
WITH asked AS (
    SELECT k.source, k.source_model, k.key, k.family FROM _keyed k
    WHERE k.source NOT IN (SELECT source FROM source_info WHERE kind = 'leaderboard')
      AND (k.family LIKE '%-preview' OR k.key IN (SELECT regexp_replace(family, '-preview$', '') FROM _keyed
                                                  WHERE family LIKE '%-preview'))
), listed AS (
    SELECT DISTINCT a.key, a.family, coalesce(pa.provider, lower(p.provider)) AS provider
    FROM price p JOIN asked a ON a.source = p.source AND a.source_model = p.model
    LEFT JOIN price_provider_alias pa ON pa.alias = lower(p.provider)
)
SELECT DISTINCT l.key, l.family
FROM listed l
JOIN price_maker_provider mp ON mp.provider = l.provider
JOIN price_maker m ON m.maker = mp.maker AND m.match = 'prefix' AND starts_with(l.key, m.pattern);

-- Names of one model that another rule can tell only from the whole name table:
-- * a sized name without an instruct marker whose `-instruct` model is known, when no weights are published
--   under it or under a versioned checkpoint of it, is a host's name for the instruct model
--   (`cerebras/llama-3.3-70b`); a published base checkpoint (`meta-llama/Meta-Llama-3-70B`,
--   `mistralai/Mixtral-8x7B-v0.1`) keeps its own model;
-- * a name without the release stage (Arena's `gemini-3-pro`, Databricks' `databricks-gemini-3-pro`) of a model
--   its maker sells only as a preview (`gemini-3-pro-preview`, or a dated `gemini-3-pro-preview-11-2025`) is that
--   preview, while the maker lists nothing under the name without the stage, the name has no dated snapshot of
--   its own and the preview is a known model: once the maker sells the release itself (Google's
--   `gemini-3.5-flash`), the name is that release;
-- * a name ending in `-thinking` (or `-reasoning`, where a `-non-reasoning` name of the model exists) whose
--   model without it is known, when no weights are published under that name, is that model's thinking mode
--   (`deepseek-v3.2-thinking`, `grok-4-fast-reasoning`); a separately released checkpoint
--   (`moonshotai/Kimi-K2-Thinking`, `microsoft/Phi-4-reasoning`) keeps its own.
CREATE OR REPLACE TEMP TABLE _instructed AS
WITH weights AS (
    SELECT key FROM _keyed WHERE repo_name
    UNION SELECT family FROM _keyed WHERE repo_name AND version IS NOT NULL
), names AS (
    SELECT DISTINCT key FROM _keyed WHERE key NOT IN (SELECT key FROM weights)
)
SELECT * FROM (
SELECT n.key, n.key || '-instruct' AS to_key, 'implied instruct' AS method
FROM names n JOIN _known kn ON kn.key = n.key || '-instruct'
WHERE regexp_matches(n.key, '-(\d+(\.\d+)?[bmk]|\d+x\d+b|a\d+b)$')
UNION ALL
SELECT n.key, kn.key, 'thinking mode'
FROM names n JOIN _known kn ON kn.key = regexp_replace(n.key, '-(thinking|reasoning)$', '')
WHERE n.key LIKE '%-thinking'
   -- `-reasoning` only where the vendor also sells the `-non-reasoning` mode of that model (Perplexity's
   -- `sonar-reasoning` is another model than `sonar`)
   OR (n.key LIKE '%-reasoning' AND EXISTS (SELECT 1 FROM model_name_key v
                                            WHERE v.key = kn.key AND v.variant = 'non-reasoning'))
UNION ALL
SELECT DISTINCT n.key, n.key || '-preview', 'release stage'
FROM names n JOIN _maker_listed p ON n.key || '-preview' IN (p.key, p.family)
WHERE n.key NOT IN (SELECT key FROM _maker_listed)
  AND (p.key IN (SELECT key FROM _known) OR p.family IN (SELECT key FROM _known))  -- never away to no model
  AND n.key NOT IN (SELECT family FROM _keyed WHERE version IS NOT NULL AND family <> key)
UNION ALL
-- a leaderboard's own catalogue that lists each model's display name beside its API name (Arena's scatterplot:
-- `Athene-v2-Chat-72B` / `athene-v2-chat`): a name spelled as the display name is that API name's model, when
-- the display name stands for one API name only and is not a model of its own
SELECT display_key, min(api_key), 'display name' FROM _display_names
WHERE display_key <> api_key AND display_key NOT IN (SELECT key FROM _known)
  AND api_key IN (SELECT key FROM _known)
GROUP BY display_key HAVING count(DISTINCT api_key) = 1
) QUALIFY row_number() OVER (PARTITION BY key ORDER BY method) = 1;

-- When each name was first seen, and whether only leaderboards name it under its source: a board scores one
-- checkpoint, the one its name meant when the board first listed it; a price list's name moves with the maker.
CREATE OR REPLACE TEMP TABLE _first_seen AS
SELECT source, model, min(valid_from) AS seen, bool_and(board) AS board_only FROM (
    SELECT source, model, valid_from, false AS board FROM price
    UNION ALL SELECT source, model, valid_from, true FROM leaderboard_score
    UNION ALL SELECT source, model, valid_from, false FROM source_model
) GROUP BY source, model;

-- Dated snapshots and when each appeared: its date when the version is one, else its first fact.
CREATE OR REPLACE TEMP TABLE _snapshot AS
WITH first_seen AS (SELECT source, model, seen FROM _first_seen),
family_seen AS (  -- when any name of a family (its undated name or a snapshot) was first seen
    SELECT k.family, min(f.seen) AS seen FROM _keyed k JOIN first_seen f ON f.source = k.source AND f.model = k.source_model
    GROUP BY k.family
),
-- an undated name and one snapshot of it named by different sources confirm each other (Arena's `Athene-70B` and
-- the catalogue's `athene-70b-0725`) when the family has that one snapshot only
pair_confirmed AS (
    SELECT family FROM _keyed WHERE version IS NOT NULL AND family <> key GROUP BY family
    HAVING count(DISTINCT key) = 1 AND EXISTS (
        SELECT 1 FROM _keyed u WHERE u.key = _keyed.family AND u.source <> '@hugging_face'
          AND u.source NOT IN (SELECT d.source FROM _keyed d WHERE d.family = _keyed.family AND d.version IS NOT NULL))
)
-- A snapshot only one source names that appeared after a snapshot several sources name (a slip such as
-- `anthropic/claude-4-sonnet-20250522`, another spelling such as Epoch's `GPT-4o mini-0718`) is no candidate:
-- new snapshots are confirmed as sources catch up, while old ones drop out of price lists (Arena's
-- `Command R+ (04-2024)` stays one). Nor is one first listed after such a snapshot and dated months before
-- anything of its family was seen: a slip (LiteLLM's `anthropic.claude-3-7-sonnet-20240620-v1:0` carries Claude
-- 3.5 Sonnet's date), where a board renaming its entry once the next snapshot arrives dates it near the family's
-- first sighting (Arena's `Command R (04-2024)`).
SELECT family, model_id, appeared, sources FROM (
    SELECT k.family, k.key AS model_id,
           least(min(CASE WHEN regexp_matches(k.version, '^20\d\d-\d\d$') THEN CAST(k.version || '-01' AS TIMESTAMP)
                          ELSE TRY_CAST(k.version AS TIMESTAMP) END), min(f.seen)) AS appeared,
           min(f.seen) AS seen, any_value(fs.seen) AS family_seen,
           count(DISTINCT k.source) FILTER (WHERE k.source <> '@hugging_face') AS sources
    FROM _keyed k
    LEFT JOIN first_seen f ON f.source = k.source AND f.model = k.source_model
    LEFT JOIN family_seen fs ON fs.family = k.family
    WHERE k.version IS NOT NULL AND k.family <> k.key
      AND (k.key IN (SELECT key FROM _known) OR k.family IN (SELECT key FROM _known)
           OR k.family IN (SELECT family FROM pair_confirmed))
    GROUP BY k.family, k.key
)
QUALIFY sources >= 2
     OR (coalesce(min(appeared) FILTER (WHERE sources >= 2) OVER (PARTITION BY family) > appeared, true)
         AND NOT coalesce(min(appeared) FILTER (WHERE sources >= 2) OVER (PARTITION BY family) <= seen
                          AND appeared < family_seen - INTERVAL 120 DAY, false));

-- A dated snapshot only one source names is still a model when its undated name is known: the two are one.
INSERT INTO _known SELECT model_id FROM _snapshot WHERE model_id NOT IN (SELECT key FROM _known);

-- A revision name is the maker's n-th dated snapshot: Vertex's `claude-3-5-sonnet-v2` is the second Claude 3.5
-- Sonnet, `claude-3-5-sonnet-20241022` (a `-v1` is an API version, not a revision).
INSERT INTO _instructed
WITH revised AS (
    SELECT DISTINCT key, regexp_extract(key, '^(.*)-v(\d+)$', 1) AS stem,
           CAST(regexp_extract(key, '-v(\d+)$', 1) AS INTEGER) AS nth
    FROM _keyed WHERE version IS NULL AND regexp_matches(key, '-v[2-9]$')
), dated AS (
    SELECT family, model_id, row_number() OVER (PARTITION BY family ORDER BY model_id) AS nth FROM _snapshot
    WHERE regexp_matches(model_id, '-20\d\d-\d\d-\d\d$')
)
SELECT r.key, d.model_id, 'revision' FROM revised r JOIN dated d ON d.family = r.stem AND d.nth = r.nth
WHERE r.key NOT IN (SELECT key FROM _instructed);

-- Every name's model over time. In order: a manual name alias; a declared key alias (time-aware when several);
-- an undated name with dated snapshots of its family, unless weights are published under it (then it is a
-- checkpoint of its own, e.g. `deepseek-ai/DeepSeek-V3` vs `deepseek-v3-0324`); else its known key.
CREATE OR REPLACE TEMP TABLE _interval AS
WITH named AS (
    SELECT k.source, k.source_model, k.own_key, coalesce(i.to_key, k.key) AS key,
           CASE WHEN i.to_key IS NULL THEN k.version END AS version,
           coalesce(i.method, k.method) AS method,
           CASE WHEN i.to_key IS NULL THEN k.confidence ELSE 0.8 END AS confidence
    FROM _keyed k LEFT JOIN _instructed i ON i.key = k.key
    WHERE k.source <> '@hugging_face'
), weights_named AS (
    SELECT key FROM _keyed GROUP BY key HAVING bool_or(repo_name)
), manual AS (
    SELECT n.source, n.source_model, m.model_id
    FROM named n JOIN manual_alias m ON m.name = n.source_model AND (m.source IS NULL OR m.source = n.source)
    QUALIFY row_number() OVER (PARTITION BY n.source, n.source_model ORDER BY m.source NULLS LAST, m.model_id) = 1
), declared_all AS (
    -- entries for the name's own key win over entries for the key a rule moved it to
    SELECT n.source, n.source_model, d.model_id, d.valid_from AS appeared, f.seen,
           coalesce(f.board_only, false) AS board_only
    FROM named n JOIN manual_key_alias d ON d.key IN (n.own_key, n.key)
    LEFT JOIN _first_seen f ON f.source = n.source AND f.model = n.source_model
    WHERE NOT EXISTS (SELECT 1 FROM manual m WHERE m.source = n.source AND m.source_model = n.source_model)
    QUALIFY dense_rank() OVER (PARTITION BY n.source, n.source_model ORDER BY d.key = n.own_key DESC) = 1
), declared AS (  -- a board's name: the declared entry in force when the board first listed it
    SELECT source, source_model, model_id, appeared, 'manual' AS method, 1.0 AS confidence
    FROM declared_all
    QUALIFY NOT board_only OR appeared IS NOT DISTINCT FROM
        max(appeared) FILTER (WHERE appeared <= seen) OVER (PARTITION BY source, source_model)
), candidates AS (
    SELECT n.source, n.source_model, n.key, s.model_id, s.appeared, f.seen, coalesce(f.board_only, false) AS board_only,
           max(s.appeared) FILTER (WHERE s.appeared <= f.seen)
               OVER (PARTITION BY n.source, n.source_model) AS in_force_when_seen,
           min(s.appeared) OVER (PARTITION BY n.source, n.source_model) AS first_appeared
    FROM named n JOIN _snapshot s ON s.family = n.key
    LEFT JOIN _first_seen f ON f.source = n.source AND f.model = n.source_model
    WHERE n.version IS NULL AND n.key NOT IN (SELECT key FROM weights_named)
), listed_undated AS (  -- when a price list or catalogue first listed each undated key: the model existed then
    SELECT k.key, min(f.seen) AS seen FROM _keyed k
    JOIN _first_seen f ON f.source = k.source AND f.model = k.source_model
    WHERE k.version IS NULL AND NOT f.board_only GROUP BY k.key
), anchored AS (
    -- a board's name: the snapshot in force when the board first listed it, for all time; when none had
    -- appeared yet, a known undated name is a model of its own (Arena's 2023 `Mistral Medium`), else the first
    SELECT * FROM candidates
    WHERE NOT board_only OR appeared = in_force_when_seen
       OR (in_force_when_seen IS NULL AND appeared = first_appeared AND key NOT IN (SELECT key FROM _known))
       -- unless no price list or catalogue listed the undated name before the first snapshot: then the board's
       -- date is its release, to which it added the model later (LiveBench dates its tables by release and adds
       -- models for months: `gpt-5.4` in the 2026-01-08 table is `gpt-5.4-2026-03-05`)
       OR (in_force_when_seen IS NULL AND appeared = first_appeared
           AND coalesce((SELECT l.seen FROM listed_undated l WHERE l.key = candidates.key) >= appeared, true))
), snap AS (
    SELECT n.source, n.source_model, s.model_id, s.appeared,
           CASE WHEN count(*) OVER w = 1 THEN 'snapshot' ELSE 'snapshot in force' END AS method,
           CASE WHEN count(*) OVER w = 1 THEN 0.9 ELSE 0.8 END AS confidence
    FROM anchored s JOIN named n ON n.source = s.source AND n.source_model = s.source_model
    WHERE NOT EXISTS (SELECT 1 FROM manual m WHERE m.source = n.source AND m.source_model = n.source_model)
      AND NOT EXISTS (SELECT 1 FROM declared d WHERE d.source = n.source AND d.source_model = n.source_model)
    WINDOW w AS (PARTITION BY n.source, n.source_model)
), timed AS (
    SELECT * FROM declared UNION ALL SELECT * FROM snap
), ordered AS (
    SELECT source, source_model, model_id, method, confidence,
           row_number() OVER (PARTITION BY source, source_model ORDER BY appeared NULLS FIRST, model_id) AS nth,
           appeared,
           lead(appeared) OVER (PARTITION BY source, source_model ORDER BY appeared NULLS FIRST, model_id) AS until
    FROM timed
)
SELECT source, source_model, model_id, CASE WHEN nth = 1 THEN NULL ELSE appeared END AS valid_from,
       until AS valid_to, method, confidence
FROM ordered
UNION ALL
SELECT source, source_model, model_id, NULL, NULL, 'manual', 1.0 FROM manual
UNION ALL
SELECT n.source, n.source_model, n.key, NULL, NULL, n.method, n.confidence
FROM named n JOIN _known kn ON kn.key = n.key
WHERE NOT EXISTS (SELECT 1 FROM manual m WHERE m.source = n.source AND m.source_model = n.source_model)
  AND NOT EXISTS (SELECT 1 FROM timed t WHERE t.source = n.source AND t.source_model = n.source_model);

DELETE FROM model_alias_interval;
INSERT INTO model_alias_interval SELECT * FROM _interval;

CREATE OR REPLACE TEMP TABLE _alias AS
SELECT source, source_model, model_id, method, confidence FROM _interval WHERE valid_to IS NULL
QUALIFY row_number() OVER (PARTITION BY source, source_model ORDER BY valid_from DESC NULLS LAST, model_id) = 1;
DROP TABLE _interval;
DROP TABLE _snapshot;
DROP TABLE _first_seen;
DROP TABLE _instructed;
DROP TABLE _maker_listed;
DROP TABLE _known;
DROP TABLE _keyed;

DELETE FROM model_alias AS a WHERE NOT EXISTS (
    SELECT 1 FROM _alias n WHERE n.source = a.source AND n.source_model = a.source_model
    AND n.model_id = a.model_id AND n.method = a.method AND n.confidence = a.confidence);
INSERT INTO model_alias SELECT n.* FROM _alias n
WHERE NOT EXISTS (SELECT 1 FROM model_alias a WHERE a.source = n.source AND a.source_model = n.source_model);
DROP TABLE _alias;

-- 2. Openness evidence, one row per fact about one name (latest value per name), with the model it backs.
DELETE FROM openness_evidence;
INSERT INTO openness_evidence
WITH lb AS (
    SELECT source, model, arg_max(license, valid_from) AS license
    FROM leaderboard_score WHERE license IS NOT NULL GROUP BY source, model
), sm AS (  -- from_hub: the source is the model hub (source_info), its rows are repositories
    SELECT s.source, s.model, arg_max(s.license, s.valid_from) AS license,
           arg_max(s.open_weights, s.valid_from) AS open_weights,
           arg_max(s.hugging_face_id, s.valid_from) AS hugging_face_id, coalesce(any_value(i.hub), false) AS from_hub,
           coalesce(any_value(i.labels_licences), false) AS labelled
    FROM source_model s LEFT JOIN source_info i ON i.source = s.source GROUP BY s.source, s.model
), hub AS (
    SELECT model AS repo, license FROM sm WHERE from_hub AND license IS NOT NULL
), facts AS (
    SELECT lb.source, lb.model, 'leaderboard licence' AS kind, lb.license AS value, t.openness, t.license_id,
           3 AS rank, t.rule
    FROM lb JOIN license_term t ON t.term = lb.license
    UNION ALL
    SELECT sm.source, sm.model,
           CASE WHEN sm.from_hub THEN 'hub licence' WHEN t.kind = 'accessibility' THEN 'accessibility'
                WHEN sm.labelled THEN 'leaderboard licence' ELSE 'catalogue licence' END,
           sm.license, t.openness, t.license_id,
           CASE WHEN sm.from_hub THEN 1 WHEN t.kind = 'accessibility' THEN 4 WHEN sm.labelled THEN 3 ELSE 2 END, t.rule
    FROM sm JOIN license_term t ON t.term = sm.license
    UNION ALL
    SELECT sm.source, sm.model, 'hub licence of ' || sm.hugging_face_id, hub.license, t.openness, t.license_id,
           1, t.rule
    FROM sm JOIN hub ON hub.repo = sm.hugging_face_id JOIN license_term t ON t.term = hub.license
    WHERE NOT sm.from_hub
    UNION ALL
    SELECT sm.source, sm.model, 'open_weights flag', CAST(sm.open_weights AS VARCHAR),
           CASE WHEN sm.open_weights THEN 'open-weights-restricted' ELSE 'closed' END, NULL, 5,
           CASE WHEN sm.open_weights THEN 'weights published, licence not stated (assume restrictions)'
                ELSE 'source says: not open weights' END
    FROM sm WHERE sm.open_weights IS NOT NULL AND NOT sm.from_hub
)
SELECT a.model_id, f.source, f.model, f.kind, f.value, f.openness, f.license_id, f.rank, f.rule
FROM facts f LEFT JOIN model_alias a ON a.source = f.source AND a.source_model = f.model;

-- An experimental checkpoint is open only with evidence of its own weights: a leaderboard's licence column names
-- the family's licence (Arena's `Llama` for `llama-4-maverick-03-26-experimental`, whose weights were never
-- published). Without a licence of its own repo, a curated list's or a published-weights flag for the model,
-- such a column says closed (kept visible with the reason). `preview` is not this class: previews are often the
-- release itself under an early name (Arena's `DBRX-Instruct-Preview`, `QwQ-32B-Preview`).
UPDATE openness_evidence AS e
SET openness = 'closed', license_id = NULL, kind = 'leaderboard licence of an unreleased checkpoint',
    rule = 'an experimental checkpoint is open only with evidence of its own weights; the column '
           || 'names its family''s licence (' || coalesce(e.rule, e.value) || ')'
WHERE e.kind = 'leaderboard licence' AND e.openness LIKE 'open-%'
  AND regexp_matches(lower(e.source_model), '(^|[-_ /(])(experimental|exp)([-_ )]|$)')
  AND NOT EXISTS (
      SELECT 1 FROM openness_evidence w
      WHERE (w.model_id = e.model_id OR (e.model_id IS NULL AND w.source = e.source AND w.source_model = e.source_model))
        AND w.openness LIKE 'open-%' AND (w.rank <= 2 OR w.kind = 'open_weights flag'));

-- A leaderboard whose own catalogue marks the open-weight models it lists (LiveBench's `openweight`) says, by
-- leaving the mark off, "not open weights": weak evidence (rank 6) that any licence or weights evidence overrides.
INSERT INTO openness_evidence
WITH flagging AS (
    SELECT s.source FROM source_model s JOIN source_info i ON i.source = s.source
    WHERE i.kind = 'leaderboard' AND s.open_weights GROUP BY s.source
), unflagged AS (
    SELECT s.source, s.model FROM source_model s JOIN flagging f ON f.source = s.source
    GROUP BY s.source, s.model HAVING bool_and(s.open_weights IS NULL)
)
SELECT a.model_id, u.source, u.model, 'no open-weights mark', 'openweight flag absent', 'closed', NULL, 6,
       'not open weights per ' || u.source || ' (it marks the open-weight models it lists)'
FROM unflagged u LEFT JOIN model_alias a ON a.source = u.source AND a.source_model = u.model;

-- A leaderboard licence column that only names the brand (`Qwen` for Qwen-Max-0919) is no licence of these
-- weights. When another snapshot of the same product line has positive closed evidence and nothing in the line
-- shows weights, the line is API-only: the name gets that closed evidence too (listed as a conflict).
INSERT INTO openness_evidence
WITH b AS (  -- brand-only labels that say open
    SELECT e.model_id, e.source, e.source_model, k.family
    FROM openness_evidence e JOIN model_name_key k ON k.source = e.source AND k.source_model = e.source_model
    WHERE e.kind = 'leaderboard licence' AND e.openness LIKE 'open-%'
      AND lower(trim(e.value)) = split_part(k.key, '-', 1)
), keyed AS (  -- evidence about every name of those product lines
    SELECT e.*, k.family
    FROM openness_evidence e JOIN model_name_key k ON k.source = e.source AND k.source_model = e.source_model
    WHERE k.family IN (SELECT family FROM b)
), line_closed AS (
    SELECT family, any_value(source) AS source, any_value(source_model) AS source_model, any_value(value) AS value
    FROM keyed WHERE openness = 'closed' AND rank <= 3 GROUP BY family
), line_weights AS (
    SELECT DISTINCT family FROM keyed WHERE openness LIKE 'open-%' AND rank <= 2
)
SELECT b.model_id, b.source, b.source_model, 'product line API-only',
       c.value || ' (' || c.source || ': ' || c.source_model || ')', 'closed', NULL, 3,
       'a brand label is not a licence; another snapshot of this line is API-only and none has weights'
FROM b JOIN line_closed c ON c.family = b.family
WHERE b.family NOT IN (SELECT family FROM line_weights)
  AND b.source_model <> c.source_model;

-- A derivative carries its base model's terms: a Gemma or Llama fine-tune by another organisation (Arena's
-- organisation column, or the repo owner in the name) whose own evidence says open is bound by the Gemma terms
-- or the Llama community licence (rank 1, so the stricter terms decide and the conflict with the card's own
-- licence is listed). The maker's own models are not derivatives: their licence is their own evidence.
INSERT INTO openness_evidence
WITH orgs AS (
    SELECT source, model, arg_max(organization, valid_from) AS organization
    FROM leaderboard_score WHERE organization IS NOT NULL GROUP BY source, model
), named AS (
    SELECT e.model_id, e.source, e.source_model, coalesce(e.model_id, k.key) AS key,
           lower(coalesce(o.organization, k.org_hint)) AS org
    FROM openness_evidence e
    LEFT JOIN model_name_key k ON k.source = e.source AND k.source_model = e.source_model
    LEFT JOIN orgs o ON o.source = e.source AND o.model = e.source_model
    WHERE e.openness LIKE 'open-%'
), bases AS (
    SELECT DISTINCT model_id, source, source_model,
           CASE WHEN regexp_matches(key, '(^|-)(code)?gemma(-|$|\d)') THEN 'gemma'
                ELSE 'llama' || regexp_extract(key, '(?:^|-)(?:code)?llama-?(\d(?:\.\d)?)', 1) END AS base
    FROM named
    WHERE (regexp_matches(key, '(^|-)(code)?gemma(-|$|\d)')
           AND org NOT IN ('google', 'google deepmind', 'deepmind'))
       OR (regexp_matches(key, '(^|-)(code)?llama-?[2-4]')
           AND org NOT IN ('meta', 'meta-llama', 'meta ai', 'facebook', 'codellama'))
)
SELECT model_id, source, source_model, 'base model terms', base, 'open-weights-restricted', base, 1,
       'a derivative carries its base model''s terms (' || base || ')'
FROM bases
UNION ALL
SELECT model_id, 'manual', model_id, 'aliases file', note, openness, license_id, 0, 'manual override'
FROM manual_model WHERE openness IS NOT NULL;

-- The maker publishes no weights for the model's family (closed_families.toml, with the maker's page and date;
-- `_closed_family_keys` holds the keys its patterns match): the weakest evidence (rank 6), for models and for
-- names that match no model.
INSERT INTO openness_evidence
WITH ids AS (
    SELECT DISTINCT model_id FROM model_alias UNION SELECT model_id FROM manual_model
), unmatched AS (
    SELECT k.source, k.source_model, k.key FROM model_name_key k
    ANTI JOIN model_alias a ON a.source = k.source AND a.source_model = k.source_model
    WHERE k.source NOT LIKE '@%'
), named AS (
    SELECT model_id, 'closed_families' AS source, model_id AS source_model, model_id AS key FROM ids
    UNION ALL SELECT NULL, source, source_model, key FROM unmatched
)
SELECT n.model_id, n.source, n.source_model, 'maker: no weights for the family', f.url, 'closed', NULL, 6,
       f.maker || ' publishes no weights for this family (' || f.url || ', as of ' || f.stated || ')'
FROM named n JOIN _closed_family_keys f ON f.key = n.key;

-- 3. Models: every aliased or declared model, its attributes and its decided openness.
CREATE OR REPLACE TEMP TABLE _model AS
WITH ids AS (
    SELECT DISTINCT model_id FROM model_alias UNION SELECT model_id FROM manual_model
), own AS (
    SELECT key, any_value(family) AS family, any_value(version) AS version FROM model_name_key GROUP BY key
), board_names AS (  -- one row per name, not per score interval: history must not weigh the vote
    SELECT source, model, mode(organization ORDER BY organization) AS organization FROM leaderboard_score
    WHERE organization IS NOT NULL GROUP BY source, model
), orgs AS (
    SELECT a.model_id, mode(s.organization ORDER BY s.organization) AS board_org
    FROM model_alias a JOIN board_names s ON s.source = a.source AND s.model = a.source_model
    GROUP BY a.model_id
), catalogue_names AS (
    SELECT source, model, mode(organization ORDER BY organization) AS organization, min(released) AS released FROM source_model
    GROUP BY source, model
), cats AS (
    SELECT a.model_id, mode(s.organization ORDER BY s.organization) AS cat_org, min(s.released) AS released
    FROM model_alias a JOIN catalogue_names s ON s.source = a.source AND s.model = a.source_model
    GROUP BY a.model_id
), hints AS (
    SELECT a.model_id, mode(k.org_hint ORDER BY k.org_hint) AS hint
    FROM model_alias a JOIN model_name_key k ON k.source = a.source AND k.source_model = a.source_model
    WHERE k.org_hint IS NOT NULL GROUP BY a.model_id
), weights AS (  -- evidence that weights of the model are published: a licence of its repo or a curated list's
    SELECT DISTINCT model_id FROM openness_evidence
    WHERE model_id IS NOT NULL AND openness LIKE 'open-%' AND kind <> 'base model terms' AND rank <= 2
), decided AS (
    -- evidence_order (migration 004), then a named licence id before none. Fully ordered, so the verdict
    -- never flips between refreshes (change detection alerts on flips). "closed" loses to weights evidence
    -- of the same model, however strong the closed evidence's rank.
    SELECT e.model_id, e.openness, e.license_id FROM openness_evidence e
    LEFT JOIN weights w ON w.model_id = e.model_id
    WHERE e.model_id IS NOT NULL AND e.openness <> 'unknown'
    QUALIFY row_number() OVER (PARTITION BY e.model_id
                               ORDER BY CASE WHEN e.openness = 'closed' AND w.model_id IS NOT NULL THEN 1 ELSE 0 END,
                                        evidence_order(e.rank, e.openness), e.license_id NULLS LAST, e.source) = 1
), manual AS (
    SELECT model_id, any_value(organization) AS organization, any_value(family) AS family,
           any_value(version) AS version, any_value(release_date) AS release_date,
           any_value(license_id) AS license_id
    FROM manual_model GROUP BY model_id
)
SELECT ids.model_id,
       coalesce(man.organization, o.board_org, c.cat_org, h.hint) AS organization,
       coalesce(man.family, own.family, ids.model_id) AS family,
       coalesce(man.version, own.version) AS version,
       coalesce(man.release_date, c.released, TRY_CAST(own.version AS DATE)) AS release_date,
       coalesce(d.openness, 'unknown') AS openness,
       coalesce(man.license_id, d.license_id) AS license_id
FROM ids
LEFT JOIN own ON own.key = ids.model_id
LEFT JOIN orgs o ON o.model_id = ids.model_id
LEFT JOIN cats c ON c.model_id = ids.model_id
LEFT JOIN hints h ON h.model_id = ids.model_id
LEFT JOIN decided d ON d.model_id = ids.model_id
LEFT JOIN manual man ON man.model_id = ids.model_id;

DELETE FROM model AS m WHERE NOT EXISTS (
    SELECT 1 FROM _model n WHERE n.model_id = m.model_id AND n.organization IS NOT DISTINCT FROM m.organization
    AND n.family IS NOT DISTINCT FROM m.family AND n.version IS NOT DISTINCT FROM m.version
    AND n.release_date IS NOT DISTINCT FROM m.release_date AND n.openness = m.openness
    AND n.license_id IS NOT DISTINCT FROM m.license_id);
INSERT INTO model SELECT n.* FROM _model n WHERE NOT EXISTS (SELECT 1 FROM model m WHERE m.model_id = n.model_id);
DROP TABLE _model;
