-- "Pending" named three different things; each table is renamed for what it holds (behaviour unchanged):
-- the derive stage a batch owes (008), the per-outcome hooks a batch owes (014), and the fact keys ingests touched
-- since the transforms last ran (012: not a batch's debt, the transforms' own bookkeeping).
ALTER TABLE pending_derive RENAME TO derive_owed;
ALTER TABLE pending_events RENAME TO hooks_owed;
ALTER TABLE transform_pending RENAME TO transform_touched;
