-- What the incremental derive keeps of the score history (issue 28), so that a score change or a new day reads
-- only the facts alive since the change instead of every score interval (warehouse/transforms/score_state.py).
-- Each (capability, board)'s compared category (`comparable_scores`) and its newest interval start.
CREATE TABLE transform_score_group (capability VARCHAR, board VARCHAR, category VARCHAR, newest DATE);
-- Each board's newest data (`headline.board_freshness`).
CREATE TABLE transform_board_fresh (board VARCHAR, newest DATE);
-- Each (capability, board) and lane's records (`months_behind.score_records`): the running best, day by day.
CREATE TABLE transform_score_record (capability VARCHAR, board VARCHAR, lane BIGINT, "start" DATE, score DOUBLE,
                                     model VARCHAR);
-- Each matched model's cheapest standard-tier blended price on each price-index grid day, with its openness:
-- what `price_index` takes the medians of, so that a moved quality tier re-aggregates it instead of every price.
CREATE TABLE transform_cheapest (model_id VARCHAR, openness VARCHAR, date DATE, blended_price DOUBLE);
