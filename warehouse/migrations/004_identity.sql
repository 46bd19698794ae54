-- Identity, licences and openness.
-- Fact tables (history with validity intervals, written by ingest): license (SPDX list), license_text
-- (licence documents), hub_model (Hugging Face repo licence facts).
-- Derived tables (rebuilt by refresh_identity, the first ingest hook): model_name_key, model, model_alias,
-- license_term, openness_evidence. Manual tables mirror the aliases file (warehouse/identity/aliases.toml).

CREATE TABLE license (
    source          VARCHAR NOT NULL,
    license_id      VARCHAR NOT NULL,
    name            VARCHAR NOT NULL,
    osi_approved    BOOLEAN,
    deprecated      BOOLEAN,
    valid_from      TIMESTAMP NOT NULL,
    valid_to        TIMESTAMP,
    evidence_sha256 VARCHAR
);

CREATE TABLE license_text (
    source          VARCHAR NOT NULL,
    license_id      VARCHAR NOT NULL,
    text_sha256     VARCHAR NOT NULL,   -- sha256 of the whitespace-normalised text
    text            VARCHAR NOT NULL,   -- one paragraph per line
    valid_from      TIMESTAMP NOT NULL,
    valid_to        TIMESTAMP,
    evidence_sha256 VARCHAR
);

CREATE TABLE hub_model (
    source          VARCHAR NOT NULL,
    repo            VARCHAR NOT NULL,
    license         VARCHAR,            -- cardData.license (or the `license:` tag)
    license_name    VARCHAR,            -- for license = other: the licence's own name (e.g. `deepseek`)
    license_link    VARCHAR,
    gated           VARCHAR,            -- false | auto | manual
    base_model      VARCHAR,            -- comma-separated when several
    pipeline_tag    VARCHAR,
    renamed_to      VARCHAR,            -- the repo id the Hub answered with when the requested one was renamed
    valid_from      TIMESTAMP NOT NULL,
    valid_to        TIMESTAMP,
    evidence_sha256 VARCHAR
);

-- The normalised key of every (source, name) ever seen; `@hugging_face` rows are repo ids that catalogues
-- link to. Computed once per name in Python (warehouse/identity/names.py normalise).
CREATE TABLE model_name_key (
    source       VARCHAR NOT NULL,
    source_model VARCHAR NOT NULL,
    key          VARCHAR NOT NULL,
    family       VARCHAR NOT NULL,
    version      VARCHAR,
    org_hint     VARCHAR,
    method       VARCHAR NOT NULL,    -- exact | normalised | rule
    confidence   DOUBLE NOT NULL,
    PRIMARY KEY (source, source_model)
);

CREATE TABLE model (
    model_id     VARCHAR PRIMARY KEY,
    organization VARCHAR,
    family       VARCHAR,
    version      VARCHAR,
    release_date DATE,
    openness     VARCHAR NOT NULL,    -- open-source | open-weights-permissive | open-weights-restricted |
                                      -- open-weights-noncommercial | closed | unknown
    license_id   VARCHAR
);

CREATE TABLE model_alias (
    source       VARCHAR NOT NULL,
    source_model VARCHAR NOT NULL,
    model_id     VARCHAR NOT NULL,
    method       VARCHAR NOT NULL,    -- exact | normalised | rule | manual
    confidence   DOUBLE NOT NULL,
    PRIMARY KEY (source, source_model)
);

CREATE TABLE manual_alias (
    source   VARCHAR,                 -- NULL: the name from any source
    name     VARCHAR NOT NULL,
    model_id VARCHAR NOT NULL,
    note     VARCHAR
);

CREATE TABLE manual_model (
    model_id     VARCHAR NOT NULL,
    organization VARCHAR,
    family       VARCHAR,
    version      VARCHAR,
    release_date DATE,
    openness     VARCHAR,
    license_id   VARCHAR,
    note         VARCHAR
);

