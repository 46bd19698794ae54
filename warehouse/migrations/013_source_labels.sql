-- A source whose catalogue licences are its own labels (arena_catalog's price list), not the maker's terms:
-- identity ranks them with leaderboard licence columns (warehouse/identity/identity_refresh.sql).
ALTER TABLE source_info ADD COLUMN labels_licences BOOLEAN NOT NULL DEFAULT false;
