-- What the incremental derive keeps of the score history (issue 28), so that a score change or a new day reads
-- only the facts alive since the change instead of every score interval (warehouse/transforms/score_state.py).
-- Each (capability, board)'s compared category (`comparable_scores`) and its newest interval start.
CREATE TABLE transform_score_group (capability VARCHAR, board VARCHAR, category VARCHAR, newest DATE);
-- Each board category's distinct names ever scored (and their count) and its newest lasting start, publish date
-- and change (what the compared category and the freshness of boards are chosen by), so a change reads only what
-- it touched.
CREATE TABLE transform_score_name (board VARCHAR, category VARCHAR, model VARCHAR);
CREATE TABLE transform_score_category (board VARCHAR, category VARCHAR, models BIGINT, newest DATE, published DATE,
                                       changed DATE);
-- Each board's newest data (`headline.board_freshness`).
CREATE TABLE transform_board_fresh (board VARCHAR, newest DATE);
-- Each (capability, board) and lane's records (`months_behind.score_records`): the running best, day by day,
-- each dated as months behind dates it (`months_behind.dated`: from the model's release where it counts from it),
-- with the holder's release date (what says a date's basis) and the latest day its intervals were listed from.
CREATE TABLE transform_score_record (capability VARCHAR, board VARCHAR, lane BIGINT, "start" DATE, score DOUBLE,
                                     model VARCHAR, release DATE, listed DATE);
-- Each matched model's cheapest standard-tier blended price on each price-index grid day, with its openness:
-- what `price_index` takes the medians of, so that a moved quality tier re-aggregates it instead of every price.
CREATE TABLE transform_cheapest (model_id VARCHAR, openness VARCHAR, date DATE, blended_price DOUBLE);
-- Each (capability, board) model's first start and release as `months_behind.dated` reads them.
CREATE TABLE transform_score_model (capability VARCHAR, board VARCHAR, model VARCHAR, first DATE, release DATE);
-- Each model's newest reference quality (the newest interval start, its best score then): what the quality tiers
-- rank, kept so that a score change re-reads only the changed models' quality history.
CREATE TABLE transform_quality_latest (model_id VARCHAR, "start" DATE, score DOUBLE);
-- The price and score intervals not ended before the last derive's as-of day, as the derive reads them (names resolved,
-- listing roles judged; scores of the compared categories only): what a new day and a change of today read
-- instead of every interval alive since, which would mean scanning the whole history tables.
CREATE TABLE transform_price_alive (source VARCHAR, provider VARCHAR, model VARCHAR, tier VARCHAR, model_id VARCHAR,
                                    openness VARCHAR, input_per_mtok DOUBLE, output_per_mtok DOUBLE,
                                    valid_from TIMESTAMP, valid_to TIMESTAMP, modality VARCHAR, role VARCHAR,
                                    per_token BOOLEAN);
CREATE TABLE transform_score_alive (board VARCHAR, category VARCHAR, capability VARCHAR, model VARCHAR,
                                    model_id VARCHAR, openness VARCHAR, score DOUBLE, valid_from TIMESTAMP,
                                    valid_to TIMESTAMP, publish_date DATE);
-- The tables were computed without this state: recompute them all at the next derive (which saves it).
DELETE FROM transform_state;