-- Every licence string any source uses, classified once (warehouse/identity/openness.py classify).
CREATE TABLE license_term (
    term       VARCHAR PRIMARY KEY,
    openness   VARCHAR NOT NULL,
    license_id VARCHAR,
    rule       VARCHAR NOT NULL
);

-- One row per piece of openness evidence about one source name (model_id NULL when the name is unmatched).
-- rank: 0 manual, 1 Hugging Face hub licence, 2 licence named by a leaderboard or catalogue,
-- 3 Epoch accessibility category, 4 open_weights flag (models.dev, OpenRouter hugging_face_id).
CREATE TABLE openness_evidence (
    model_id     VARCHAR,
    source       VARCHAR NOT NULL,
    source_model VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,
    value        VARCHAR,
    openness     VARCHAR NOT NULL,
    license_id   VARCHAR,
    rank         INTEGER NOT NULL,
    rule         VARCHAR
);

CREATE TABLE identity_state (
    name  VARCHAR PRIMARY KEY,
    value VARCHAR
);

CREATE TABLE license_text_diff (
    license_id    VARCHAR NOT NULL,
    from_sha256   VARCHAR NOT NULL,
    to_sha256     VARCHAR NOT NULL,
    from_valid    TIMESTAMP NOT NULL,
    to_valid      TIMESTAMP NOT NULL,
    lines_added   INTEGER NOT NULL,
    lines_removed INTEGER NOT NULL,
    diff          VARCHAR NOT NULL,     -- unified diff, one paragraph per line
    PRIMARY KEY (license_id, from_sha256, to_sha256)
);

-- 0 = most restrictive; within one evidence rank the most restrictive class wins.
CREATE MACRO openness_order(cls) AS CASE cls
    WHEN 'closed' THEN 0 WHEN 'open-weights-noncommercial' THEN 1 WHEN 'open-weights-restricted' THEN 2
    WHEN 'open-weights-permissive' THEN 3 WHEN 'open-source' THEN 4 ELSE 9 END;

-- The order in which evidence decides: rank first, then the most restrictive class. Exception: among the bare
-- open_weights flags (rank 4) a "published" flag beats a "not open" one, because resellers' catalogue entries
-- for hosted open models often say false while the weights are downloadable.
CREATE MACRO evidence_order(rank, cls) AS
    rank * 10 + CASE WHEN rank = 4 AND cls = 'closed' THEN 8 ELSE openness_order(cls) END;

CREATE VIEW v_model_names AS
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
       coalesce(nullif(m.openness, 'unknown'), own.openness, 'unknown') AS openness
FROM names n
LEFT JOIN model_alias a ON a.source = n.source AND a.source_model = n.model
LEFT JOIN model m ON m.model_id = a.model_id
LEFT JOIN own ON own.source = n.source AND own.source_model = n.model;

CREATE VIEW v_unmatched_names AS
SELECT n.source, n.source_model, k.key AS normalised, n.openness
FROM v_model_names n
LEFT JOIN model_name_key k ON k.source = n.source AND k.source_model = n.source_model
WHERE n.model_id IS NULL;

CREATE VIEW v_unmatched_share AS
SELECT source, count(*) AS names, count(*) FILTER (WHERE model_id IS NULL) AS unmatched,
       round(100.0 * count(*) FILTER (WHERE model_id IS NULL) / count(*), 1) AS unmatched_pct
FROM v_model_names GROUP BY source;

CREATE VIEW v_openness_evidence AS
SELECT model_id, source, source_model, kind, value, openness, license_id, rank, rule FROM openness_evidence;

CREATE VIEW v_model_openness AS
SELECT m.model_id, m.organization, m.openness, m.license_id,
       to_json(list({'source': e.source, 'name': e.source_model, 'kind': e.kind, 'value': e.value,
                     'openness': e.openness, 'rank': e.rank}
                    ORDER BY e.rank, e.source, e.source_model) FILTER (WHERE e.source IS NOT NULL)) AS evidence
