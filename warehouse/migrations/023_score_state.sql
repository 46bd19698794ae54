-- What the incremental derive keeps of the score history (issue 28), so that a score change or a new day reads
-- only the facts alive since the change instead of every score interval (warehouse/transforms/score_state.py).
-- Each (capability, board)'s compared category (`comparable_scores`) and its newest interval start.
CREATE TABLE transform_score_group (capability VARCHAR, board VARCHAR, category VARCHAR, newest DATE);
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
-- The tables were computed without this state: recompute them all at the next derive (which saves it).
DELETE FROM transform_state;
