-- The version and time of the last publish, kept in the warehouse itself: a publish stamps it in the same
-- transaction as `publish_log` and then copies the database file block for block (warehouse/publish.py), so
-- the published snapshot carries it without being opened for writing. (It used to be added to each copy.)
CREATE TABLE IF NOT EXISTS snapshot_info (
    version      INTEGER NOT NULL,
    published_at TIMESTAMP NOT NULL
);