FROM model m LEFT JOIN openness_evidence e ON e.model_id = m.model_id
GROUP BY m.model_id, m.organization, m.openness, m.license_id;

-- Models whose evidence disagrees: two licence-level sources (rank <= 2) give different classes; or the
-- licences and Epoch's category (rank <= 3) disagree on how restricted use is (open-source and permissive
-- both count as unrestricted); or one source says closed while another says open (a source that lists a
-- model both ways, e.g. models.dev across providers, counts as saying open).
CREATE VIEW v_openness_conflicts AS
WITH e AS (
    SELECT * FROM openness_evidence WHERE model_id IS NOT NULL AND openness <> 'unknown'
), per_source AS (
    SELECT model_id, source, bool_or(openness <> 'closed') AS says_open FROM e GROUP BY model_id, source
), open_vs_closed AS (
    SELECT model_id FROM per_source GROUP BY model_id HAVING count(DISTINCT says_open) > 1
), grades AS (
    SELECT model_id FROM e GROUP BY model_id
    HAVING count(DISTINCT openness) FILTER (WHERE rank <= 2) > 1
        OR count(DISTINCT least(openness_order(openness), 3)) FILTER (WHERE rank <= 3) > 1
)
SELECT m.model_id, m.openness AS decided,
       list(DISTINCT e.openness ORDER BY e.openness) AS classes,
       to_json(list({'source': e.source, 'name': e.source_model, 'kind': e.kind, 'value': e.value,
                     'openness': e.openness} ORDER BY e.rank, e.source, e.source_model)) AS evidence
FROM e JOIN model m ON m.model_id = e.model_id
WHERE e.model_id IN (SELECT model_id FROM open_vs_closed UNION SELECT model_id FROM grades)
GROUP BY m.model_id, m.openness;

CREATE VIEW v_license_unclassified AS
SELECT t.term, t.rule FROM license_term t WHERE t.openness = 'unknown' AND t.rule NOT LIKE 'no licence%';

CREATE VIEW v_license_current AS
WITH used AS (
    SELECT license_id, list(DISTINCT term ORDER BY term) AS terms, any_value(openness) AS openness
    FROM license_term WHERE license_id IS NOT NULL GROUP BY license_id
), spdx AS (
    SELECT license_id, name, osi_approved, deprecated FROM license WHERE valid_to IS NULL
), texts AS (
    SELECT t.license_id, d.first_url AS url, t.text_sha256, t.valid_from
    FROM license_text t LEFT JOIN raw_document d ON d.sha256 = t.evidence_sha256 WHERE t.valid_to IS NULL
), models AS (
    SELECT license_id, count(*) AS models FROM model WHERE license_id IS NOT NULL GROUP BY license_id
), ids AS (
    SELECT license_id FROM used UNION SELECT license_id FROM texts
)
SELECT ids.license_id, s.name, s.osi_approved, s.deprecated,
       coalesce(u.openness, CASE WHEN s.osi_approved THEN 'open-source' END) AS openness,
       u.terms, coalesce(mo.models, 0) AS models, t.url AS text_url, t.text_sha256, t.valid_from AS text_since
FROM ids
LEFT JOIN used u ON u.license_id = ids.license_id
LEFT JOIN spdx s ON lower(s.license_id) = lower(ids.license_id)
LEFT JOIN texts t ON t.license_id = ids.license_id
LEFT JOIN models mo ON mo.license_id = ids.license_id;

CREATE VIEW v_license_text_versions AS
SELECT t.license_id, row_number() OVER (PARTITION BY t.license_id ORDER BY t.valid_from) AS version,
       d.first_url AS url, t.text_sha256, length(t.text) AS chars, t.valid_from, t.valid_to, t.evidence_sha256
FROM license_text t LEFT JOIN raw_document d ON d.sha256 = t.evidence_sha256;

CREATE VIEW v_license_diffs AS
SELECT license_id, from_sha256, to_sha256, from_valid, to_valid, lines_added, lines_removed, diff
FROM license_text_diff;
