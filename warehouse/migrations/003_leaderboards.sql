-- Leaderboards: the capability map (loaded from capability_map.toml on every ingest) and the views that
-- put each score on the seed's six capabilities. Board and category patterns are case-insensitive globs.

CREATE TABLE capability_map (
    board      VARCHAR NOT NULL,   -- board name or glob, lower-case
    category   VARCHAR NOT NULL,   -- category / benchmark or glob, lower-case
    capability VARCHAR NOT NULL,   -- general | coding | math | instruction_following | multilingual | long_context | none
    weight     DOUBLE NOT NULL,    -- 1 = the board's headline category for that capability; lower = supporting
    note       VARCHAR
);

-- Each (board, category) seen in leaderboard_score with the map entries that apply to it: the most specific
-- matching patterns win (most non-wildcard characters); equally specific entries all apply.
CREATE VIEW v_capability_resolution AS
WITH seen AS (
    SELECT DISTINCT board, category FROM leaderboard_score
), matches AS (
    SELECT s.board, s.category, m.capability, m.weight, m.note,
           length(replace(m.board, '*', '')) + length(replace(m.category, '*', '')) AS specificity
    FROM seen s JOIN capability_map m
      ON lower(s.board) GLOB m.board AND lower(s.category) GLOB m.category
)
SELECT board, category, capability, weight, note FROM matches
QUALIFY specificity = max(specificity) OVER (PARTITION BY board, category);

-- Every score interval with its capability. Categories mapped to `none` and rows whose unit is a rank
-- (lower is better, e.g. LMArena's CSV-era style-control rank) are not capability evidence.
CREATE VIEW v_capability_scores AS
SELECT s.source, s.board, s.category, r.capability, s.model, s.score, s.score_unit, s.rank, s.votes,
       s.publish_date, s.organization, s.license, s.valid_from, s.valid_to, s.evidence_sha256, r.weight
FROM leaderboard_score s
JOIN v_capability_resolution r ON r.board = s.board AND r.category = s.category
WHERE r.capability <> 'none' AND s.score_unit <> 'rank';

-- Categories no map entry covers: add them to the capability map (or map them to "none").
CREATE VIEW v_unmapped_categories AS
SELECT s.source, s.board, s.category, count(DISTINCT s.model) AS models
FROM leaderboard_score s
WHERE NOT EXISTS (
    SELECT 1 FROM v_capability_resolution r WHERE r.board = s.board AND r.category = s.category
)
GROUP BY s.source, s.board, s.category
ORDER BY s.source, s.board, s.category;
