-- What readers need of each source's declaration, so the app and SQL users read it from the snapshot instead
-- of importing the registry: its label, why it was retired, the max age of its newest data, the fact tables
-- its rows go to, which real files its parser was built on, and its place in the registry (display order).
-- Rewritten by warehouse/source_info.py from the registry jobs/ hands it.
ALTER TABLE source_info ADD COLUMN label VARCHAR NOT NULL DEFAULT '';
ALTER TABLE source_info ADD COLUMN retired VARCHAR;
ALTER TABLE source_info ADD COLUMN max_age INTERVAL;
ALTER TABLE source_info ADD COLUMN fact_tables VARCHAR[] NOT NULL DEFAULT [];
ALTER TABLE source_info ADD COLUMN real_files VARCHAR NOT NULL DEFAULT '';
ALTER TABLE source_info ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
