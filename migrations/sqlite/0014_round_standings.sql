-- Closing a round records every standing again with its prediction's distance. For a
-- province-sized round that takes minutes, so it runs after the close request has answered;
-- `standings_at` is when it finished (NULL while it runs, or before the round closes). A
-- node that finds a closed round without it (a restart mid-way) records them again.
ALTER TABLE contest_rounds ADD COLUMN standings_at BIGINT;
UPDATE contest_rounds SET standings_at = closed_at WHERE closed_at IS NOT NULL;
